"""Reading one school's upload (the template, any row-per-indicator sheet, or a
wide sheet of one header row and one data row) into values and problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from catalogue.rollup import Mark
from catalogue.spec import Catalogue, IndicatorSpec
from core.formatting import format_number
from submissions.labels import LabelIndex, normalise_label
from submissions.numbers import parse_count
from submissions.spreadsheets.base import (
    MARK_AMBIGUOUS_EN,
    MARK_AMBIGUOUS_VI,
    TEMPLATE_SHEET,
    UploadParse,
    UploadProblem,
    UploadRefused,
    _cell_text,
    _Problems,
    _unquote,
    read_mark,
)
from submissions.spreadsheets.limits import (
    HEADER_SCAN_ROWS,
    MAX_COLUMNS,
    MAX_ROWS,
)
from submissions.spreadsheets.read import (
    _read_table,
    _Table,
)
from submissions.spreadsheets.sniff import (
    sniff_kind,
)

# Header words, compared after `normalise_label` (case, diacritics, punctuation).
_VALUES_HEADERS: dict[str, frozenset[str]] = {
    "code": frozenset({"code", "ma", "ma chi tieu", "ma so", "indicator code", "ma chi so"}),
    "section": frozenset({"section", "nhom", "nhom chi tieu", "linh vuc", "muc"}),
    "label_vi": frozenset(
        {
            "label vi",
            "chi tieu",
            "ten chi tieu",
            "noi dung",
            "indicator vietnamese",
            "label vietnamese",
            "chi tieu tieng viet",
        }
    ),
    "label_en": frozenset(
        {"label en", "indicator", "indicator english", "label english", "chi tieu tieng anh"}
    ),
    "unit": frozenset({"unit", "don vi", "don vi tinh", "dvt"}),
    "value": frozenset({"value", "gia tri", "so lieu", "so luong", "ket qua"}),
    # A one-school file in the long format (school, period, indicator, value) reads as
    # this layout too; its period column is then checked against the upload's period.
    "period": frozenset({"period", "ky", "ky bao cao", "period code", "ma ky"}),
    "school": frozenset(
        {"school", "truong", "ten truong", "ma truong", "school name", "school code"}
    ),
}
_BULK_HEADERS: dict[str, frozenset[str]] = {
    "school": frozenset(
        {"school", "truong", "ten truong", "ma truong", "school name", "school code"}
    ),
    "period": frozenset({"period", "ky", "ky bao cao", "period code", "ma ky"}),
    "indicator": frozenset(
        {"indicator", "chi tieu", "ma chi tieu", "indicator code", "code", "ten chi tieu"}
    ),
    "value": frozenset({"value", "gia tri", "so lieu"}),
}
# Cells of a wide header row that are not indicators.
_WIDE_CONTEXT_HEADERS: dict[str, frozenset[str]] = {
    "school": _BULK_HEADERS["school"],
    "period": _BULK_HEADERS["period"],
    "ignored": frozenset({"stt", "tt", "so thu tu", "no", "nam", "year", "ghi chu", "note"}),
}
_WIDE_HEADER_WORDS: frozenset[str] = frozenset().union(*_WIDE_CONTEXT_HEADERS.values())

# --- Values --------------------------------------------------------------------


@dataclass(frozen=True)
class _CellRead:
    """A cell read for use: its value, or None with `failed` when a problem was
    already reported for it."""

    value: Any
    failed: bool = False


def _read_cell(
    table: _Table,
    row: int,
    index: int,
    code: str | None,
    problems: _Problems,
    notes: _Problems,
) -> _CellRead:
    raw = table.cell(row, index)
    if (row, index + 1) in table.formulas:
        column = table.column_name(index)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            problems.add(
                row,
                column,
                code,
                "Ô có công thức không có giá trị (công thức không có giá trị đã lưu); "
                "hãy nhập số trực tiếp, hoặc mở tệp bằng Excel và lưu lại.",
                "The cell holds a formula with no saved result; type the number instead, "
                "or open the file in Excel and save it again.",
            )
            return _CellRead(None, failed=True)
        notes.add(
            row,
            column,
            code,
            f"Ô có công thức; đã dùng kết quả lưu trong tệp ({raw}).",
            f"The cell holds a formula; its saved result ({raw}) was used.",
        )
    return _CellRead(raw)


def _parse_value(
    raw: Any,
    indicator: IndicatorSpec,
    *,
    row: int,
    column: str,
    problems: _Problems,
    marks: dict[str, Mark] | None = None,
) -> tuple[bool, int | None]:
    """(ok, value) for a value cell; problems reported on failure. A cell saying
    "không áp dụng" / "không có số liệu" gives (True, None) and records the mark in
    ``marks``; a text that only seems to say so is refused."""
    code = indicator.code

    def fail(message_vi: str, message_en: str) -> tuple[bool, int | None]:
        problems.add(row, column, code, message_vi, message_en)
        return False, None

    if isinstance(raw, str) and raw.strip():
        mark = read_mark(_unquote(raw.strip()))
        if mark == "ambiguous":
            text = raw.strip()
            return fail(MARK_AMBIGUOUS_VI.format(text=text), MARK_AMBIGUOUS_EN.format(text=text))
        if mark is not None:
            if marks is not None:
                marks[code] = mark
            return True, None

    if raw is None:
        return True, None
    if isinstance(raw, dt.datetime | dt.date | dt.time | dt.timedelta):
        return fail(
            "Ô giá trị đã bị Excel hiểu là ngày/giờ; hãy định dạng ô là số và nhập lại "
            "(ví dụ 1793).",
            "Excel took the value for a date or time; format the cell as a number and type "
            "it again (e.g. 1793).",
        )
    if isinstance(raw, str):
        raw = _unquote(raw.strip())
        if not raw:
            return True, None
    # Text ("1.793", "03", "2.546 học viên") and numbers alike; refusals carry the
    # raw text in their message.
    # A float can only come from a workbook cell: `workbook=True` names the integer a
    # decimal probably stands for (1.793 stored by an English-locale spreadsheet).
    parsed = parse_count(raw, unit=indicator.unit, workbook=True)
    if parsed.error is not None:
        return fail(parsed.error.message_vi, parsed.error.message_en)
    if parsed.value is None:
        return True, None
    value = parsed.value
    if value > indicator.max_value:
        return fail(
            f"{format_number(value, 'vi')} vượt quá mức tối đa "
            f"{format_number(indicator.max_value, 'vi')} của chỉ tiêu này; có gõ nhầm không?",
            f"{format_number(value, 'en')} is above this indicator's maximum of "
            f"{format_number(indicator.max_value, 'en')}; a typing slip?",
        )
    return True, value


def _extra_fields(table: _Table, number: int, header_width: int, problems: _Problems) -> bool:
    """Refuse a row with more filled cells than its header has columns (reported with
    its row number): in a CSV it is most often a number with an unquoted comma
    (`training.classes,1,5`), which would otherwise be read as its first part."""
    cells = table.rows[number - 1]
    if len(cells) <= header_width:
        return False
    problems.add(
        number,
        table.column_name(header_width),
        None,
        f"Dòng có {len(cells)} ô nhưng dòng tiêu đề chỉ có {header_width} cột; dòng này "
        "không được đọc. Có thể một số có dấu phẩy (như “1,5” hay “1,793”) không đặt "
        "trong ngoặc kép nên bị tách thành hai ô: hãy nhập số nguyên, không có dấu phẩy.",
        f"The row has {len(cells)} cells but its header has {header_width} columns; the "
        "row was not read. A number with a comma (such as “1,5” or “1,793”) not put in "
        "quotes may have been split in two: type a whole number, without a comma.",
    )
    return True


def _header_keys(cells: list[Any], vocabulary: dict[str, frozenset[str]]) -> dict[str, int]:
    """Header key -> 0-based column, for the cells of one row (first one wins)."""
    found: dict[str, int] = {}
    for index, raw in enumerate(cells):
        if raw is None:
            continue
        key = normalise_label(_cell_text(raw))
        for name, words in vocabulary.items():
            if key in words and name not in found:
                found[name] = index
                break
    return found


def _is_header_like(cells: list[Any], vocabulary: dict[str, frozenset[str]]) -> bool:
    texts = [normalise_label(_cell_text(raw)) for raw in cells if _cell_text(raw)]
    words = frozenset().union(*vocabulary.values())
    return len(texts) >= 2 and all(text in words for text in texts)


class _Resolver:
    """Indicator code from a code cell or a label, with the reasons when it fails."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.labels = LabelIndex(catalogue)
        self.lower_codes = {code.casefold(): code for code in catalogue.by_code}
        self.retired = {code.casefold() for code in catalogue.retired}

    def code(self, text: str) -> str | None:
        if text in self.catalogue.by_code:
            return text
        return self.lower_codes.get(text.casefold())

    def code_problem(self, text: str) -> tuple[str, str]:
        if text.casefold() in self.retired:
            return (
                f"Mã chỉ tiêu “{text}” đã ngừng sử dụng trong danh mục phiên bản "
                f"{self.catalogue.version}.",
                f"The indicator code “{text}” is retired in catalogue version "
                f"{self.catalogue.version}.",
            )
        return (
            f"Mã chỉ tiêu “{text}” không có trong danh mục (phiên bản {self.catalogue.version}).",
            f"Unknown indicator code “{text}” (catalogue version {self.catalogue.version}).",
        )

    def label_problem(self, text: str, ambiguous: tuple[str, ...]) -> tuple[str, str]:
        if ambiguous:
            listed = ", ".join(ambiguous)
            return (
                f"Tên chỉ tiêu “{text}” khớp với nhiều chỉ tiêu ({listed}); hãy ghi mã chỉ tiêu.",
                f"The label “{text}” matches several indicators ({listed}); give the code.",
            )
        return (
            f"Không nhận ra chỉ tiêu “{text}”; hãy ghi mã chỉ tiêu hoặc đúng tên trong mẫu.",
            f"Unknown indicator “{text}”; give its code or its label as in the template.",
        )

    def any(self, text: str) -> tuple[str | None, tuple[str, ...]]:
        """Code from text that may be a code or a label: (code, ambiguous codes)."""
        code = self.code(text)
        if code:
            return code, ()
        found = self.labels.lookup(text)
        return found.code, found.ambiguous


