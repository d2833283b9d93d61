"""Reports built once per session from the seed 002 context (pure: no database)."""

from __future__ import annotations

import io

import pytest
from docx import Document

from reviews.reports import build_docx, build_pdf, build_xlsx
from tests.reports import seed002


@pytest.fixture(scope="session")
def ctx_vi():
    return seed002.context("vi")


@pytest.fixture(scope="session")
def ctx_en():
    return seed002.context("en")


@pytest.fixture(scope="session")
def docx_vi(ctx_vi) -> bytes:
    return build_docx(ctx_vi)


@pytest.fixture(scope="session")
def document_vi(docx_vi):
    return Document(io.BytesIO(docx_vi))


@pytest.fixture(scope="session")
def document_en(ctx_en):
    return Document(io.BytesIO(build_docx(ctx_en)))


@pytest.fixture(scope="session")
def xlsx_vi(ctx_vi) -> bytes:
    return build_xlsx(ctx_vi)


@pytest.fixture(scope="session")
def pdf_vi(ctx_vi) -> bytes:
    return build_pdf(ctx_vi)


@pytest.fixture(scope="session")
def pdf_en(ctx_en) -> bytes:
    return build_pdf(ctx_en)
