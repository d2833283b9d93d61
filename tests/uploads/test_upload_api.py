"""Uploads over the API: template round trip, dry run, apply, re-upload, refusals, bulk."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

BASE = "/api/v1/submissions/2024-H1/"


def fill_template(xlsx: bytes, values: dict[str, object]) -> bytes:
    workbook = load_workbook(io.BytesIO(xlsx))
    sheet = workbook["Số liệu"]
    header = [cell.value for cell in sheet[1]]
    code_column, value_column = header.index("Mã chỉ tiêu") + 1, header.index("Giá trị") + 1
    for row in sheet.iter_rows(min_row=3):
        code = row[code_column - 1].value
        if code in values:
            row[value_column - 1].value = values[code]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, data: bytes, name: str, dry_run: bool, url: str = BASE + "upload/"):
    return client.post(
        url,
        {"file": SimpleUploadedFile(name, data), "dry_run": str(dry_run).lower()},
        format="multipart",
    )


def current(client) -> dict:
    return client.get(BASE).json()


def test_round_trip_download_fill_upload_same_values(world, api_client):
    client = api_client("laocai-editor", "laocai")
    template = client.get(BASE + "template.xlsx")
    assert template.status_code == 200
    filled = fill_template(
        template.content,
        {"training.classes": "24", "training.learners": "1.254 học viên", "research.schemes": 0},
    )

    dry = upload(client, filled, "laocai.xlsx", dry_run=True)
    assert dry.status_code == 200, dry.json()
    body = dry.json()
    assert body["applied"] is False
    assert {(c["code"], c["old"], c["new"]) for c in body["changes"]} == {
        ("training.classes", None, 24),
        ("training.learners", None, 1254),
        ("research.schemes", None, 0),
    }
    assert current(client)["values"] == {}

    applied = upload(client, filled, "laocai.xlsx", dry_run=False).json()
    assert applied["applied"] is True
    assert current(client)["values"] == {
        "training.classes": 24,
        "training.learners": 1254,
        "research.schemes": 0,
    }

    again = upload(client, filled, "laocai.xlsx", dry_run=False).json()
    assert again["applied"] is False and again["unchanged"] is True and again["changes"] == []

    downloaded_again = client.get(BASE + "template.xlsx").content
    refilled = fill_template(downloaded_again, {})
    assert upload(client, refilled, "same.xlsx", dry_run=True).json()["unchanged"] is True


def test_csv_template_round_trip(world, api_client):
    client = api_client("laocai-editor", "laocai")
    client.patch(BASE, {"version": 0, "values": {"training.classes": 24}}, format="json")
    csv_bytes = client.get(BASE + "template.csv").content
    text = csv_bytes.decode("utf-8-sig").replace("training.learners,", "training.learners,", 1)
    lines = [
        line if not line.startswith("training.learners,") else line.rstrip(",") + ",1254"
        for line in text.splitlines()
    ]
    result = upload(client, "\n".join(lines).encode("utf-8"), "laocai.csv", dry_run=False).json()
    assert result["applied"] is True, result
    assert current(client)["values"] == {"training.classes": 24, "training.learners": 1254}


def test_upload_writes_audit_rows_with_the_upload_channel(world, api_client):
    client = api_client("laocai-editor", "laocai")
    filled = fill_template(client.get(BASE + "template.xlsx").content, {"training.classes": 24})
    upload(client, filled, "laocai.xlsx", dry_run=False)
    audit = client.get(BASE + "audit/").json()
    assert [(row["field"], row["channel"], row["new"]) for row in audit] == [
        ("training.classes", "upload", "24")
    ]


def test_broken_file_lists_errors_with_place_and_changes_nothing(world, api_client):
    client = api_client("laocai-editor", "laocai")
    client.patch(BASE, {"version": 0, "values": {"training.classes": 24}}, format="json")
    filled = fill_template(
        client.get(BASE + "template.xlsx").content,
        {"training.classes": "1,5", "training.learners": "-4"},
    )
    refused = upload(client, filled, "broken.xlsx", dry_run=False)
    assert refused.status_code == 400
    body = refused.json()
    assert body["applied"] is False and len(body["errors"]) == 2
    assert all(
        error["sheet"] == "Số liệu" and error["row"] and error["column"] == "F"
        for error in body["errors"]
    )
    assert current(client)["values"] == {"training.classes": 24}


def test_macro_workbook_and_fake_xlsx_are_refused(world, api_client):
    client = api_client("laocai-editor", "laocai")
    refused = upload(client, b"MZ\x90\x00not a spreadsheet at all", "figures.xlsx", dry_run=True)
    assert refused.status_code == 400 and refused.json()["errors"]


def test_another_school_cannot_upload_or_download(world, api_client):
    outsider = api_client("sonla-editor", "laocai")
    assert outsider.get(BASE + "template.xlsx").status_code == 403
    assert (
        upload(outsider, b"code,value\ntraining.classes,1\n", "x.csv", dry_run=True).status_code
        == 403
    )


BULK = "/api/v1/uploads/bulk/"


def bulk_file(rows: list[tuple[str, str, str, object]]) -> bytes:
    lines = [
        "school,period,indicator,value",
        *(",".join(str(part) for part in row) for row in rows),
    ]
    return "\n".join(lines).encode("utf-8")


def test_department_backfills_any_school(world, api_client):
    data = bulk_file(
        [
            ("laocai", "2023-H1", "training.classes", 22),
            ("thainguyen", "2023-H1", "training.classes", 40),
        ]
    )
    result = upload(api_client("department"), data, "bulk.csv", dry_run=False, url=BULK)
    assert result.status_code == 200, result.json()
    assert result.json()["applied"] is True and result.json()["schools"] == ["laocai", "thainguyen"]
    assert api_client("thainguyen-editor", "thainguyen").get("/api/v1/submissions/2023-H1/").json()[
        "values"
    ] == {"training.classes": 40}


def test_lead_backfills_its_own_cluster_only(world, api_client):
    own = bulk_file([("laocai", "2024-H1", "training.classes", 24)])
    assert (
        upload(api_client("quangninh-approver"), own, "own.csv", dry_run=True, url=BULK).status_code
        == 200
    )
    other = bulk_file(
        [
            ("laocai", "2024-H1", "training.classes", 24),
            ("backan", "2024-H1", "training.classes", 9),
        ]
    )
    refused = upload(api_client("quangninh-approver"), other, "other.csv", dry_run=False, url=BULK)
    assert refused.status_code == 403 and refused.json()["forbidden"] == ["backan"]
    assert api_client("laocai-editor", "laocai").get(BASE).json()["values"] == {}


def test_school_users_never_bulk_for_another_school(world, api_client):
    data = bulk_file([("laocai", "2024-H1", "training.classes", 24)])
    assert (
        upload(api_client("dienbien-editor"), data, "x.csv", dry_run=True, url=BULK).status_code
        == 403
    )


def test_bulk_with_one_bad_row_applies_nothing(world, api_client):
    data = bulk_file(
        [
            ("laocai", "2023-H1", "training.classes", 22),
            ("thainguyen", "2023-H1", "training.classes", "12a"),
        ]
    )
    result = upload(api_client("department"), data, "bulk.csv", dry_run=False, url=BULK)
    assert result.status_code == 400 and result.json()["applied"] is False
    assert (
        api_client("laocai-editor", "laocai").get("/api/v1/submissions/2023-H1/").json()["values"]
        == {}
    )


def test_dry_run_of_a_locked_submission_says_so(world, api_client):
    client = api_client("laocai-editor", "laocai")
    client.patch(
        BASE,
        {
            "version": 0,
            "values": {
                "training.classes": 24,
                "training.learners": 1254,
                "research.projects": 0,
                "research.conferences": 0,
            },
        },
        format="json",
    )
    assert client.post(BASE + "submit/").status_code == 200
    filled = fill_template(client.get(BASE + "template.xlsx").content, {"training.classes": 25})
    body = upload(client, filled, "late.xlsx", dry_run=True).json()
    assert body["applied"] is False and any("đã gửi" in e["message"] for e in body["errors"])


def test_bulk_apply_refuses_when_figures_changed_since_the_dry_run(world, api_client):
    from imports.services import bulk_process
    from tests.conftest import user

    data = bulk_file([("laocai", "2023-H1", "training.classes", 22)])
    department = user("department")
    shown = bulk_process(user=department, data=data, filename="b.csv", dry_run=True).changes
    api_client("laocai-editor", "laocai").patch(
        "/api/v1/submissions/2023-H1/",
        {"version": 0, "values": {"training.classes": 30}},
        format="json",
    )
    result = bulk_process(
        user=department, data=data, filename="b.csv", dry_run=False, expected_changes=shown
    )
    assert result.stale is True and result.applied is False
    assert api_client("laocai-editor", "laocai").get("/api/v1/submissions/2023-H1/").json()[
        "values"
    ] == {"training.classes": 30}


def test_bulk_file_over_its_limit_is_told_the_bulk_limit_in_english_too(world, api_client):
    client = api_client("department")
    big = b"x" * (21 * 1024 * 1024)
    refused = upload(client, big, "big.csv", dry_run=True, url=BULK)
    assert refused.status_code == 400
    assert "vượt giới hạn 20 MB của tệp nhập hàng loạt" in str(refused.json())
    english = client.post(
        BULK,
        {"file": SimpleUploadedFile("big.csv", big), "dry_run": "true"},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "is 21 MB, over the 20 MB limit of a bulk upload file" in str(english.json())
