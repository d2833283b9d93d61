"""Entry never guesses: each misreading of issue 11 is refused with its message, in
Vietnamese and English, through the form, the API and the upload (CSV and XLSX), and
nothing is saved (all or nothing)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from openpyxl import Workbook

from submissions.models import Value

API = "/api/v1/submissions/2024-H1/"
FORM = "/submissions/2024-H1/"
BASELINE = {"training.classes": 24, "training.learners": 1254}

# Typed value -> a fragment of the Vietnamese and of the English message.
MISREADINGS = [
    ("training.classes", "3 nghìn", "Có phải 3.000?", "Did you mean 3,000?"),
    ("training.learners", "4 triệu", "Có phải 4.000.000?", "Did you mean 4,000,000?"),
    ("training.classes", "3415 abc", "Đọc được số 3.415 kèm chữ “abc”", "the number 3,415"),
    ("training.classes", "47 học viên", "chỉ tiêu này đếm “lớp”", "this indicator counts classes"),
    ("training.classes", "1e3", "ký hiệu khoa học", "scientific notation"),
]


def stored_values(slug: str) -> dict[str, int | None]:
    with schema_context(slug):
        return dict(
            Value.objects.filter(submission__period__code="2024-H1").values_list("code", "value")
        )


@pytest.fixture
def laocai(world, api_client):  # type: ignore[no-untyped-def]
    """Lào Cai's editor, with figures already saved: a refusal must leave them alone."""
    client = api_client("laocai-editor", "laocai")
    saved = client.patch(API, {"version": 0, "values": BASELINE}, format="json")
    assert saved.status_code == 200, saved.json()
    assert stored_values("laocai") == BASELINE
    return client


# --- API ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "raw", "vi", "en"), MISREADINGS)
def test_api_refuses_each_misreading_and_saves_nothing(laocai, code, raw, vi, en):
    values = {code: raw, "research.projects": 2}  # a good value goes down with the bad
    refused = laocai.patch(API, {"version": 1, "values": values}, format="json")
    assert refused.status_code == 400
    findings = {f["code"]: f["message"] for f in refused.json()["findings"]}
    assert vi in findings[code]
    assert "research.projects" not in findings
    assert stored_values("laocai") == BASELINE

    english = laocai.patch(
        API, {"version": 1, "values": values}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 400
    assert en in {f["code"]: f["message"] for f in english.json()["findings"]}[code]
    assert stored_values("laocai") == BASELINE


def test_api_echoes_json_true_as_json_not_python(laocai):
    refused = laocai.patch(API, {"version": 1, "values": {"training.classes": True}}, format="json")
    assert refused.status_code == 400
    message = refused.json()["findings"][0]["message"]
    assert "“true”" in message and "True" not in message
    assert stored_values("laocai") == BASELINE


def test_api_still_accepts_the_counting_word_of_the_field(laocai):
    saved = laocai.patch(
        API,
        {"version": 1, "values": {"training.classes": "47 lớp", "training.learners": "2.546"}},
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert stored_values("laocai") == {"training.classes": 47, "training.learners": 2546}


# --- the form ---------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "raw", "vi", "en"), MISREADINGS)
def test_form_refuses_each_misreading_and_saves_nothing(laocai, page_client, code, raw, vi, en):
    client = page_client("laocai-editor", "laocai")
    post = {"version": "1", f"value__{code}": raw, "value__research.projects": "2"}
    response = client.post(FORM, post)
    assert response.status_code == 400
    html = response.content.decode()
    assert "chưa có gì được lưu" in html
    assert vi in html
    assert stored_values("laocai") == BASELINE

    english = client.post(FORM, post, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert en in english.content.decode()
    assert stored_values("laocai") == BASELINE


# --- uploads ---------------------------------------------------------------------------


def upload(client, data: bytes, name: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(
        API + "upload/",
        {"file": SimpleUploadedFile(name, data), "dry_run": "false"},
        format="multipart",
        **headers,
    )


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("code", "raw", "vi", "en"), MISREADINGS)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_upload_refuses_each_misreading_and_saves_nothing(laocai, kind, code, raw, vi, en):
    rows: list[list[object]] = [["code", "value"], [code, raw], ["research.projects", 2]]
    data = xlsx(rows) if kind == "xlsx" else "\n".join(f"{a},{b}" for a, b in rows).encode()
    refused = upload(laocai, data, f"so-lieu.{kind}")
    assert refused.status_code == 400
    body = refused.json()
    assert body["applied"] is False
    [error] = body["errors"]
    assert error["row"] == 2 and error["code"] == code
    assert vi in error["message"]
    english = upload(laocai, data, f"so-lieu.{kind}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en in english["errors"][0]["message"]
    assert stored_values("laocai") == BASELINE


def test_csv_row_with_more_fields_than_its_header_is_refused_with_its_row(laocai):
    # An unquoted decimal comma: "1,5" split into two fields. Today's bug read it as 1.
    data = b"code,value\nresearch.projects,2\ntraining.classes,1,5\n"
    refused = upload(laocai, data, "so-lieu.csv")
    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert error["row"] == 3
    assert "3 ô nhưng dòng tiêu đề chỉ có 2 cột" in error["message"]
    english = upload(laocai, data, "so-lieu.csv", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "3 cells but its header has 2 columns" in english["errors"][0]["message"]
    assert stored_values("laocai") == BASELINE


def test_workbook_row_with_more_fields_than_its_header_is_refused(laocai):
    data = xlsx([["code", "value"], ["training.classes", 1, 5]])
    refused = upload(laocai, data, "so-lieu.xlsx")
    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert error["row"] == 2 and error["column"] == "C"
    assert stored_values("laocai") == BASELINE


def test_workbook_decimal_names_the_integer_probably_meant(laocai):
    # A spreadsheet in an English locale stores the typed "1.793" as the decimal 1.793.
    data = xlsx([["code", "value"], ["training.learners", 1.793]])
    refused = upload(laocai, data, "so-lieu.xlsx")
    assert refused.status_code == 400
    [error] = refused.json()["errors"]
    assert error["row"] == 2 and error["code"] == "training.learners"
    assert "có phải 1793?" in error["message"]
    english = upload(laocai, data, "so-lieu.xlsx", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "did you mean 1793?" in english["errors"][0]["message"]
    assert stored_values("laocai") == BASELINE


# --- one size limit, its real figure in the message ------------------------------------


def test_school_upload_over_its_limit_states_the_real_limit(laocai):
    from submissions.spreadsheets import MAX_BYTES

    refused = upload(laocai, b"x" * (MAX_BYTES + 1), "big.csv")
    assert refused.status_code == 400
    message = refused.json()["detail"] if "detail" in refused.json() else str(refused.json())
    assert "5 MB" in message and "20 MB" not in message
    assert stored_values("laocai") == BASELINE
