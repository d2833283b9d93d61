"""Reading the department's bulk file (school, period, indicator, value) for
backfilling history."""

from __future__ import annotations

from collections.abc import Callable

from catalogue.rollup import Mark
from catalogue.spec import Catalogue
from submissions.labels import normalise_label
from submissions.spreadsheets.base import (
    PERIOD_CODE_RE,
    BulkParse,
    BulkRow,
    UploadProblem,
    UploadRefused,
    _cell_text,
    _Problems,
)
from submissions.spreadsheets.limits import (
    HEADER_SCAN_ROWS,
    MAX_BULK_COLUMNS,
    MAX_BULK_ROWS,
)
from submissions.spreadsheets.read import (
    _read_table,
)
from submissions.spreadsheets.sniff import (
    sniff_kind,
)
from submissions.spreadsheets.values import (
    _BULK_HEADERS,
    _extra_fields,
    _header_keys,
    _parse_value,
    _read_cell,
    _Resolver,
)

# --- Bulk (department) ---------------------------------------------------------


def parse_bulk_upload(
    *,
    data: bytes,
    filename: str,
    catalogues_by_year: Callable[[int], Catalogue],
) -> BulkParse:
    """Read the long format `school,period,indicator,value` (Vietnamese headers
    `trường,kỳ,chỉ tiêu,giá trị` too, in any case and order, extra columns ignored).

    `indicator` holds a code or a label of the catalogue in force for the period's
    year. A blank value is kept as None. Never raises for a bad file.
    """
    result = BulkParse()
    try:
        result.kind = sniff_kind(data, filename, kind="bulk")
        table = _read_table(
            data,
            kind=result.kind,
            filename=filename,
            max_rows=MAX_BULK_ROWS,
            max_columns=MAX_BULK_COLUMNS,
            prefer_sheet=None,
        )
    except UploadRefused as refusal:
        result.errors.append(
            UploadProblem(filename, None, None, None, refusal.message_vi, refusal.message_en)
        )
        return result
    problems = _Problems(result.errors, table.sheet)
    notes = _Problems(result.warnings, table.sheet)

    header_row, columns = None, {}
    best_row, best = 1, dict[str, int]()
    for number in range(1, min(len(table.rows), HEADER_SCAN_ROWS) + 1):
        found = _header_keys(table.rows[number - 1], _BULK_HEADERS)
        if len(found) == len(_BULK_HEADERS):
            header_row, columns = number, found
            break
        if len(found) > len(best):
            best_row, best = number, found
    if header_row is None:
        names_vi = {"school": "trường", "period": "kỳ", "indicator": "chỉ tiêu", "value": "giá trị"}
        missing = [key for key in _BULK_HEADERS if key not in best]
        problems.add(
            best_row,
            None,
            None,
            "Không tìm thấy dòng tiêu đề “trường, kỳ, chỉ tiêu, giá trị” "
            f"(hoặc “school, period, indicator, value”); thiếu cột: "
            f"{', '.join(names_vi[key] for key in missing)}.",
            "No header row “school, period, indicator, value” "
            f"(or “trường, kỳ, chỉ tiêu, giá trị”) was found; missing: {', '.join(missing)}.",
        )
        problems.close()
        return result
    table.header = [_cell_text(raw) for raw in table.rows[header_row - 1]]
    names = {key: table.column_name(index) for key, index in columns.items()}

    resolvers: dict[int, _Resolver | None] = {}
    seen: dict[tuple[str, str, str], int] = {}
    school_keys: dict[str, str] = {}
    header_width = len(table.rows[header_row - 1])
    for number in range(header_row + 1, len(table.rows) + 1):
        if not table.rows[number - 1]:
            continue
        if _extra_fields(table, number, header_width, problems):
            continue
        cells = {
            key: _read_cell(table, number, index, None, problems, notes)
            for key, index in columns.items()
        }
        if any(read.failed for read in cells.values()):
            continue
        school = _cell_text(cells["school"].value)
        period = _cell_text(cells["period"].value).upper()
        indicator_text = _cell_text(cells["indicator"].value)
        failed = False
        if not school:
            problems.add(number, names["school"], None, "Thiếu tên trường.", "School is missing.")
            failed = True
        if not PERIOD_CODE_RE.match(period):
            shown = period or "(trống)"
            problems.add(
                number,
                names["period"],
                None,
                f"Mã kỳ “{shown}” sai dạng; cần NNNN-H1, NNNN-Y hoặc NNNN-Q1..Q4 (ví dụ 2024-H1).",
                f"Period “{period or '(blank)'}” is malformed; expected YYYY-H1, YYYY-Y or "
                "YYYY-Q1..Q4 (e.g. 2024-H1).",
            )
            continue
        year = int(period[:4])
        if year not in resolvers:
            try:
                resolvers[year] = _Resolver(catalogues_by_year(year))
            except Exception:  # the caller's lookup may raise anything for a bad year
                resolvers[year] = None
        resolver = resolvers[year]
        if resolver is None:
            problems.add(
                number,
                names["period"],
                None,
                f"Không có danh mục chỉ tiêu cho năm {year}.",
                f"There is no indicator catalogue for {year}.",
            )
            continue
        if not indicator_text:
            problems.add(
                number, names["indicator"], None, "Thiếu chỉ tiêu.", "Indicator is missing."
            )
            continue
        code, ambiguous = resolver.any(indicator_text)
        if code is None:
            if resolver.code(indicator_text) is None and indicator_text.casefold() in (
                resolver.retired
            ):
                message = resolver.code_problem(indicator_text)
            else:
                message = resolver.label_problem(indicator_text, ambiguous)
            problems.add(number, names["indicator"], None, *message)
            continue
        if failed:
            continue
        school_key = school_keys.get(school)
        if school_key is None:
            school_key = school_keys[school] = normalise_label(school)
        key = (school_key, period, code)
        if key in seen:
            problems.add(
                number,
                names["indicator"],
                code,
                f"Trùng dòng {seen[key]}: cùng trường, kỳ {period} và chỉ tiêu {code}.",
                f"Same school, period {period} and indicator {code} as row {seen[key]}.",
            )
            continue
        seen[key] = number
        marks: dict[str, Mark] = {}
        ok, value = _parse_value(
            cells["value"].value,
            resolver.catalogue[code],
            row=number,
            column=names["value"],
            problems=problems,
            marks=marks,
        )
        if ok:
            result.rows.append(BulkRow(school, period, code, value, number, marks.get(code)))
    problems.close()
    notes.close()
    return result