def parse_values_upload(
    *,
    data: bytes,
    filename: str,
    catalogue: Catalogue,
    period_code: str | None = None,
) -> UploadParse:
    """Read one school's figures for one period from an XLSX or CSV upload.

    Accepts the template layout (a header row naming at least a value column and a
    code or label column; one row per indicator) and the wide layout (one header row
    of codes or labels, one data row). Never raises for a bad file: every problem is
    in `errors` (nothing should be applied then) or `warnings`.
    """
    result = UploadParse()
    try:
        result.kind = sniff_kind(data, filename)
        table = _read_table(
            data,
            kind=result.kind,
            filename=filename,
            max_rows=MAX_ROWS,
            max_columns=MAX_COLUMNS,
            prefer_sheet=TEMPLATE_SHEET,
        )
    except UploadRefused as refusal:
        result.errors.append(
            UploadProblem(filename, None, None, None, refusal.message_vi, refusal.message_en)
        )
        return result

    result.meta = dict(table.meta)
    problems = _Problems(result.errors, table.sheet)
    notes = _Problems(result.warnings, table.sheet)
    _check_meta(table.meta, catalogue, period_code, problems, notes)
    resolver = _Resolver(catalogue)

    header_row, columns = _find_template_header(table)
    if header_row is not None:
        result.layout = "template"
        _parse_template_rows(
            table, header_row, columns, resolver, period_code, result, problems, notes
        )
    else:
        wide_row = _find_wide_header(table, resolver)
        if wide_row is None:
            problems.add(
                None,
                None,
                None,
                "Không nhận ra bố cục của tệp: cần một dòng tiêu đề có cột “Mã chỉ tiêu” "
                "(hoặc “Chỉ tiêu”) và cột “Giá trị”, hoặc một dòng mã/tên chỉ tiêu và một "
                "dòng số liệu. Hãy dùng tệp mẫu tải từ hệ thống.",
                "The file's layout is not recognised: it needs a header row with a “Code” "
                "(or “Indicator”) column and a “Value” column, or one row of indicator codes "
                "or labels above one row of values. Use the template from the hub.",
            )
        else:
            result.layout = "wide"
            _parse_wide(table, wide_row, resolver, period_code, result, problems, notes)
    problems.close()
    notes.close()
    return result


