"""Spreadsheet templates for a school's figures, and the parsing of what comes back.

Most schools fill a spreadsheet rather than the web form. This package:

* `template`: builds the template a school downloads for one period (XLSX, or CSV
  for anyone whose tools choke on XLSX), pre-filled with the figures already entered;
* `sniff`: checks an uploaded file by its content before any parser touches it
  (size, zip bomb, macros, legacy formats, encodings);
* `read`: reads a CSV or a workbook sheet into rows of cells;
* `values`: reads a school's upload (the template, any "row per indicator" sheet,
  or a "wide" sheet of one header row and one data row) into values and problems;
* `bulk`: reads the department's bulk file (long format: school, period,
  indicator, value) for backfilling history;
* `limits`: the safety limits, and the one upload size check.

Everything here is pure (bytes in, dataclasses out): no Django, no database. The
caller applies nothing when `errors` is non-empty (uploads are all-or-nothing).

Numbers are read by `submissions.numbers.parse_count`, which knows Vietnamese
number writing ("1.793", "03", "2.546 học viên") and refuses what it would guess.
"""

from __future__ import annotations

from submissions.spreadsheets.base import (
    CSV_COLUMNS,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    PERIOD_CODE_RE,
    TEMPLATE_FORMAT,
    TEMPLATE_SHEET,
    BulkParse,
    BulkRow,
    Kind,
    UploadParse,
    UploadProblem,
    UploadRefused,
    neutralise_text,
)
from submissions.spreadsheets.bulk import parse_bulk_upload
from submissions.spreadsheets.limits import (
    MAX_BULK_BYTES,
    MAX_BULK_COLUMNS,
    MAX_BULK_ROWS,
    MAX_BYTES,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
)
from submissions.spreadsheets.sniff import UploadKind, check_upload_size, sniff_kind
from submissions.spreadsheets.template import build_template_csv, build_template_xlsx
from submissions.spreadsheets.values import parse_values_upload

__all__ = [
    "CSV_COLUMNS",
    "INSTRUCTIONS_SHEET",
    "MAX_BULK_BYTES",
    "MAX_BULK_COLUMNS",
    "MAX_BULK_ROWS",
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "META_SHEET",
    "PERIOD_CODE_RE",
    "TEMPLATE_FORMAT",
    "TEMPLATE_SHEET",
    "BulkParse",
    "BulkRow",
    "Kind",
    "UploadKind",
    "UploadParse",
    "UploadProblem",
    "UploadRefused",
    "build_template_csv",
    "build_template_xlsx",
    "check_upload_size",
    "neutralise_text",
    "parse_bulk_upload",
    "parse_values_upload",
    "sniff_kind",
]
