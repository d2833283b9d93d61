"""A figure's state in a file: "không có số liệu" / "không áp dụng" cells, the refusal
of anything ambiguous, the template pre-filled with marks and carrying definitions."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from catalogue.spec import load_catalogue
from submissions.spreadsheets import build_template_xlsx, parse_values_upload
from tests.uploads.test_upload_api import BASE, BULK, bulk_file, current, upload

CATALOGUE = load_catalogue(2024)


def csv_file(rows: dict[str, str]) -> bytes:
    return ("code,value\n" + "\n".join(f"{c},{v}" for c, v in rows.items())).encode("utf-8")


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("không có số liệu", "not_reported"),
        ("Không có số liệu", "not_reported"),
        ("not reported", "not_reported"),
        ("không áp dụng", "not_applicable"),
        ("Not applicable", "not_applicable"),
    ],
)
def test_a_cell_naming_a_state_is_read_as_that_mark(text, mark):
    parsed = parse_values_upload(
        data=csv_file({"research.conferences": text, "training.classes": "24"}),
        filename="x.csv",
        catalogue=CATALOGUE,
    )
    assert parsed.ok, parsed.errors
    assert parsed.marks == {"research.conferences": mark}
    assert parsed.values == {"research.conferences": None, "training.classes": 24}


@pytest.mark.parametrize("text", ["N/A", "không", "chưa có", "none", "ko có"])
def test_a_cell_that_only_seems_to_name_a_state_is_refused(text):
    parsed = parse_values_upload(
        data=csv_file({"research.conferences": text}), filename="x.csv", catalogue=CATALOGUE
    )
    assert not parsed.ok and not parsed.marks
    (problem,) = parsed.errors
    assert "không có số liệu" in problem.message_vi and text in problem.message_vi
    assert "not reported" in problem.message_en


def test_upload_stores_the_marks_and_never_a_zero(world, api_client):
    client = api_client("laocai-editor", "laocai")
    data = csv_file(
        {
            "training.classes": "24",
            "research.conferences": "không có số liệu",
            "research.schemes": "không áp dụng",
        }
    )
    dry = upload(client, data, "laocai.csv", dry_run=True).json()
    assert {(c["code"], c.get("new_mark", "")) for c in dry["changes"]} == {
        ("training.classes", ""),
        ("research.conferences", "not_reported"),
        ("research.schemes", "not_applicable"),
    }
    applied = upload(client, data, "laocai.csv", dry_run=False).json()
    assert applied["applied"] is True, applied
    state = current(client)
    assert state["not_reported"] == ["research.conferences"]
    assert state["not_applicable"] == ["research.schemes"]
    assert state["values"].get("research.conferences") is None

    # The template comes back with the marks written in, and re-uploads unchanged.
    template = client.get(BASE + "template.csv").content.decode("utf-8-sig")
    assert "research.conferences," in template and ",không có số liệu" in template
    again = upload(client, template.encode("utf-8"), "again.csv", dry_run=True).json()
    assert again["unchanged"] is True, again


def test_bulk_backfill_marks_a_figure_not_reported(world, api_client):
    data = bulk_file(
        [
            ("laocai", "2023-H1", "training.classes", 22),
            ("laocai", "2023-H1", "research.projects", "không có số liệu"),
        ]
    )
    result = upload(api_client("department"), data, "bulk.csv", dry_run=False, url=BULK)
    assert result.status_code == 200, result.json()
    state = api_client("laocai-editor", "laocai").get("/api/v1/submissions/2023-H1/").json()
    assert state["values"] == {"training.classes": 22, "research.projects": None}  # not 0
    assert state["not_reported"] == ["research.projects"]


def test_xlsx_template_carries_definitions_and_marks():
    data = build_template_xlsx(
        catalogue=CATALOGUE,
        school_name="Trường Chính trị tỉnh Lào Cai",
        period_code="2024-H1",
        values={"training.classes": 24},
        marks={"research.conferences": "not_reported"},
    )
    sheet = load_workbook(io.BytesIO(data))["Số liệu"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=3)}
    classes = rows["training.classes"]
    assert classes[2].comment is not None
    assert classes[2].comment.text == CATALOGUE["training.classes"].definition_vi
    assert classes[3].comment.text == CATALOGUE["training.classes"].definition_en
    assert rows["research.conferences"][5].value == "không có số liệu"
    assert classes[5].value == 24
    parsed = parse_values_upload(data=data, filename="t.xlsx", catalogue=CATALOGUE)
    assert parsed.ok, parsed.errors
    assert parsed.marks == {"research.conferences": "not_reported"}