def _check_meta(
    meta: dict[str, str],
    catalogue: Catalogue,
    period_code: str | None,
    problems: _Problems,
    notes: _Problems,
) -> None:
    if not meta:
        return
    found_period = meta.get("period")
    if period_code and found_period and found_period != period_code:
        problems.add(
            None,
            None,
            None,
            f"Tệp này là mẫu của kỳ {found_period}, không phải kỳ {period_code}. "
            f"Hãy tải mẫu của kỳ {period_code} hoặc tải tệp lên đúng kỳ {found_period}.",
            f"This file is the template for period {found_period}, not {period_code}. "
            f"Download the {period_code} template, or upload this file to {found_period}.",
        )
    found_version = meta.get("catalogue_version")
    if found_version and found_version != str(catalogue.version):
        notes.add(
            None,
            None,
            None,
            f"Tệp được tạo theo danh mục chỉ tiêu phiên bản {found_version}; danh mục hiện "
            f"hành là phiên bản {catalogue.version}.",
            f"The file was made for catalogue version {found_version}; the current one is "
            f"version {catalogue.version}.",
        )


def _find_template_header(table: _Table) -> tuple[int | None, dict[str, int]]:
    for number in range(1, min(len(table.rows), HEADER_SCAN_ROWS) + 1):
        cells = table.rows[number - 1]
        columns = _header_keys(cells, _VALUES_HEADERS)
        if "value" in columns and columns.keys() & {"code", "label_vi", "label_en"}:
            table.header = [_cell_text(raw) for raw in cells]
            return number, columns
    return None, {}


