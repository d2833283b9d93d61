"""Reading a CSV or a workbook sheet into rows of Python values."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.formatting import format_number
from submissions.labels import normalise_label
from submissions.spreadsheets.base import (
    _FORMULA_ELEMENT,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    TEMPLATE_FORMAT,
    Kind,
    UploadRefused,
    _cell_text,
)

# --- Reading cells ---------------------------------------------------------------


@dataclass
class _Table:
    """A sheet's cells as rows of Python values; rows[i] is spreadsheet row i + 1."""

    kind: Kind
    sheet: str
    rows: list[list[Any]]
    #: (row, column), both 1-based, of cells that hold a formula.
    formulas: set[tuple[int, int]] = field(default_factory=set)
    #: CSV only: the header row's texts, to name columns in problems.
    header: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def column_name(self, index: int) -> str:
        """Name of the 0-based column `index` as its user sees it."""
        if self.kind == "csv" and index < len(self.header) and self.header[index]:
            return self.header[index]
        return get_column_letter(index + 1)

    def cell(self, row: int, index: int) -> Any:
        cells = self.rows[row - 1]
        return cells[index] if index < len(cells) else None


def _too_many_rows(name: str, limit: int) -> UploadRefused:
    return UploadRefused(
        f"“{name}” có hơn {format_number(limit, 'vi')} dòng; hãy kiểm tra lại tệp.",
        f"“{name}” has more than {format_number(limit, 'en')} rows; check the file.",
    )


def _too_many_columns(name: str, limit: int) -> UploadRefused:
    return UploadRefused(
        f"“{name}” có hơn {format_number(limit, 'vi')} cột; hãy kiểm tra lại tệp.",
        f"“{name}” has more than {format_number(limit, 'en')} columns; check the file.",
    )


def _trim(cells: Iterable[Any]) -> list[Any]:
    """The row without its trailing blank cells (so a blank row is [])."""
    row = list(cells)
    end = len(row)
    while end and (
        row[end - 1] is None or (isinstance(row[end - 1], str) and not row[end - 1].strip())
    ):
        end -= 1
    del row[end:]
    return row


def _read_table(
    data: bytes,
    *,
    kind: Kind,
    filename: str,
    max_rows: int,
    max_columns: int,
    prefer_sheet: str | None,
) -> _Table:
    if kind == "csv":
        return _read_csv(data, filename=filename, max_rows=max_rows, max_columns=max_columns)
    return _read_xlsx(
        data,
        filename=filename,
        max_rows=max_rows,
        max_columns=max_columns,
        prefer_sheet=prefer_sheet,
    )


