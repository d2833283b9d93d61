"""A submission time stored in UTC (as Django stores every time) reaches the generated
report's DOCX, PDF and XLSX in the hub's time zone: 01:47 UTC is 08:47 in Vietnam."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from aggregation.models import Publication
from reviews.models import ReportJob
from reviews.services import report_generate, report_request
from tests.reviews.conftest import seed_002_cluster  # noqa: F401  (the fixture)

STORED = datetime(2024, 6, 14, 1, 47, tzinfo=UTC)


def test_submission_time_in_the_generated_files_is_local(seed_002_cluster, world):  # noqa: F811
    school = world.schools["quangninh"]
    period = seed_002_cluster["period"]
    assert Publication.objects.filter(school=school, period=period).update(submitted_at=STORED)
    job = report_request(
        cluster=seed_002_cluster["cluster"], period=period, language="vi", username="t"
    )
    assert report_generate(job_id=job.pk) is True
    job = ReportJob.objects.get(pk=job.pk)

    document = Document(io.BytesIO(job.docx.read()))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    # The completeness table: No., school, status, submitted at, late.
    (quangninh,) = [row for row in rows if len(row) == 5 and row[1] == school.name_vi]
    assert "14/06/2024 08:47" in quangninh

    reader = PdfReader(io.BytesIO(job.pdf.read()))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert "14/06/2024 08:47" in text and "14/06/2024 01:47" not in text

    sheet = load_workbook(io.BytesIO(job.xlsx.read()))["Tình hình nộp"]
    (line,) = [
        row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == school.name_vi
    ]
    assert line[4] == datetime(2024, 6, 14, 8, 47)