def _parse_template_rows(
    table: _Table,
    header_row: int,
    columns: dict[str, int],
    resolver: _Resolver,
    period_code: str | None,
    result: UploadParse,
    problems: _Problems,
    notes: _Problems,
) -> None:
    first = header_row + 1
    # A second header row (the template's English one) is skipped; it may name
    # columns the first did not.
    while first <= len(table.rows) and _is_header_like(table.rows[first - 1], _VALUES_HEADERS):
        for name, index in _header_keys(table.rows[first - 1], _VALUES_HEADERS).items():
            columns.setdefault(name, index)
        first += 1

    value_index = columns["value"]
    value_column = table.column_name(value_index)
    header_width = max(len(table.rows[n - 1]) for n in range(header_row, first))
    seen: dict[str, int] = {}
    for number in range(first, len(table.rows) + 1):
        if not table.rows[number - 1]:
            continue
        if _extra_fields(table, number, header_width, problems):
            continue
        if "period" in columns and period_code:
            found = _cell_text(table.cell(number, columns["period"])).upper()
            if found and found != period_code:
                problems.add(
                    number,
                    table.column_name(columns["period"]),
                    None,
                    f"Dòng này ghi kỳ {found}, không phải kỳ {period_code}.",
                    f"This row is for period {found}, not {period_code}.",
                )
                continue
        code = None
        if "code" in columns:
            read = _read_cell(table, number, columns["code"], None, problems, notes)
            if read.failed:
                continue
            text = _cell_text(read.value)
            if text:
                code = resolver.code(text)
                if code is None:
                    problems.add(
                        number,
                        table.column_name(columns["code"]),
                        None,
                        *resolver.code_problem(text),
                    )
                    continue
        value_read = _read_cell(table, number, value_index, code, problems, notes)
        if code is None:
            code, described = _code_from_labels(table, number, columns, resolver, problems, notes)
            if code is None:
                value_given = bool(_cell_text(value_read.value))
                if described is None:
                    if value_given:
                        problems.add(
                            number,
                            value_column,
                            None,
                            "Có giá trị nhưng dòng không có mã hay tên chỉ tiêu.",
                            "A value on a row with neither an indicator code nor a label.",
                        )
                else:
                    column, message_vi, message_en, ambiguous = described
                    if value_given or ambiguous:
                        problems.add(number, column, None, message_vi, message_en)
                    else:
                        # A heading or note row ("I. ĐÀO TẠO") with nothing to save.
                        notes.add(
                            number,
                            column,
                            None,
                            message_vi + " Dòng không có giá trị nên được bỏ qua.",
                            message_en + " The row has no value and was skipped.",
                        )
                continue
        elif "label_vi" in columns:
            _check_label_agrees(table, number, columns["label_vi"], code, resolver, notes)
        if code in seen:
            problems.add(
                number,
                table.column_name(columns.get("code", columns.get("label_vi", value_index))),
                code,
                f"Chỉ tiêu {code} xuất hiện hai lần trong tệp "
                f"(dòng {seen[code]} và dòng {number}).",
                f"Indicator {code} appears twice in the file (rows {seen[code]} and {number}).",
            )
            continue
        seen[code] = number
        if value_read.failed:
            continue
        ok, value = _parse_value(
            value_read.value,
            resolver.catalogue[code],
            row=number,
            column=value_column,
            problems=problems,
            marks=result.marks,
        )
        if ok:
            result.values[code] = value


