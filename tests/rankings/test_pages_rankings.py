"""The department's pages: render in Vietnamese and English, refuse outsiders,
export every table as XLSX with numbers as numbers, and edit the scheme."""

from __future__ import annotations

import io
import re
from unittest import mock

import openpyxl
import pytest
from django.test import Client

from catalogue.models import Period
from rankings.models import ScoringScheme
from rankings.services import ranking_compute, scheme_ensure_example
from tenants.services import department_role_grant, user_ensure
from tests.rankings.conftest import form_fields, insert_facts
from tests.seeds import seed_002_values
from tests.world import MIDLANDS, NORTH, PASSWORD

PERIOD = "2024-H1"
PAGES = [
    "/rankings/",
    f"/rankings/{PERIOD}/",
    f"/rankings/{PERIOD}/clusters/",
    f"/rankings/{PERIOD}/clusters/{NORTH}/",
    f"/rankings/{PERIOD}/indicators/?code=training.learners",
    f"/rankings/{PERIOD}/indicators/?code=research.projects&cluster={NORTH}",
    f"/rankings/{PERIOD}/schools/quangninh/",
    "/rankings/schools/quangninh/trend/",
    "/rankings/scoring/2024/",
]
# Every table page, with a header cell of its XLSX to find the table by.
EXPORTS = [
    (f"/rankings/{PERIOD}/?export=xlsx", "Điểm tổng hợp"),
    (f"/rankings/{PERIOD}/clusters/{NORTH}/?export=xlsx", "Điểm tổng hợp"),
    (f"/rankings/{PERIOD}/clusters/?export=xlsx", "Điểm trung bình"),
    (f"/rankings/{PERIOD}/indicators/?code=training.classes&export=xlsx", "Giá trị"),
    (f"/rankings/{PERIOD}/schools/quangninh/?export=xlsx", "Điểm (0–100)"),
    ("/rankings/schools/quangninh/trend/?export=xlsx", "Điểm tổng hợp"),
    ("/rankings/scoring/2024/?export=xlsx", "Trọng số"),
]


@pytest.fixture
def ranked(world):
    period = Period.objects.get(code=PERIOD)
    insert_facts(period, seed_002_values())
    insert_facts(
        period, {"thainguyen": {"training.classes": 40, "staff.lecturers": 30}}, "accepted"
    )
    scheme_ensure_example(year=2024)
    ranking_compute(period=period)
    return period


def client_in(page_client, username: str | None, language: str) -> Client:
    client = page_client(username)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_department_pages_render(ranked, page_client, path, language):
    response = client_in(page_client, "department", language).get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    if path.startswith(f"/rankings/{PERIOD}/") and "indicators" not in path:
        assert "<svg" in html
        marker = "EXAMPLE" if language == "en" else "VÍ DỤ"
        assert marker in html, "the example scheme must be labelled as such"
    if language == "en":
        assert "Bảng xếp hạng" not in html and "Điểm tổng hợp" not in html


def test_ranking_page_shows_reasons_and_states(ranked, page_client):
    html = client_in(page_client, "department", "vi").get(f"/rankings/{PERIOD}/").content.decode()
    row = re.search(r'<tr data-school="quangninh" data-rank="1"[^>]*>(.*?)</tr>', html, re.S)
    assert row, "the seed 002 lead ranks first under the example scheme"
    assert "Vì sao?" in row.group(1) and "trọng số" in row.group(1)
    assert 'data-school="backan" data-rank="" data-score="" data-state="missing"' in html
    assert "Chưa có số liệu – không xếp hạng" in html
    english = client_in(page_client, "department", "en").get(f"/rankings/{PERIOD}/").content
    assert b"Missing" in english and b"Why?" in english


def test_vietnamese_numbers_use_a_decimal_comma(ranked, page_client):
    html = client_in(page_client, "department", "vi").get(f"/rankings/{PERIOD}/").content.decode()
    assert re.search(r'data-score="27.86"', html)  # machine-readable
    assert "<strong>27,86</strong>" in html
    english = (
        client_in(page_client, "department", "en").get(f"/rankings/{PERIOD}/").content.decode()
    )
    assert "<strong>27.86</strong>" in english


@pytest.mark.parametrize(
    "username, path",
    [
        ("nobody", "/rankings/"),
        ("nobody", f"/rankings/{PERIOD}/"),
        ("nobody", f"/rankings/{PERIOD}/clusters/"),
        ("nobody", f"/rankings/{PERIOD}/schools/quangninh/"),
        ("nobody", "/rankings/schools/quangninh/trend/"),
        ("nobody", f"/rankings/{PERIOD}/indicators/"),
        ("langson-editor", f"/rankings/{PERIOD}/clusters/{MIDLANDS}/"),
        ("langson-editor", f"/rankings/{PERIOD}/schools/thainguyen/"),
        ("langson-editor", f"/rankings/{PERIOD}/indicators/?cluster={MIDLANDS}"),
        ("langson-editor", "/rankings/scoring/2024/"),
        ("thainguyen-editor", "/rankings/schools/quangninh/trend/"),
    ],
)
def test_others_get_403(ranked, page_client, username, path):
    response = page_client(username).get(path)
    assert response.status_code == 403
    html = response.content.decode()
    assert "data-school=" not in html and "<svg" not in html and "data-period=" not in html


