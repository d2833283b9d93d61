"""The cluster report built from seed 002's figures: content checked by parsing the
generated files, never by comparing with a stored file."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from aggregation.services import cluster_aggregate, submission_publish
from catalogue.selectors import catalogue_for_year
from core.formatting import format_count
from reviews.models import ReportJob
from reviews.selectors import report_is_out_of_date
from reviews.services import report_generate, report_request
from submissions.services import (
    Actor,
    Changes,
    submission_reopen,
    submission_submit,
    submission_update,
)
from tests.seeds import required_totals
from tests.world import NORTH

BASE = f"/api/v1/clusters/{NORTH}/periods/2024-H1/"


def generate(seed, language: str = "vi") -> ReportJob:
    job = report_request(
        cluster=seed["cluster"], period=seed["period"], language=language, username="t"
    )
    assert report_generate(job_id=job.pk) is True
    return ReportJob.objects.get(pk=job.pk)


def docx_text(job: ReportJob) -> str:
    document = Document(io.BytesIO(job.docx.read()))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


def school_values(seed) -> dict[str, dict[str, int]]:
    return {entry["school"]: entry["values"] for entry in seed["data"]["submissions"]}


def test_docx_states_the_recomputed_totals_and_each_schools_line(seed_002_cluster, world):
    job = generate(seed_002_cluster)
    text = docx_text(job)
    values = school_values(seed_002_cluster)
    classes = sum(v["training.classes"] for v in values.values())
    learners = sum(v["training.learners"] for v in values.values())
    assert f"tổng số {classes} lớp với {format_count(learners, 'vi')} học viên" in text
    assert "12.443" in text  # learners written the Vietnamese way
    for position, slug in enumerate(["quangninh", "hagiang", "langson"], start=1):
        name = world.schools[slug].name_vi
        line = next(p for p in text.splitlines() if p.startswith(f"({position}) {name}"))
        classes_text = format_count(values[slug]["training.classes"], "vi")
        learners_text = format_count(values[slug]["training.learners"], "vi")
        assert f"{classes_text} lớp/{learners_text} học viên" in line
    quangninh = next(p for p in text.splitlines() if p.startswith("(1) "))
    assert "03 đề tài cấp tỉnh" in quangninh and "06 đề tài cấp trường" in quangninh
    caobang = next(
        p for p in text.splitlines() if world.schools["caobang"].name_vi in p and p.startswith("(")
    )
    assert "đề tài" not in caobang and " 00 " not in caobang


def test_docx_has_the_party_document_format(seed_002_cluster):
    document = Document(io.BytesIO(generate(seed_002_cluster).docx.read()))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    runs = [
        run
        for table in document.tables[:1]
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
        for run in p.runs
    ]
    party = [run for run in runs if "ĐẢNG CỘNG SẢN VIỆT NAM" in run.text]
    assert party and party[0].underline and party[0].bold
    assert any(run.italic and "ngày" in run.text and "tháng" in run.text for run in runs)
    title = next(p for p in document.paragraphs if p.text.strip() == "BÁO CÁO")
    assert all(run.bold for run in title.runs)
    body = next(p for p in document.paragraphs if p.text.startswith("Trong 6 tháng đầu năm"))
    assert all(
        run.font.name == "Times New Roman" and run.font.size.pt == 14
        for run in body.runs
        if run.text.strip()
    )


def test_pdf_carries_the_vietnamese_text(seed_002_cluster, world):
    job = generate(seed_002_cluster)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(job.pdf.read())).pages)
    flat = " ".join(text.split())
    assert "học viên" in flat and "BÁO CÁO" in flat
    assert "Trường Chính trị tỉnh Điện Biên" in flat
    assert "12.443" in flat


def test_xlsx_annex_has_numbers_and_a_totals_row_equal_to_the_sums(seed_002_cluster):
    workbook = load_workbook(io.BytesIO(generate(seed_002_cluster).xlsx.read()))
    sheet = workbook.worksheets[0]
    codes = [cell.value for cell in sheet[2]]
    catalogue = catalogue_for_year(seed_002_cluster["period"].year)
    labels = [sheet.cell(row=r, column=1).value for r in range(1, sheet.max_row + 1)]
    total_at = labels.index("Tổng cộng") + 1
    school_rows = range(3, total_at)
    column = codes.index("training.learners") + 1
    assert all(isinstance(sheet.cell(row=r, column=column).value, int) for r in school_rows)
    for index in range(2, sheet.max_column + 1):
        values = [sheet.cell(row=r, column=index).value for r in school_rows]
        present = [v for v in values if v is not None]
        total = sheet.cell(row=total_at, column=index)
        if catalogue.by_code[codes[index - 1]].unit == "level":
            assert total.value is None  # levels do not add up
            continue
        # Every "Tổng cộng" is the sum of its column, or none over an empty column...
        assert total.value == (sum(present) if present else None), codes[index - 1]
        # ...marked a lower bound, with the reason, when a school is short of it.
        if total.number_format.startswith('"≥ "'):
            assert "trường chưa đủ số liệu" in total.comment.text
    # Seed 002's declared cluster figures (238 classes, 12.378 learners, the staff
    # figures) are in their own labelled row under the totals, never the totals.
    declared_at = total_at + 1
    assert labels[declared_at - 1] == "Số liệu do báo cáo cụm công bố, không chia theo trường"
    classes = codes.index("training.classes") + 1
    assert sheet.cell(row=declared_at, column=classes).value == 238
    assert sheet.cell(row=declared_at, column=column).value == 12378
    assert sheet.cell(row=total_at, column=classes).value != 238


def test_docx_states_declared_and_computed_headline_totals(seed_002_cluster):
    text = docx_text(generate(seed_002_cluster))
    assert "(tổng hợp từ số liệu các trường)" in text
    assert "Tổng hợp từ số liệu các trường, toàn Cụm có:" in text
    assert "Theo báo cáo của cụm (số liệu chung của cả Cụm, không chia theo trường):" in text
    assert "238 lớp" in text and "12.378 học viên" in text
    assert "Số liệu do báo cáo cụm công bố, không chia theo trường" in text


def test_english_report_reads_in_english(seed_002_cluster):
    text = docx_text(generate(seed_002_cluster, language="en"))
    assert "REPORT" in text and "classes" in text and "12,443" in text


def test_report_records_its_fingerprint_and_knows_when_figures_changed(seed_002_cluster, world):
    job = generate(seed_002_cluster)
    assert job.fingerprint and not report_is_out_of_date(job)
    sonla, period = world.schools["sonla"], seed_002_cluster["period"]
    actor = Actor(user_id=None, username="t", channel="api")
    submission_reopen(school=sonla, period=period, actor=actor, reason="sửa")
    values = required_totals(
        next(e for e in seed_002_cluster["data"]["submissions"] if e["school"] == "sonla")["values"]
    )
    from django_tenants.utils import schema_context

    from submissions.models import Submission

    with schema_context("sonla"):
        version = Submission.objects.get(period=period).version
    submission_update(
        school=sonla,
        period=period,
        expected_version=version,
        changes=Changes(values={**values, "training.classes": 30}),
        actor=actor,
    )
    submission_submit(school=sonla, period=period, actor=actor)
    submission_publish(school=sonla, period=period)
    cluster_aggregate(cluster=seed_002_cluster["cluster"], period=period)
    assert report_is_out_of_date(ReportJob.objects.get(pk=job.pk))


def test_contract_create_and_poll(seed_002_cluster, api_client):
    lead = api_client("quangninh-approver", "quangninh")
    created = lead.post(BASE + "reports/", {"language": "vi"}, format="json")
    assert created.status_code == 201
    job_id = created.json()["id"]
    report_generate(job_id=job_id)
    state = lead.get(BASE + f"reports/{job_id}/").json()
    assert state["status"] == "done" and state["progress"] == 100
    for kind in ("docx", "xlsx", "pdf"):
        assert state[kind].endswith(f"/reports/{job_id}/{kind}/")
        download = lead.get(state[kind].split("localhost", 1)[1])
        assert download.status_code == 200 and b"".join(download.streaming_content)


@pytest.mark.parametrize(
    ("username", "host", "expected"),
    [
        ("quangninh-editor", "quangninh", 201),
        ("department", None, 201),
        ("hagiang-approver", "hagiang", 403),
        ("dienbien-approver", "dienbien", 403),
        ("thainguyen-approver", "thainguyen", 403),
    ],
)
def test_only_the_lead_and_the_department_generate(
    seed_002_cluster, api_client, username, host, expected
):
    assert (
        api_client(username, host).post(BASE + "reports/", {}, format="json").status_code
        == expected
    )


def test_deputy_reads_reports_and_narratives_but_a_member_does_not(seed_002_cluster, api_client):
    job = generate(seed_002_cluster)
    deputy = api_client("hagiang-approver", "hagiang")
    assert deputy.get(BASE + f"reports/{job.pk}/").status_code == 200
    assert deputy.get(BASE + "narratives/").status_code == 200
    assert (
        deputy.put(
            BASE + "narratives/limitations/",
            {"version": 0, "items": [{"text": "x"}]},
            format="json",
        ).status_code
        == 403
    )
    member = api_client("dienbien-editor", "dienbien")
    assert member.get(BASE + f"reports/{job.pk}/").status_code == 403
    assert member.get(BASE + f"reports/{job.pk}/docx/").status_code == 403
    assert member.get(BASE + "narratives/").status_code == 403


def test_lead_prefills_narratives_from_the_schools_and_edits_with_history(
    seed_002_cluster, api_client
):
    lead = api_client("quangninh-approver", "quangninh")
    lead.post(BASE + "narratives/prefill/")
    narratives = lead.get(BASE + "narratives/").json()
    saved = lead.put(
        BASE + "narratives/limitations/",
        {
            "version": narratives["limitations"]["version"],
            "items": [{"text": "Tiến độ khai giảng một số lớp còn chậm", "school": "laocai"}],
        },
        format="json",
    )
    assert (
        saved.status_code == 200
        and saved.json()["version"] == narratives["limitations"]["version"] + 1
    )
    stale = lead.put(
        BASE + "narratives/limitations/", {"version": 0, "items": [{"text": "y"}]}, format="json"
    )
    assert stale.status_code == 409
    job = generate(seed_002_cluster)
    assert "Tiến độ khai giảng một số lớp còn chậm" in docx_text(job)


def test_report_lists_a_schools_open_findings_as_its_page_and_the_api(
    seed_002_cluster, world, api_client
):
    """One findings list per submission: the report's findings annex carries exactly
    the open findings the school's own API (and page) lists (issue 11, point 7)."""
    from django_tenants.utils import schema_context

    from submissions.models import Submission

    period = seed_002_cluster["period"]
    with schema_context("caobang"):
        submission = Submission.objects.get(period=period)
        submission.values.create(code="training.intermediate.classes", value=20)
    response = api_client("caobang-editor", "caobang").get("/api/v1/submissions/2024-H1/")
    shown = [f for f in response.json()["findings"] if f["blocking"] or not f["explained"]]
    assert shown
    document = Document(io.BytesIO(generate(seed_002_cluster).docx.read()))
    table = next(
        [[cell.text for cell in row.cells] for row in t.rows]
        for t in document.tables
        if [cell.text for cell in t.rows[0].cells] == ["TT", "Trường", "Nội dung"]
    )
    name = world.schools["caobang"].name_vi
    listed = [row[2] for row in table[1:] if row[1] == name]
    assert listed == [finding["message"] for finding in shown]