def _code_from_labels(
    table: _Table,
    number: int,
    columns: dict[str, int],
    resolver: _Resolver,
    problems: _Problems,
    notes: _Problems,
) -> tuple[str | None, tuple[str, str, str, bool] | None]:
    """Code from the row's Vietnamese label, else its English one.

    Returns (code, None) on success; (None, (column, message_vi, message_en,
    ambiguous)) when a label was given but matched nothing usable; (None, None)
    when the row has no label at all.
    """
    first_failure: tuple[str, str, str, bool] | None = None
    for key in ("label_vi", "label_en"):
        if key not in columns:
            continue
        read = _read_cell(table, number, columns[key], None, problems, notes)
        text = _cell_text(read.value)
        if not text:
            continue
        code, ambiguous = resolver.any(text)
        if code is not None:
            return code, None
        if first_failure is None or (ambiguous and not first_failure[3]):
            first_failure = (
                table.column_name(columns[key]),
                *resolver.label_problem(text, ambiguous),
                bool(ambiguous),
            )
    return None, first_failure


def _check_label_agrees(
    table: _Table, number: int, index: int, code: str, resolver: _Resolver, notes: _Problems
) -> None:
    """Warn when a row's code and its Vietnamese label name different indicators:
    the sign of rows pasted out of order. The code wins."""
    text = _cell_text(table.cell(number, index))
    if not text:
        return
    other = resolver.labels.match(text)
    if other is not None and other != code:
        notes.add(
            number,
            table.column_name(index),
            code,
            f"Mã {code} nhưng tên chỉ tiêu là của {other}; đã dùng theo mã {code}.",
            f"Code {code} but the label is {other}'s; the code {code} was used.",
        )