def _read_csv(data: bytes, *, filename: str, max_rows: int, max_columns: int) -> _Table:
    text = data.decode("utf-8-sig")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel in a Vietnamese locale saves "CSV" with semicolons (comma is the decimal
    # mark there); pick the delimiter the header line uses most.
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    sheet = filename or "CSV"
    rows: list[list[Any]] = []
    try:
        for number, record in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            if number > max_rows:
                raise _too_many_rows(sheet, max_rows)
            if len(record) > max_columns:
                raise _too_many_columns(sheet, max_columns)
            rows.append(_trim(record))
    except csv.Error as exc:
        raise UploadRefused(
            f"Không đọc được tệp CSV “{sheet}”: {exc}.", f"Cannot read the CSV “{sheet}”: {exc}."
        ) from exc
    return _Table(kind="csv", sheet=sheet, rows=rows)


def _read_xlsx(
    data: bytes,
    *,
    filename: str,
    max_rows: int,
    max_columns: int,
    prefer_sheet: str | None,
) -> _Table:
    name = filename or "tệp"
    unreadable = UploadRefused(
        f"Không đọc được sổ làm việc “{name}”; hãy mở và lưu lại bằng Excel (.xlsx).",
        f"Cannot read the workbook “{name}”; open it and save it again as .xlsx.",
    )
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it ignores (conditional formats, slicers).
            warnings.simplefilter("ignore")
            workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
    except Exception as exc:  # openpyxl raises a zoo of errors on malformed parts
        raise unreadable from exc
    try:
        ws = _pick_sheet(workbook, prefer_sheet)
        if ws is None:
            raise UploadRefused(
                f"Sổ làm việc “{name}” không có trang tính nào.",
                f"The workbook “{name}” has no worksheet.",
            )
        title = ws.title
        # Dimension guard: a declared "A1:XFD1048576" would make openpyxl pad a
        # million empty rows. Refuse before reading any cell.
        if ws.max_row is not None and ws.max_row > max_rows:
            raise _too_many_rows(title, max_rows)
        if ws.max_column is not None and ws.max_column > max_columns:
            raise _too_many_columns(title, max_columns)
        if (ws.max_row or 0) <= 1 and (ws.max_column or 0) <= 1:
            # Some writers declare "A1" whatever the content; openpyxl would then
            # cut every row to one cell. Read without the declared size instead.
            ws.reset_dimensions()
        # Rows are padded to `width` cells: bounded, whatever a stray far cell says.
        width = ws.max_column or max_columns
        try:
            rows = _collect_rows(ws, title=title, max_rows=max_rows, width=width)
            meta = _read_meta(workbook)
        except UploadRefused:
            raise
        except Exception as exc:
            raise unreadable from exc
    finally:
        workbook.close()
    table = _Table(kind="xlsx", sheet=title, rows=rows, meta=meta)
    try:
        if _has_formula_elements(data):
            table.formulas = _formula_cells(data, title=title, max_rows=max_rows, width=width)
    except Exception as exc:
        raise unreadable from exc
    return table


def _pick_sheet(workbook: Any, prefer: str | None) -> Any:
    sheets = list(workbook.worksheets)
    if prefer:
        wanted = normalise_label(prefer)
        for ws in sheets:
            if normalise_label(ws.title) == wanted:
                return ws
    skip = {normalise_label(INSTRUCTIONS_SHEET), normalise_label(META_SHEET), "instructions"}
    for ws in sheets:
        if ws.sheet_state == "visible" and normalise_label(ws.title) not in skip:
            return ws
    return sheets[0] if sheets else None


def _collect_rows(ws: Any, *, title: str, max_rows: int, width: int) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for number, cells in enumerate(
        ws.iter_rows(min_row=1, max_row=max_rows + 1, max_col=width, values_only=True), start=1
    ):
        if number > max_rows:
            raise _too_many_rows(title, max_rows)
        rows.append(_trim(cells))
    # Rows trailing after the last non-blank one carry nothing.
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _read_meta(workbook: Any) -> dict[str, str]:
    if META_SHEET not in workbook.sheetnames:
        return {}
    meta: dict[str, str] = {}
    for cells in workbook[META_SHEET].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
        if len(cells) >= 2 and cells[0] is not None and cells[1] is not None:
            meta[str(cells[0]).strip()] = _cell_text(cells[1])
    if meta.get("format", "").split("/")[:2] != TEMPLATE_FORMAT.split("/")[:2]:
        return {}
    return meta


def _has_formula_elements(data: bytes) -> bool:
    """Cheap pre-check: does any worksheet XML contain an <f> element? Only then is
    the workbook read a second time to find which cells hold formulas."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                tail = b""
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        if _FORMULA_ELEMENT.search(tail + chunk):
                            return True
                        tail = chunk[-64:]
    return False


def _formula_cells(data: bytes, *, title: str, max_rows: int, width: int) -> set[tuple[int, int]]:
    """Coordinates of formula cells, from a read with data_only=False (formulas are
    read as text, never evaluated)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    try:
        found = set()
        ws = workbook[title]
        for cells in ws.iter_rows(min_row=1, max_row=max_rows, max_col=width):
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    found.add((cell.row, cell.column))
        return found
    finally:
        workbook.close()