def test_anonymous_is_sent_to_sign_in(ranked, page_client):
    response = page_client(None).get(f"/rankings/{PERIOD}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_school_sees_own_row_nationally_and_its_cluster(ranked, page_client):
    client = page_client("langson-editor")
    national = client.get(f"/rankings/{PERIOD}/").content.decode()
    assert re.findall(r'<tr data-school="([a-z]+)"', national) == ["langson"]
    cluster = client.get(f"/rankings/{PERIOD}/clusters/{NORTH}/").content.decode()
    assert len(re.findall(r'<tr data-school="', cluster)) == 8
    assert MIDLANDS not in re.findall(r'/clusters/([a-z-]+)/"', national)


@pytest.mark.parametrize("path, header", EXPORTS)
def test_every_table_exports_to_xlsx_with_numbers_as_numbers(ranked, page_client, path, header):
    response = client_in(page_client, "department", "vi").get(path)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    start = next(index for index, row in enumerate(rows) if header in [str(c) for c in row])
    column = [str(cell) for cell in rows[start]].index(header)
    numbers = [row[column] for row in rows[start + 1 :] if row[column] is not None]
    assert numbers, path
    assert all(isinstance(value, int | float) for value in numbers), (path, numbers)
    for row in rows:
        for cell in row:
            assert not (isinstance(cell, str) and cell[:1] in "=+-@"), cell


def test_formula_like_text_is_neutralised_in_exports(ranked, page_client):
    scheme = ScoringScheme.objects.get(year=2024)
    scheme.criteria.filter(code="classes").update(label_vi='=HYPERLINK("http://x")')
    ScoringScheme.objects.filter(pk=scheme.pk).update(version=scheme.version)
    response = client_in(page_client, "department", "vi").get("/rankings/scoring/2024/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    texts = [
        cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)
    ]
    assert '\'=HYPERLINK("http://x")' in texts
    assert all(not text.startswith("=") for text in texts)


def test_scheme_page_form_changes_a_weight(ranked, page_client, django_capture_on_commit_callbacks):
    admin = user_ensure(username="scoring-admin", password=PASSWORD)
    department_role_grant(user=admin, can_manage_scoring=True)
    client = page_client("scoring-admin")
    page = client.get("/rankings/scoring/2024/").content.decode()
    post = form_fields(page, "scheme-form")
    assert post["c-INITIAL_FORMS"] == "7" and post["c-TOTAL_FORMS"] == "8"
    index = next(key.split("-")[1] for key, value in post.items() if value == "classes")
    post[f"c-{index}-weight"] = "60"
    post["label_vi"] = "VÍ DỤ 2024"
    with (
        mock.patch("rankings.tasks.compute_period_rankings.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post("/rankings/scoring/2024/", {**post, "next": f"/rankings/{PERIOD}/"})
    assert response.status_code == 302, re.findall(
        r'<li class="error">(.*?)</li>', response.content.decode()
    )
    assert response["Location"] == f"/rankings/{PERIOD}/"
    scheme = ScoringScheme.objects.get(year=2024)
    assert scheme.version == 2 and scheme.criteria.get(code="classes").weight == 60
    assert scheme.criteria.count() == 7
    assert queued.called
    # The ranking page shows the old ranking as being recomputed, and reloads itself.
    stale = client.get(f"/rankings/{PERIOD}/").content.decode()
    assert 'http-equiv="refresh"' in stale
    # A second post from the same (now stale) form is refused, not merged.
    conflict = client.post("/rankings/scoring/2024/", post)
    assert conflict.status_code == 409
    assert ScoringScheme.objects.get(year=2024).version == 2


def test_plain_department_member_sees_the_scheme_but_cannot_edit(ranked, page_client):
    client = page_client("department")
    page = client.get("/rankings/scoring/2024/").content.decode()
    assert '<form method="post" class="card scheme-form">' not in page
    # Indicators are named by their catalogue label, not their code.
    assert re.search(r'<td title="training.learners">Tổng số học viên[^<]*</td>', page)
    assert ">training.learners<" not in page
    response = client.post("/rankings/scoring/2024/", {"version": "1"})
    assert response.status_code == 403


def test_grant_from_the_page(ranked, page_client):
    admin = user_ensure(username="scoring-admin", password=PASSWORD)
    department_role_grant(user=admin, can_manage_scoring=True)
    url = f"/rankings/{PERIOD}/visibility/"
    assert page_client("department").post(url, {"open_to_schools": "1"}).status_code == 403
    assert page_client("scoring-admin").post(url, {"open_to_schools": "1"}).status_code == 302
    assert (
        page_client("langson-editor").get(f"/rankings/{PERIOD}/clusters/{MIDLANDS}/").status_code
        == 200
    )


def test_home_links_to_the_rankings(world, page_client):
    assert b'href="/rankings/"' in page_client("department").get("/").content