def _find_wide_header(table: _Table, resolver: _Resolver) -> int | None:
    for number in range(1, min(len(table.rows), HEADER_SCAN_ROWS) + 1):
        matched = unknown = 0
        for raw in table.rows[number - 1]:
            text = _cell_text(raw)
            if not text or normalise_label(text) in _WIDE_HEADER_WORDS:
                continue
            code, ambiguous = resolver.any(text)
            if code or ambiguous:
                matched += 1
            else:
                unknown += 1
        if matched and matched >= unknown:
            return number
    return None


def _row_is_indicator_header(cells: list[Any], resolver: _Resolver) -> bool:
    texts = [_cell_text(raw) for raw in cells if _cell_text(raw)]
    return bool(texts) and all(
        resolver.any(text)[0] or normalise_label(text) in _WIDE_HEADER_WORDS for text in texts
    )


def _parse_wide(
    table: _Table,
    header_row: int,
    resolver: _Resolver,
    period_code: str | None,
    result: UploadParse,
    problems: _Problems,
    notes: _Problems,
) -> None:
    header_cells = table.rows[header_row - 1]
    table.header = [_cell_text(raw) for raw in header_cells]
    data_rows = [
        number
        for number in range(header_row + 1, len(table.rows) + 1)
        if table.rows[number - 1] and not _row_is_indicator_header(table.rows[number - 1], resolver)
    ]
    if not data_rows:
        problems.add(
            header_row + 1,
            None,
            None,
            "Không có dòng số liệu dưới dòng tên chỉ tiêu.",
            "There is no row of values under the row of indicators.",
        )
        return
    if len(data_rows) > 1:
        problems.add(
            data_rows[1],
            None,
            None,
            "Tệp dạng ngang chỉ được có một dòng số liệu (một trường, một kỳ). Để nhập nhiều "
            "trường hoặc nhiều kỳ, dùng chức năng nhập hàng loạt.",
            "A wide file may hold one row of values only (one school, one period). Use the "
            "bulk upload for several schools or periods.",
        )
        return
    number = data_rows[0]
    if _extra_fields(table, number, len(header_cells), problems):
        return
    seen: dict[str, str] = {}
    for index, raw in enumerate(header_cells):
        text = _cell_text(raw)
        if not text:
            continue
        column = table.column_name(index)
        key = normalise_label(text)
        if key in _WIDE_CONTEXT_HEADERS["period"]:
            found = _cell_text(table.cell(number, index))
            if period_code and found and found.upper() != period_code:
                problems.add(
                    number,
                    column,
                    None,
                    f"Tệp ghi kỳ {found}, không phải kỳ {period_code}.",
                    f"The file is for period {found}, not {period_code}.",
                )
            continue
        if key in _WIDE_HEADER_WORDS:
            continue
        code, ambiguous = resolver.any(text)
        read = _read_cell(table, number, index, code, problems, notes)
        if code is None:
            blank = not _cell_text(read.value)
            message_vi, message_en = resolver.label_problem(text, ambiguous)
            if blank and not ambiguous:
                notes.add(
                    header_row,
                    column,
                    None,
                    message_vi + " Cột không có giá trị nên được bỏ qua.",
                    message_en + " The column has no value and was skipped.",
                )
            else:
                problems.add(header_row, column, None, message_vi, message_en)
            continue
        if code in seen:
            problems.add(
                header_row,
                column,
                code,
                f"Chỉ tiêu {code} xuất hiện hai lần (cột {seen[code]} và cột {column}).",
                f"Indicator {code} appears twice (columns {seen[code]} and {column}).",
            )
            continue
        seen[code] = column
        if read.failed:
            continue
        ok, value = _parse_value(
            read.value,
            resolver.catalogue[code],
            row=number,
            column=column,
            problems=problems,
            marks=result.marks,
        )
        if ok:
            result.values[code] = value
