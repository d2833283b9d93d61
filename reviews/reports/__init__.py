"""Cluster review report builders (DOCX, XLSX, PDF, HTML preview).

The caller reads the database and builds a `ReportContext`; every builder is
deterministic given the context (no clock, no database). A context carries its
language: each builder runs inside `translation.override(context.language)`
(`in_report_language`), so the wording comes from the gettext catalogue (msgctxt
"report" where a report words something differently from the pages) and the data's
`_vi`/`_en` names are chosen with `core.language.pick`. Times are shown in the hub's
time zone (`core.formatting.format_datetime`, `core.timezone.local`).
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
