"""Templates for a school's figures, and the parsing of uploads and bulk files.

Template layout checked here (`build_template_xlsx`):
  sheet "Số liệu": row 1 Vietnamese headers, row 2 English headers, then one row per
  indicator in catalogue order grouped by section; columns A code, B section,
  C Vietnamese label, D English label, E unit, F value (the only unlocked cells,
  whole-number validation 0..max_value); sheet "Hướng dẫn": instructions (vi + en);
  very hidden sheet "_meta": format, period, catalogue_version, school, language.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from catalogue.spec import Catalogue, IndicatorSpec, SectionSpec
from submissions import spreadsheets
from submissions.spreadsheets import (
    CSV_COLUMNS,
    INSTRUCTIONS_SHEET,
    MAX_BULK_ROWS,
    MAX_ROWS,
    META_SHEET,
    TEMPLATE_SHEET,
    BulkRow,
    UploadParse,
    UploadProblem,
    UploadRefused,
    build_template_csv,
    build_template_xlsx,
    parse_bulk_upload,
    parse_values_upload,
    sniff_kind,
)

PERIOD = "2024-H1"
SCHOOL = "Trường Đào tạo cán bộ Nguyễn Văn Cừ"


def make_catalogue(version: int = 2024, extra: tuple[IndicatorSpec, ...] = ()) -> Catalogue:
    sections = (
        SectionSpec("training", "Đào tạo, bồi dưỡng", "Training", 0),
        SectionSpec("research", "Nghiên cứu khoa học", "Research", 1),
        SectionSpec("staff", "Xây dựng đội ngũ", "Staff development", 2),
    )
    rows = [
        # code, label_vi, label_en, unit, section, parent, max_value
        ("classes_total", "Tổng số lớp", "Classes, total", "class", "training", None, 5_000),
        (
            "learners_total",
            "Tổng số học viên",
            "Learners, total",
            "learner",
            "training",
            None,
            500_000,
        ),
        # Listed out of section order on purpose: the template groups by section.
        (
            "projects_province",
            "Đề tài cấp tỉnh",
            "Provincial projects",
            "project",
            "research",
            None,
            200,
        ),
        (
            "tc_classes",
            "Số lớp trung cấp LLCT-HC",
            "Intermediate classes",
            "class",
            "training",
            "classes_total",
            5_000,
        ),
        (
            "tc_learners",
            "Số học viên trung cấp LLCT-HC",
            "Intermediate learners",
            "learner",
            "training",
            "learners_total",
            500_000,
        ),
        (
            "staff_doctorate",
            "Cán bộ đi học tiến sĩ",
            "Staff studying for a doctorate",
            "person",
            "staff",
            None,
            1_000,
        ),
        (
            "conf_school",
            "Hội thảo khoa học cấp trường",
            "School conferences",
            "event",
            "research",
            None,
            1_000,
        ),
        (
            "seminar_faculty",
            "Tọa đàm khoa học",
            "Faculty seminars",
            "event",
            "research",
            None,
            1_000,
        ),
        ("seminar_school", "Toạ đàm khoa học", "School seminars", "event", "research", None, 1_000),
    ]
    indicators = (
        tuple(
            IndicatorSpec(
                code=code,
                label_vi=vi,
                label_en=en,
                unit=unit,
                section=section,
                order=order,
                parent=parent,
                max_value=maximum,
            )
            for order, (code, vi, en, unit, section, parent, maximum) in enumerate(rows)
        )
        + extra
    )
    return Catalogue(
        version=version, sections=sections, indicators=indicators, retired=("old_code",)
    )


CATALOGUE = make_catalogue()
VALUES: dict[str, int | None] = {
    "classes_total": 97,
    "learners_total": 3864,
    "projects_province": 3,
    "tc_classes": 0,  # zero, not blank
    "tc_learners": None,  # explicitly blank
    "staff_doctorate": 12,
    "conf_school": 1,
    # seminar_* absent: blank in the template too
}
# Rows of the template, in order (grouped by section, catalogue order inside).
ORDER = [
    "classes_total",
    "learners_total",
    "tc_classes",
    "tc_learners",
    "projects_province",
    "conf_school",
    "seminar_faculty",
    "seminar_school",
    "staff_doctorate",
]


def row_of(code: str) -> int:
    return 3 + ORDER.index(code)


def expected_values(values: dict[str, int | None]) -> dict[str, int | None]:
    return {code: values.get(code) for code in ORDER}


def template_xlsx(values: dict[str, int | None] = VALUES, **kwargs: object) -> bytes:
    options: dict[str, object] = {
        "catalogue": CATALOGUE,
        "school_name": SCHOOL,
        "period_code": PERIOD,
        "values": values,
    }
    options.update(kwargs)
    return build_template_xlsx(**options)  # type: ignore[arg-type]


def template_csv(values: dict[str, int | None] = VALUES, **kwargs: object) -> bytes:
    options: dict[str, object] = {
        "catalogue": CATALOGUE,
        "school_name": SCHOOL,
        "period_code": PERIOD,
        "values": values,
    }
    options.update(kwargs)
    return build_template_csv(**options)  # type: ignore[arg-type]


def edit_xlsx(data: bytes, cells: dict[str, object], sheet: str = TEMPLATE_SHEET) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_bytes(rows: list[list[object]], *, bom: bool = True, delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def simple_xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def parse(data: bytes, filename: str = "so-lieu.xlsx", **kwargs: object) -> UploadParse:
    options: dict[str, object] = {"catalogue": CATALOGUE, "period_code": PERIOD}
    options.update(kwargs)
    return parse_values_upload(data=data, filename=filename, **options)  # type: ignore[arg-type]


def only_error(result: UploadParse | spreadsheets.BulkParse) -> UploadProblem:
    assert len(result.errors) == 1, [problem.message_en for problem in result.errors]
    return result.errors[0]


def replace_in_zip(data: bytes, member: str, edit: Callable[[str], str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = edit(content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content)
    return out.getvalue()


# --- The template --------------------------------------------------------------------


def test_xlsx_template_layout() -> None:
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames == [TEMPLATE_SHEET, INSTRUCTIONS_SHEET, META_SHEET]
    ws = workbook[TEMPLATE_SHEET]
    assert [cell.value for cell in ws[1]] == [
        "Mã chỉ tiêu",
        "Nhóm",
        "Chỉ tiêu",
        "Chỉ tiêu (tiếng Anh)",
        "Đơn vị",
        "Giá trị",
    ]
    assert [cell.value for cell in ws[2]] == [
        "Code",
        "Section",
        "Indicator (Vietnamese)",
        "Indicator",
        "Unit",
        "Value",
    ]
    assert [ws.cell(row=row, column=1).value for row in range(3, 3 + len(ORDER))] == ORDER
    assert ws.max_row == 2 + len(ORDER)
    third = [cell.value for cell in ws[row_of("tc_classes")]]
    assert third == [
        "tc_classes",
        "Đào tạo, bồi dưỡng",
        "Số lớp trung cấp LLCT-HC",
        "Intermediate classes",
        "lớp",
        0,
    ]
    assert ws[f"F{row_of('tc_learners')}"].value is None  # blank stays blank
    assert ws[f"F{row_of('seminar_school')}"].value is None
    assert ws[f"F{row_of('learners_total')}"].value == 3864
    # A child indicator is indented under its parent.
    assert ws[f"C{row_of('tc_classes')}"].alignment.indent == 1
    assert ws.freeze_panes == "A3"


def test_xlsx_template_protection_and_validation() -> None:
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.security.lockStructure
    ws = workbook[TEMPLATE_SHEET]
    assert ws.protection.sheet
    for row in range(1, 3 + len(ORDER)):
        for column in "ABCDEF":
            locked = ws[f"{column}{row}"].protection.locked
            assert locked is not (column == "F" and row >= 3), f"{column}{row}"
    assert workbook[INSTRUCTIONS_SHEET].protection.sheet

    validations = ws.data_validations.dataValidation
    covered: dict[str, tuple[str, str, str]] = {}
    for validation in validations:
        assert validation.type == "whole"
        assert validation.operator == "between"
        assert validation.showErrorMessage
        assert "số nguyên" in validation.error
        for ref in str(validation.sqref).split():
            covered[ref] = (validation.formula1, validation.formula2, validation.error)
    assert set(covered) == {f"F{row_of(code)}" for code in ORDER}
    assert covered[f"F{row_of('projects_province')}"][:2] == ("0", "200")
    assert covered[f"F{row_of('learners_total')}"][:2] == ("0", "500000")
    assert "500.000" in covered[f"F{row_of('learners_total')}"][2]


def test_xlsx_template_metadata_instructions_and_no_formulas() -> None:
    data = template_xlsx()
    workbook = load_workbook(io.BytesIO(data))
    meta = workbook[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert {row[0]: row[1] for row in meta.iter_rows(values_only=True)} == {
        "format": "cum-hub/values/1",
        "period": PERIOD,
        "catalogue_version": "2024",
        "school": SCHOOL,
        "language": "vi",
    }
    assert PERIOD in workbook.properties.title and SCHOOL in workbook.properties.title
    assert PERIOD in workbook.properties.keywords
    custom = {prop.name: prop.value for prop in workbook.custom_doc_props.props}
    assert custom == {
        "cum_hub_period": PERIOD,
        "cum_hub_school": SCHOOL,
        "cum_hub_catalogue_version": 2024,
    }
    guide = "\n".join(
        str(row[0]) for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row[0]
    )
    assert "HƯỚNG DẪN" in guide and "HOW TO FILL IN" in guide
    assert PERIOD in guide and SCHOOL in guide
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[\s>/]", archive.read(name)), name


def test_english_template_uses_english_section_and_unit_words() -> None:
    workbook = load_workbook(io.BytesIO(template_xlsx(language="en")))
    row = [cell.value for cell in workbook[TEMPLATE_SHEET][row_of("tc_classes")]]
    assert row[1] == "Training" and row[4] == "classes"
    guide = workbook[INSTRUCTIONS_SHEET]["A1"].value
    assert guide == "HOW TO FILL IN THIS TEMPLATE"
    assert parse(template_xlsx(language="en")).values == expected_values(VALUES)


def test_csv_template_layout() -> None:
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    rows = csv_rows(data)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[0] for row in rows[1:]] == ORDER
    assert rows[1 + ORDER.index("learners_total")] == [
        "learners_total",
        "Đào tạo, bồi dưỡng",
        "Tổng số học viên",
        "Learners, total",
        "học viên",
        "3864",
    ]
    assert rows[1 + ORDER.index("tc_classes")][5] == "0"
    assert rows[1 + ORDER.index("tc_learners")][5] == ""


# --- Round trips -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [VALUES, {}, dict.fromkeys(ORDER, 0), {code: n * 11 + 1 for n, code in enumerate(ORDER)}],
    ids=["mixed", "all-blank", "all-zero", "all-set"],
)
def test_xlsx_round_trip_keeps_values_blank_and_zero(values: dict[str, int | None]) -> None:
    result = parse(template_xlsx(values))
    assert result.errors == [] and result.warnings == []
    assert result.kind == "xlsx" and result.layout == "template"
    assert result.values == expected_values(values)
    assert result.values["tc_classes"] == (values.get("tc_classes"))
    assert result.meta["period"] == PERIOD and result.meta["school"] == SCHOOL


@pytest.mark.parametrize(
    "values",
    [VALUES, {}, dict.fromkeys(ORDER, 0)],
    ids=["mixed", "all-blank", "all-zero"],
)
def test_csv_round_trip_keeps_values_blank_and_zero(values: dict[str, int | None]) -> None:
    result = parse(template_csv(values), "so-lieu.csv")
    assert result.errors == [] and result.warnings == []
    assert result.kind == "csv" and result.layout == "template"
    assert result.values == expected_values(values)


def test_csv_without_bom_and_with_semicolons_is_read() -> None:
    rows = csv_rows(template_csv())
    result = parse(csv_bytes(rows, bom=False, delimiter=";"), "so-lieu.csv")
    assert result.errors == []
    assert result.values == expected_values(VALUES)


VIETNAMESE_WRITINGS = {
    "learners_total": ("1.793", 1793),
    "classes_total": ("03", 3),
    "staff_doctorate": (" 12 ", 12),
    "tc_learners": ("2.546 học viên", 2546),
    "conf_school": ("", None),
}


def test_xlsx_reads_vietnamese_number_writing_in_text_cells() -> None:
    data = edit_xlsx(
        template_xlsx(),
        {f"F{row_of(code)}": text for code, (text, _) in VIETNAMESE_WRITINGS.items()},
    )
    result = parse(data)
    assert result.errors == []
    for code, (_, value) in VIETNAMESE_WRITINGS.items():
        assert result.values[code] == value, code


def test_csv_reads_vietnamese_number_writing() -> None:
    rows = csv_rows(template_csv())
    for code, (text, _) in VIETNAMESE_WRITINGS.items():
        rows[1 + ORDER.index(code)][5] = text
    result = parse(csv_bytes(rows), "so-lieu.csv")
    assert result.errors == []
    for code, (_, value) in VIETNAMESE_WRITINGS.items():
        assert result.values[code] == value, code


REFUSED = [
    ("1,5", "ambiguous"),
    ("12a", "12a"),
    ("-3", "-3"),
    (-3, "-3"),
    (2.5, "2.5"),
    ("chưa có", "chưa có"),  # text in a value cell
]


@pytest.mark.parametrize(("raw", "shown"), REFUSED)
def test_xlsx_refused_values_are_located(raw: object, shown: str) -> None:
    row = row_of("projects_province")
    result = parse(edit_xlsx(template_xlsx(), {f"F{row}": raw}))
    problem = only_error(result)
    assert (problem.sheet, problem.row, problem.column, problem.code) == (
        TEMPLATE_SHEET,
        row,
        "F",
        "projects_province",
    )
    assert problem.message_vi and shown in problem.message_en
    assert "projects_province" not in result.values


@pytest.mark.parametrize("raw", ["1,5", "12a", "-3", "=1+1", "mười hai"])
def test_csv_refused_values_are_located_by_column_name(raw: str) -> None:
    rows = csv_rows(template_csv())
    rows[1 + ORDER.index("projects_province")][5] = raw
    problem = only_error(parse(csv_bytes(rows), "so-lieu.csv"))
    assert (problem.sheet, problem.row, problem.column, problem.code) == (
        "so-lieu.csv",
        2 + ORDER.index("projects_province"),
        "value",
        "projects_province",
    )


def test_value_above_the_indicator_maximum_is_refused() -> None:
    row = row_of("projects_province")
    problem = only_error(parse(edit_xlsx(template_xlsx(), {f"F{row}": "20212"})))
    assert (problem.row, problem.column) == (row, "F")
    assert "20.212" in problem.message_vi and "200" in problem.message_vi


def test_date_and_boolean_cells_are_refused() -> None:
    import datetime as dt

    data = edit_xlsx(
        template_xlsx(),
        {f"F{row_of('conf_school')}": dt.date(2024, 5, 1), f"F{row_of('tc_classes')}": True},
    )
    result = parse(data)
    assert {(problem.row, problem.code) for problem in result.errors} == {
        (row_of("conf_school"), "conf_school"),
        (row_of("tc_classes"), "tc_classes"),
    }


# --- Matching rows -------------------------------------------------------------------------


def test_rows_matched_by_label_when_the_code_column_is_missing() -> None:
    nfd = unicodedata.normalize("NFD", "Tổng số học viên")
    data = csv_bytes(
        [
            ["Chỉ tiêu", "Giá trị"],
            [nfd, "1.793"],  # decomposed Unicode
            ["tong so lop", "97"],  # no diacritics, lower case
            ["  ĐỀ TÀI   CẤP TỈNH ", "03"],  # upper case, extra spaces
            ["Intermediate classes", "0"],  # an English label in the Vietnamese column
            ["2.1. Hội thảo khoa học cấp trường", ""],  # numbered as in a report
        ]
    )
    result = parse(data, "tu-nhap.csv")
    assert result.errors == []
    assert result.values == {
        "learners_total": 1793,
        "classes_total": 97,
        "projects_province": 3,
        "tc_classes": 0,
        "conf_school": None,
    }


def test_label_used_when_a_template_row_lost_its_code() -> None:
    row = row_of("staff_doctorate")
    data = edit_xlsx(template_xlsx(), {f"A{row}": None})
    result = parse(data)
    assert result.errors == []
    assert result.values == expected_values(VALUES)


def test_ambiguous_label_is_an_error() -> None:
    data = csv_bytes([["Chỉ tiêu", "Giá trị"], ["Toa dam khoa hoc", "2"]])
    problem = only_error(parse(data, "x.csv"))
    assert (problem.row, problem.column) == (2, "Chỉ tiêu")
    assert "seminar_faculty" in problem.message_vi and "seminar_school" in problem.message_vi


def test_unknown_code_and_label_are_errors_and_heading_rows_are_skipped() -> None:
    data = csv_bytes(
        [
            ["Mã chỉ tiêu", "Chỉ tiêu", "Giá trị"],
            ["", "I. ĐÀO TẠO", ""],  # a heading: skipped with a warning
            ["classes_totl", "Tổng số lớp", "5"],  # a code slip
            ["", "Số lớp cao cấp", "4"],  # not in the catalogue
            ["old_code", "", "1"],  # retired
            ["", "", "7"],  # a value with nothing to say what it is
            ["learners_total", "Tổng số học viên", "10"],
        ]
    )
    result = parse(data, "x.csv")
    located = [(problem.row, problem.column) for problem in result.errors]
    assert located == [(3, "Mã chỉ tiêu"), (4, "Chỉ tiêu"), (5, "Mã chỉ tiêu"), (6, "Giá trị")]
    assert "classes_totl" in result.errors[0].message_en
    assert "retired" in result.errors[2].message_en
    assert [(problem.row, problem.column) for problem in result.warnings] == [(2, "Chỉ tiêu")]
    assert result.values == {"learners_total": 10}


def test_code_and_label_of_different_indicators_warns_and_trusts_the_code() -> None:
    row = row_of("classes_total")
    result = parse(edit_xlsx(template_xlsx(), {f"C{row}": "Tổng số học viên"}))
    assert result.errors == []
    warning = result.warnings[0]
    assert (warning.row, warning.column, warning.code) == (row, "C", "classes_total")
    assert result.values["classes_total"] == 97


def test_duplicate_indicator_is_an_error() -> None:
    rows = csv_rows(template_csv())
    rows.append(["tc_classes", "", "", "", "", "5"])
    result = parse(csv_bytes(rows), "x.csv")
    problem = only_error(result)
    assert problem.row == len(rows) and problem.code == "tc_classes"
    assert f"dòng {row_of('tc_classes') - 1}" in problem.message_vi


def test_one_school_long_file_is_read_and_its_period_checked() -> None:
    data = csv_bytes(
        [
            ["school", "period", "indicator", "value"],
            [SCHOOL, PERIOD, "classes_total", "97"],
            [SCHOOL, "2024-Y", "learners_total", "5"],
            [SCHOOL, PERIOD, "Đề tài cấp tỉnh", "03"],
        ]
    )
    result = parse(data, "x.csv")
    problem = only_error(result)
    assert (problem.row, problem.column) == (3, "period")
    assert result.values == {"classes_total": 97, "projects_province": 3}


def test_unrecognised_layout_is_an_error() -> None:
    problem = only_error(parse(csv_bytes([["a", "b"], ["1", "2"]]), "x.csv"))
    assert problem.row is None and "layout" in problem.message_en


# --- Wide layout ------------------------------------------------------------------------


def test_wide_layout_with_codes_and_labels() -> None:
    data = csv_bytes(
        [
            ["Trường", "Kỳ", "classes_total", "Tổng số học viên", "de tai cap tinh", "tc_classes"],
            [SCHOOL, PERIOD, "97", "3.864", "03", ""],
        ]
    )
    result = parse(data, "ngang.csv")
    assert result.errors == []
    assert result.layout == "wide"
    assert result.values == {
        "classes_total": 97,
        "learners_total": 3864,
        "projects_province": 3,
        "tc_classes": None,
    }


def test_wide_layout_xlsx_errors_are_located_by_column_letter() -> None:
    data = simple_xlsx(
        [
            ["classes_total", "learners_total", "unknown_code", "classes_total"],
            [97, "1,5", 3, 4],
        ]
    )
    result = parse(data, "ngang.xlsx")
    assert result.layout == "wide"
    located = {(problem.row, problem.column, problem.code) for problem in result.errors}
    assert located == {(2, "B", "learners_total"), (1, "C", None), (1, "D", "classes_total")}
    assert result.values == {"classes_total": 97}


def test_wide_layout_wrong_period_and_several_rows_are_errors() -> None:
    wrong = csv_bytes([["Kỳ", "classes_total"], ["2023-Y", "5"]])
    problem = only_error(parse(wrong, "ngang.csv"))
    assert (problem.row, problem.column) == (2, "Kỳ")
    several = csv_bytes([["classes_total"], ["5"], ["6"]])
    problem = only_error(parse(several, "ngang.csv"))
    assert problem.row == 3 and "bulk" in problem.message_en


# --- Refused files -----------------------------------------------------------------------


@contextmanager
def rows_read() -> Iterator[list[tuple[object, ...]]]:
    """Record every call that reads rows of a sheet opened to parse an upload."""
    calls: list[tuple[object, ...]] = []
    original = ReadOnlyWorksheet.iter_rows

    def spy(self: ReadOnlyWorksheet, *args: object, **kwargs: object) -> object:
        calls.append((self.title, args, kwargs))
        return original(self, *args, **kwargs)

    with mock.patch.object(ReadOnlyWorksheet, "iter_rows", spy):
        yield calls


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def assert_refused(
    data: bytes, filename: str, *words: str, by_sniffing: bool = True
) -> UploadProblem:
    result = parse(data, filename)
    problem = only_error(result)
    assert problem.row is None and problem.sheet == filename
    assert result.values == {}
    for word in words:
        assert word in problem.message_en, problem.message_en
    if by_sniffing:
        with pytest.raises(UploadRefused):
            sniff_kind(data, filename)
    return problem


def test_sniff_kind_by_content() -> None:
    assert sniff_kind(template_xlsx(), "anything.csv") == "xlsx"
    assert sniff_kind(template_csv(), "anything.xlsx") == "csv"
    assert sniff_kind("code,chỉ tiêu\r\nx,1\r\n".encode(), "a.csv") == "csv"


def test_macro_enabled_workbook_is_refused_even_when_renamed() -> None:
    content_types = template_xlsx()
    with zipfile.ZipFile(io.BytesIO(content_types)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    assert_refused(zip_bytes(members), "so-lieu.xlsx", "macro")

    members.pop("xl/vbaProject.bin")
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    assert b"macroEnabled" in members["[Content_Types].xml"]
    assert_refused(zip_bytes(members), "so-lieu.xlsx", "macro")


def test_renamed_non_xlsx_files_are_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert_refused(png, "so-lieu.xlsx", "neither")
    docx = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert_refused(docx, "so-lieu.xlsx", "not a valid Excel")
    assert_refused(b"PK\x03\x04 truncated", "so-lieu.xlsx", "not a valid Excel")
    assert_refused(b"%PDF-1.7\n...", "so-lieu.xlsx", "PDF")
    ods = zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
    )
    assert_refused(ods, "so-lieu.xlsx", ".ods")


def test_legacy_xls_is_refused_with_advice() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    problem = assert_refused(ole, "so-lieu.xls", ".xls")
    assert "Lưu thành" in problem.message_vi


def test_encodings_other_than_utf8_are_refused() -> None:
    # Windows-1258 writes "Đề tài" as Đ, ê and a combining grave: not UTF-8.
    text = "code,label_vi,value\r\nprojects_province,\u0110\u00ea\u0300 ta\u0300i,5\r\n"
    assert_refused(text.encode("cp1258"), "so-lieu.csv", "UTF-8")
    assert_refused(text.encode("utf-16"), "so-lieu.csv", "UTF-8", "UTF-16")


def test_empty_and_oversized_files_are_refused() -> None:
    assert_refused(b"", "so-lieu.csv", "empty")
    big = b"code,value\r\n" + b"x,1\r\n" * (spreadsheets.MAX_BYTES // 5 + 1)
    assert_refused(big, "so-lieu.csv", "5 MB")
    assert len(big) > spreadsheets.MAX_BYTES


def test_each_kind_of_upload_is_told_its_own_limit() -> None:
    def refusal(size: int, kind: spreadsheets.UploadKind) -> UploadRefused:
        with pytest.raises(UploadRefused) as refused:
            spreadsheets.check_upload_size(size, kind=kind, filename="a.xlsx")
        return refused.value

    fifty, ten = 50 * 1024 * 1024, 10 * 1024 * 1024
    # A 50 MB bulk file is told the bulk limit; a 10 MB school file the school one.
    bulk = refusal(fifty, "bulk")
    assert bulk.message_vi == "Tệp “a.xlsx” nặng 50 MB, vượt giới hạn 20 MB của tệp nhập hàng loạt."
    assert (
        bulk.message_en == "The file “a.xlsx” is 50 MB, over the 20 MB limit of a bulk upload file."
    )
    school = refusal(ten, "school")
    assert school.message_vi == (
        "Tệp “a.xlsx” nặng 10 MB, vượt giới hạn 5 MB của tệp số liệu của trường."
    )
    # Within the bulk limit, a 10 MB bulk file is read (and refused for what it holds,
    # not for its size).
    spreadsheets.check_upload_size(ten, kind="bulk")
    parsed = parse_bulk_upload(
        data=b"school,period,indicator,value\r\n" + b"x" * ten,
        filename="bulk.csv",
        catalogues_by_year=lambda year: make_catalogue(),
    )
    assert parsed.errors and not any("MB" in p.message_vi for p in parsed.errors)


def test_zip_bomb_refused_by_ratio_before_opening() -> None:
    bomb = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\x00" * (4 * 1024 * 1024),
        }
    )
    assert len(bomb) < 20_000
    assert_refused(bomb, "so-lieu.xlsx", "zip bomb")


def test_zip_bomb_refused_by_total_size_before_opening() -> None:
    # Members under the ratio check's threshold, but 51 MB in all.
    members = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    chunk = b"a" * (1024 * 1024 - 1)
    for number in range(52):
        members[f"xl/media/image{number}.bin"] = chunk
    bomb = zip_bytes(members)
    assert len(bomb) < spreadsheets.MAX_BYTES
    assert_refused(bomb, "so-lieu.xlsx", "zip bomb")


def test_too_many_rows_are_refused() -> None:
    rows: list[list[object]] = [["code", "value"]] + [["x", 1]] * MAX_ROWS
    assert_refused(csv_bytes(rows), "so-lieu.csv", "more than 5,000 rows", by_sniffing=False)
    data = simple_xlsx(rows, title=TEMPLATE_SHEET)
    assert_refused(data, "so-lieu.xlsx", "more than 5,000 rows", by_sniffing=False)


def test_huge_declared_dimension_is_refused_without_reading_rows() -> None:
    data = replace_in_zip(
        template_xlsx(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:XFD1048576"/>', xml),
    )
    with rows_read() as reads:
        result = parse(data)
    assert "rows" in only_error(result).message_en
    assert reads == [], "refused from the declared size, before any row is read"
    with rows_read() as reads:
        assert parse(template_xlsx()).errors == []
    assert reads, "the spy sees the rows an ordinary sheet is read by"


def test_sheet_declaring_a_one_cell_dimension_is_still_read_in_full() -> None:
    data = replace_in_zip(
        template_xlsx(),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1"/>', xml),
    )
    result = parse(data)
    assert result.errors == []
    assert result.values == expected_values(VALUES)


# --- Formulas and metadata ------------------------------------------------------------


def test_formula_without_cached_value_is_an_error() -> None:
    row = row_of("classes_total")
    data = edit_xlsx(template_xlsx(), {f"F{row}": "=1+1"})
    problem = only_error(parse(data))
    assert (problem.row, problem.column, problem.code) == (row, "F", "classes_total")
    assert "công thức không có giá trị" in problem.message_vi


def test_formula_with_cached_value_uses_it_and_warns() -> None:
    row = row_of("classes_total")
    data = replace_in_zip(
        edit_xlsx(template_xlsx(), {f"F{row}": "=90+7"}),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("<f>90+7</f><v></v>", "<f>90+7</f><v>97</v>"),
    )
    result = parse(data)
    assert result.errors == []
    assert result.values["classes_total"] == 97
    warning = result.warnings[0]
    assert (warning.row, warning.column, warning.code) == (row, "F", "classes_total")
    assert "formula" in warning.message_en


def test_wrong_period_template_is_refused() -> None:
    result = parse(template_xlsx(), period_code="2024-Y")
    problem = only_error(result)
    assert "2024-H1" in problem.message_vi and "2024-Y" in problem.message_vi
    # Without a period to check against, the same file is fine.
    assert parse(template_xlsx(), period_code=None).errors == []


def test_other_catalogue_version_warns() -> None:
    data = template_xlsx(catalogue=make_catalogue(version=2023))
    result = parse(data)
    assert result.errors == []
    assert "version 2023" in result.warnings[0].message_en


# --- CSV injection ----------------------------------------------------------------------

DANGEROUS = (
    IndicatorSpec(
        "inj_eq", '=HYPERLINK("http://x.example","bấm")', "@SUM(1)", "event", "research", 20
    ),
    IndicatorSpec("inj_plus", "+84 giảng viên", "-1 lecturers", "lecture", "staff", 21),
)


def test_csv_injection_neutralised_in_both_templates() -> None:
    catalogue = make_catalogue(extra=DANGEROUS)
    options = {
        "catalogue": catalogue,
        "school_name": "=cmd|' /C calc'!A0",
        "period_code": PERIOD,
        "values": {"inj_eq": 4},
    }
    rows = {row[0]: row for row in csv_rows(build_template_csv(**options))}
    assert rows["inj_eq"][2] == '\'=HYPERLINK("http://x.example","bấm")'
    assert rows["inj_eq"][3] == "'@SUM(1)"
    assert rows["inj_plus"][2:4] == ["'+84 giảng viên", "'-1 lecturers"]

    data = build_template_xlsx(**options)
    workbook = load_workbook(io.BytesIO(data))
    ws = workbook[TEMPLATE_SHEET]
    texts = [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "'@SUM(1)" in texts and "'+84 giảng viên" in texts
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[\s>/]", archive.read(name))
    # The neutralised rows still read back, by code and by label.
    result = parse_values_upload(data=data, filename="t.xlsx", catalogue=catalogue)
    assert result.errors == [] and result.values["inj_eq"] == 4
    by_label = csv_bytes([["Chỉ tiêu", "Giá trị"], ["'+84 giảng viên", "2"]])
    assert parse_values_upload(data=by_label, filename="t.csv", catalogue=catalogue).values == {
        "inj_plus": 2
    }


# --- Bulk ------------------------------------------------------------------------------

CATALOGUES = {2023: make_catalogue(version=2023), 2024: CATALOGUE}


def catalogues_by_year(year: int) -> Catalogue:
    return CATALOGUES[year]


def bulk(data: bytes, filename: str = "lich-su.csv") -> spreadsheets.BulkParse:
    return parse_bulk_upload(data=data, filename=filename, catalogues_by_year=catalogues_by_year)


def test_bulk_happy_path_csv_with_vietnamese_headers() -> None:
    data = csv_bytes(
        [
            ["Trường", "KỲ", "Chỉ tiêu", "Giá trị", "Ghi chú"],
            ["Lai Châu", "2024-H1", "classes_total", "97", "extra columns are ignored"],
            ["Lai Châu", "2024-H1", "Tổng số học viên", "3.864", ""],
            ["Lai Châu", "2023-Y", "classes_total", "", ""],
            ["", "", "", "", ""],
            ["Sơn La", "2024-h1", "tong so lop", "03", ""],
        ]
    )
    result = bulk(data)
    assert result.errors == []
    assert result.rows == [
        BulkRow("Lai Châu", "2024-H1", "classes_total", 97, 2),
        BulkRow("Lai Châu", "2024-H1", "learners_total", 3864, 3),
        BulkRow("Lai Châu", "2023-Y", "classes_total", None, 4),
        BulkRow("Sơn La", "2024-H1", "classes_total", 3, 6),
    ]


def test_bulk_happy_path_xlsx_with_english_headers() -> None:
    data = simple_xlsx(
        [
            ["Indicator", "Value", "School", "Period"],
            ["tc_classes", 12, "Điện Biên", "2024-Q2"],
            ["Provincial projects", "02", "Điện Biên", "2024-Y"],
        ]
    )
    result = bulk(data, "lich-su.xlsx")
    assert result.errors == []
    assert [(row.code, row.value, row.period, row.row_number) for row in result.rows] == [
        ("tc_classes", 12, "2024-Q2", 2),
        ("projects_province", 2, "2024-Y", 3),
    ]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["Lai Châu", "2024-H2", "classes_total", "1"], "period", "malformed"),
        (["Lai Châu", "24-H1", "classes_total", "1"], "period", "malformed"),
        (["Lai Châu", "", "classes_total", "1"], "period", "malformed"),
        (["Lai Châu", "2019-Y", "classes_total", "1"], "period", "no indicator catalogue"),
        (["Lai Châu", "2024-H1", "no_such", "1"], "indicator", "Unknown indicator"),
        (["Lai Châu", "2024-H1", "old_code", "1"], "indicator", "retired"),
        (["Lai Châu", "2024-H1", "Toạ đàm khoa học", "1"], "indicator", "several"),
        (["Lai Châu", "2024-H1", "", "1"], "indicator", "missing"),
        (["", "2024-H1", "classes_total", "1"], "school", "missing"),
        (["Lai Châu", "2024-H1", "classes_total", "1,5"], "value", "ambiguous"),
        (["Lai Châu", "2024-H1", "classes_total", "12a"], "value", "12a"),
        (["Lai Châu", "2024-H1", "classes_total", "-4"], "value", "negative"),
        (["Lai Châu", "2024-H1", "classes_total", "9.999"], "value", "maximum"),
    ],
)
def test_bulk_row_errors_are_located(row: list[str], column: str, words: str) -> None:
    data = csv_bytes([["school", "period", "indicator", "value"], row])
    result = bulk(data)
    problem = only_error(result)
    assert (problem.sheet, problem.row, problem.column) == ("lich-su.csv", 2, column)
    assert words in problem.message_en, problem.message_en
    assert result.rows == []


def test_bulk_duplicate_is_refused() -> None:
    data = csv_bytes(
        [
            ["school", "period", "indicator", "value"],
            ["Lai Châu", "2024-H1", "classes_total", "1"],
            ["Sơn La", "2024-H1", "classes_total", "1"],
            ["LAI CHÂU", "2024-H1", "Tổng số lớp", "2"],  # same school, same indicator
        ]
    )
    result = bulk(data)
    problem = only_error(result)
    assert (problem.row, problem.code) == (4, "classes_total")
    assert "row 2" in problem.message_en
    assert len(result.rows) == 2


def test_bulk_missing_header_is_an_error() -> None:
    problem = only_error(bulk(csv_bytes([["school", "period", "value"], ["A", "2024-H1", "1"]])))
    assert "school, period, indicator, value" in problem.message_en
    assert problem.message_en.endswith("missing: indicator.")
    assert problem.message_vi.endswith("thiếu cột: chỉ tiêu.")


def test_bulk_refuses_files_like_uploads_do() -> None:
    problem = only_error(bulk(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "a.xls"))
    assert ".xls" in problem.message_en
    rows: list[list[object]] = [["school", "period", "indicator", "value"]]
    rows += [["A", "2024-H1", "classes_total", "1"]] * MAX_BULK_ROWS
    assert "rows" in only_error(bulk(csv_bytes(rows))).message_en


# --- Timings -------------------------------------------------------------------------------


def big_catalogue(size: int = 150) -> Catalogue:
    sections = tuple(
        SectionSpec(f"s{number}", f"Nhóm {number}", f"Section {number}", number)
        for number in range(5)
    )
    indicators = tuple(
        IndicatorSpec(
            f"ind_{number:03d}",
            f"Chỉ tiêu số {number} về đào tạo bồi dưỡng",
            f"Indicator number {number}",
            "class",
            f"s{number % 5}",
            number,
        )
        for number in range(size)
    )
    return Catalogue(version=2024, sections=sections, indicators=indicators)


def test_one_school_template_of_150_indicators_reads_back_every_value() -> None:
    """Its speed is measured by `make bench` (bench/upload.py), not asserted here."""
    catalogue = big_catalogue()
    values = {indicator.code: indicator.order * 13 for indicator in catalogue.indicators}
    data = build_template_xlsx(
        catalogue=catalogue, school_name=SCHOOL, period_code=PERIOD, values=values
    )
    result = parse_values_upload(data=data, filename="t.xlsx", catalogue=catalogue)
    assert result.errors == [] and result.values == values


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_bulk_63_schools_read_back_every_row(kind: str) -> None:
    """Its speed is measured by `make bench` (bench/upload.py), not asserted here."""
    catalogue = big_catalogue()
    rows: list[list[object]] = [["school", "period", "indicator", "value"]]
    for school in range(63):
        for indicator in catalogue.indicators:
            rows.append(
                [
                    f"Trường Chính trị tỉnh số {school}",
                    "2024-H1",
                    indicator.code,
                    f"{school * 1000 + indicator.order:,}".replace(",", "."),
                ]
            )
    data = csv_bytes(rows) if kind == "csv" else simple_xlsx(rows)
    result = parse_bulk_upload(
        data=data, filename=f"bulk.{kind}", catalogues_by_year=lambda year: catalogue
    )
    assert result.errors == []
    assert len(result.rows) == 63 * 150
    expected = [school * 1000 + i.order for school in range(63) for i in catalogue.indicators]
    assert [row.value for row in result.rows] == expected


def test_bulk_row_with_more_fields_than_its_header_is_refused_with_its_row() -> None:
    data = (
        b"school,period,indicator,value\r\n"
        b"laocai,2024-H1,projects_province,2\r\n"
        b"laocai,2024-H1,classes_total,1,5\r\n"
    )
    parsed = parse_bulk_upload(
        data=data, filename="bulk.csv", catalogues_by_year=lambda year: make_catalogue()
    )
    assert [(p.row, p.column) for p in parsed.errors] == [(3, "E")]
    assert "5 ô nhưng dòng tiêu đề chỉ có 4 cột" in parsed.errors[0].message_vi
    assert "classes_total" not in {row.code for row in parsed.rows}


def test_wide_row_with_more_fields_than_its_header_is_refused() -> None:
    data = csv_bytes([["classes_total", "learners_total"], ["1", "5", "793"]])
    result = parse(data, filename="ngang.csv")
    assert [(p.row, p.column) for p in result.errors] == [(2, "C")]
    assert result.values == {}
