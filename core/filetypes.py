"""Content types of the files the hub serves (reports, templates, exports)."""

from __future__ import annotations

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"

CONTENT_TYPES: dict[str, str] = {"xlsx": XLSX, "docx": DOCX, "pdf": PDF, "csv": CSV}
