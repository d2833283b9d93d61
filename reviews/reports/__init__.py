"""Cluster review report builders (DOCX, XLSX, PDF, HTML preview).

Pure Python: the caller reads the database and builds a `ReportContext`; every
builder is deterministic given the context (no clock, no database).
"""

from .context import (
    CompletenessRow,
    FindingRow,
    NarrativeItem,
    Narratives,
    ReportContext,
    ReportContextError,
    SchoolFigures,
    ScoringRow,
)
from .docx_builder import build_docx
from .fonts import FontNotFoundError
from .html_preview import PREVIEW_CSS, render_html
from .pdf_builder import build_pdf
from .prose import Paragraph, build_paragraphs
from .xlsx_builder import build_xlsx

__all__ = [
    "PREVIEW_CSS",
    "CompletenessRow",
    "FindingRow",
    "FontNotFoundError",
    "NarrativeItem",
    "Narratives",
    "Paragraph",
    "ReportContext",
    "ReportContextError",
    "SchoolFigures",
    "ScoringRow",
    "build_docx",
    "build_paragraphs",
    "build_pdf",
    "build_xlsx",
    "render_html",
]
