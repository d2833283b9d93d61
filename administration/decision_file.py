"""The Academy's decision on clusters as a table (CSV or XLSX) of cluster, school and
role: read into rows, nothing else. Checking and applying are the services' job."""

from __future__ import annotations

import csv
import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.errors import DomainError

MAX_BYTES = 1024 * 1024
COLUMNS = ("cluster", "school", "role")


def read_rows(*, name: str, data: bytes) -> list[dict[str, str]]:
    """Rows as dicts keyed by the header (lower-cased); the header must name at least
    `cluster` and `school`. A row with more fields than the header is refused."""
    if len(data) > MAX_BYTES:
        raise DomainError(_("Tệp quyết định lớn hơn 1 MB."))
    table: list[list[object]]
    if name.lower().endswith(".xlsx") or data[:2] == b"PK":
        table = _xlsx_table(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(_("Tệp CSV phải được lưu với mã UTF-8.")) from None
        table = [
            list(row) for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)
        ]
    if not table:
        raise DomainError(_("Tệp không có dòng nào."))
    header = [str(cell or "").strip().lower() for cell in table[0]]
    if "cluster" not in header or "school" not in header:
        raise DomainError(_("Dòng đầu phải có các cột cluster, school và (tuỳ chọn) role."))
    rows = []
    for number, row in enumerate(table[1:], start=2):
        cells = [str(cell).strip() if cell is not None else "" for cell in row]
        while cells and not cells[-1] and len(cells) > len(header):
            cells.pop()
        if len(cells) > len(header):
            raise DomainError(_("Dòng %(row)s có nhiều ô hơn dòng tiêu đề.") % {"row": number})
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


def _xlsx_table(data: bytes) -> list[list[object]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise DomainError(_("Không đọc được tệp XLSX.")) from None
    sheet = workbook.worksheets[0]
    table = [
        list(row)
        for row in sheet.iter_rows(values_only=True)
        if any(cell not in (None, "") for cell in row)
    ]
    workbook.close()
    return table
