"""The whole report as a layout-neutral model, rendered alike by the DOCX, PDF and
HTML builders: header block, title, subject, body paragraphs, recipients, signature
block, and the annex tables."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import combinations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.pdfbase.pdfmetrics import stringWidth

from catalogue.rollup import ClusterFigure, Figure
from catalogue.spec import IndicatorSpec
from core.formatting import (
    format_count,
    format_date,
    format_date_line,
    format_datetime,
    format_number,
)

from .context import ReportContext, in_report_language
from .prose import Paragraph, build_paragraphs, sorted_scoring, subject_line

# Header block geometry shared by the DOCX and PDF builders (cm, pt).
HEADER_LEFT_CM = 8.6
# The header table runs 0.5 cm into each side margin (as Word templates for Party
# documents do) so the place/date line fits on one line.
HEADER_WIDTH_CM = 17.5
HEADER_BLOCK_PT = 13
PARTY_PT = 15
SUBJECT_PT = 14
TEXT_WIDTH_CM = 21 - 3 - 1.5
ANNEX_WIDTH_CM = 29.7 - 2 - 2
_CM = 72 / 2.54
# Indicator columns per annex table (landscape A4 holds about eight).
ANNEX_COLUMNS_PER_TABLE = 8
MISSING = "–"
ISSUER_SEPARATOR = "*"


# The gettext context (msgctxt) of the words whose English in a report differs from
# the pages' ("Nội dung" is a finding here, a narrative on the pages).
REPORT_CONTEXT = "report"


def in_document(message: str) -> str:
    """`message` as a report says it: gettext in the "report" context."""
    return pgettext(REPORT_CONTEXT, message)


def status_labels() -> dict[str, str]:
    """Submission status code -> its label, in the active language."""
    not_submitted = _("Chưa nộp")
    return {
        "draft": _("Đang nhập"),
        "submitted": _("Đã nộp"),
        "accepted": _("Đã tiếp nhận"),
        "approved": _("Đã duyệt"),
        "returned": in_document("Trả lại để sửa"),
        "reopened": _("Mở lại để sửa"),
        "missing": not_submitted,
        "not_started": not_submitted,
        "none": not_submitted,
    }


def role_labels() -> dict[str, str]:
    """Cluster roles as the tenants package stores them -> the annex's label."""
    return {
        "lead": in_document("Cụm trưởng"),
        "standing_deputy": in_document("Cụm phó thường trực"),
        "deputy": in_document("Cụm phó"),
        "member": "",
    }


@dataclass(frozen=True)
class AnnexTable:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # The last row is a totals row (shown in bold).
    has_total_row: bool
    # Per column: right-aligned numbers or left-aligned text.
    numeric: tuple[bool, ...]
    # Relative column widths.
    widths: tuple[float, ...]
    # Indicator codes of the columns, for the record (empty for non-figure tables).
    codes: tuple[str, ...] = ()
    # The column that takes spare width, and how wide it may grow (cm; None: no cap).
    flex_column: int = 1
    flex_max: float | None = 10.0

    def fitted_widths(self, available_cm: float) -> list[float]:
        return fit_widths(list(self.widths), available_cm, self.flex_column, self.flex_max)


def fit_widths(
    widths: list[float], available: float, flex: int = 1, flex_max: float | None = None
) -> list[float]:
    """Column widths (cm) that fit `available`: shrunk in proportion when too wide,
    otherwise the flex column takes the spare width up to `flex_max` (the table may
    then stay narrower than the page)."""
    total = sum(widths)
    if total >= available:
        return [w * available / total for w in widths]
    fitted = list(widths)
    grow = available - total
    if flex_max is not None:
        grow = min(grow, max(flex_max - fitted[flex], 0.0))
    fitted[flex] += grow
    return fitted


@dataclass(frozen=True)
class ReportDocument:
    language: str
    parent_body: str
    issuer: str
    # The same, broken into balanced lines for the header block's left column.
    parent_body_lines: tuple[str, ...]
    issuer_lines: tuple[str, ...]
    separator: str
    number_line: str
    party_line: str
    party_pt: float
    date_line: str
    title: str
    subject: str
    subject_lines: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    recipients_label: str
    recipients: tuple[str, ...]
    signer_lines: tuple[str, ...]
    signer_name: str
    annex_title: str
    annex_subtitle: str
    tables: tuple[AnnexTable, ...]
    annex_notes: tuple[str, ...]
    fingerprint: str


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """NFC (precomposed Vietnamese letters, which every font here has) without the
    control characters that XML (DOCX, XLSX, the PDF's markup) cannot carry."""
    return _ILLEGAL_XML.sub("", unicodedata.normalize("NFC", text))


def text_width_pt(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` in Times (= Times New Roman = Liberation Serif metrics), with the
    Vietnamese marks stripped so the built-in metrics can measure it."""
    base = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in base if not unicodedata.combining(ch))
    plain = plain.encode("latin-1", "replace").decode("latin-1")
    return stringWidth(plain, "Times-Bold" if bold else "Times-Roman", size)


def balanced_lines(text: str, width_pt: float, size: float, bold: bool = False) -> tuple[str, ...]:
    """Break `text` into the fewest lines that fit `width_pt`, as even as possible,
    preferring breaks after a comma ("... KHU VỰC MIỀN NÚI, / BIÊN GIỚI PHÍA BẮC")."""
    words = text.split()
    if len(words) <= 1 or text_width_pt(text, size, bold) <= width_pt:
        return (text,)
    if len(words) > 24:
        return (text,)

    def width(chunk: list[str]) -> float:
        return text_width_pt(" ".join(chunk), size, bold)

    for count in range(2, min(len(words), 6) + 1):
        best: tuple[float, list[str]] | None = None
        for cuts in combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = [words[bounds[i] : bounds[i + 1]] for i in range(count)]
            widths = [width(line) for line in lines]
            if max(widths) > width_pt:
                continue
            bonus = sum(0.35 * width_pt for line in lines[:-1] if line[-1].endswith(","))
            score = max(widths) - min(widths) - bonus
            if best is None or score < best[0]:
                best = (score, [" ".join(line) for line in lines])
        if best is not None:
            return tuple(best[1])
    return (text,)


def role_label(role: str) -> str:
    """A school's cluster role in the active language ("" for a plain member)."""
    key = role.strip().lower().replace(" ", "_").replace("-", "_")
    return role_labels().get(key, "")


@in_report_language
def default_recipients(ctx: ReportContext) -> tuple[str, ...]:
    return (
        _("%(academy)s (Vụ Các trường chính trị)") % {"academy": ctx.academy},
        _("Các trường trong Cụm thi đua"),
        _("Lưu: VT"),
    )


def _recipient_lines(ctx: ReportContext) -> tuple[str, ...]:
    names = [r.strip().rstrip(".;,") for r in (ctx.recipients or default_recipients(ctx))]
    names = [n.removeprefix("-").strip() for n in names if n]
    return tuple(f"- {name}{'.' if i == len(names) - 1 else ','}" for i, name in enumerate(names))


def _signer_lines(ctx: ReportContext) -> tuple[str, ...]:
    capacity = ctx.signer_capacity or _("T/M CỤM THI ĐUA")
    title = ctx.signer_title or in_document("CỤM TRƯỞNG")
    school = ctx.school_display_name(ctx.signer_school or ctx.lead_school_name)
    return (capacity.upper(), title.upper(), school)


def _count_cell(value: int | None, language: str) -> str:
    return MISSING if value is None else format_count(value, language, leading_zero=False)


def _school_cell(ctx: ReportContext, name: str, role: str) -> str:
    label = role_label(role)
    return f"{name} ({label})" if label else name


def _numbered_header(*columns: str) -> tuple[str, ...]:
    return (in_document("TT"), in_document("Trường"), *columns)


def figure_cell(figure: Figure | ClusterFigure, language: str) -> str:
    """A shown figure: the count, "≥ 8" for a lower bound (some parts or schools
    short of figures), "–" when unknown (never 0)."""
    if figure.value is None:
        return MISSING
    count = format_count(figure.value, language, leading_zero=False)
    return f"≥ {count}" if figure.state == "partial" else count


def label_of(ctx: ReportContext, code: str) -> str:
    spec = ctx.catalogue.by_code.get(code)
    return ctx.pick(spec.label_vi, spec.label_en) if spec is not None else code


def partial_note(ctx: ReportContext, code: str, figure: ClusterFigure) -> str:
    """Why a total is a lower bound: "ít nhất 37, 2 trường chưa đủ số liệu (A, B)"."""
    short = [*figure.partial, *figure.missing, *figure.not_reported]
    return _(
        "“%(indicator)s”: Tổng cộng %(value)s là số tối thiểu (tổng của cột), "
        "%(count)s trường chưa đủ số liệu: %(schools)s."
    ) % {
        "indicator": label_of(ctx, code),
        "value": figure_cell(figure, ctx.language),
        "count": len(short),
        "schools": ", ".join(ctx.school_display_name(name) for name in short),
    }


def figure_specs(ctx: ReportContext, section: str) -> list[IndicatorSpec]:
    """A section's indicators that some school has a figure for (partial included)."""
    return [
        spec
        for spec in ctx.catalogue.indicators
        if spec.section == section
        and any(ctx.figure_of(school, spec.code).value is not None for school in ctx.schools)
    ]


@in_report_language
def figures_tables(ctx: ReportContext) -> list[AnnexTable]:
    """Per school × indicator, one table per catalogue section (split into parts of
    `ANNEX_COLUMNS_PER_TABLE` columns), each with a totals row: the sum of the column
    above (`ReportContext.figure`), "≥ n" when some school is short of figures (the
    reason in the annex notes, `figures_notes`). Indicators that no school reported
    are left out (the XLSX keeps them all); figures only the cluster declared are in
    their own table (`declared_table`)."""
    tables = []
    section_number = 0
    for section in sorted(ctx.catalogue.sections, key=lambda s: s.order):
        specs = figure_specs(ctx, section.code)
        if not specs:
            continue
        section_number += 1
        label = ctx.pick(section.label_vi, section.label_en)
        chunks = [
            specs[i : i + ANNEX_COLUMNS_PER_TABLE]
            for i in range(0, len(specs), ANNEX_COLUMNS_PER_TABLE)
        ]
        for part, chunk in enumerate(chunks):
            caption = _("Bảng 1.%(number)s. %(section)s") % {
                "number": section_number,
                "section": label,
            }
            if part:
                caption += _(" (tiếp theo)")
            header = _numbered_header(*(ctx.pick(spec.label_vi, spec.label_en) for spec in chunk))
            rows = [
                (
                    str(index),
                    _school_cell(ctx, ctx.name_of(school), school.role),
                    *(
                        figure_cell(ctx.figure_of(school, spec.code), ctx.language)
                        for spec in chunk
                    ),
                )
                for index, school in enumerate(ctx.schools, start=1)
            ]
            rows.append(
                (
                    "",
                    _("Tổng cộng"),
                    *(figure_cell(ctx.figure(spec.code), ctx.language) for spec in chunk),
                )
            )
            tables.append(
                AnnexTable(
                    caption=caption,
                    header=header,
                    rows=tuple(rows),
                    has_total_row=True,
                    numeric=(False, False, *([True] * len(chunk))),
                    widths=(0.9, 6.5, *([2.3] * len(chunk))),
                    codes=tuple(spec.code for spec in chunk),
                )
            )
    return tables


@in_report_language
def figures_notes(ctx: ReportContext) -> list[str]:
    """One note per total of the annex tables that is a lower bound, saying why."""
    notes = []
    for table in figures_tables(ctx):
        for code in table.codes:
            figure = ctx.figure(code)
            if figure.state == "partial" and figure.value is not None:
                notes.append(partial_note(ctx, code, figure))
    return list(dict.fromkeys(notes))


@in_report_language
def declared_table(ctx: ReportContext) -> AnnexTable | None:
    """The figures the cluster's report declared for the cluster as a whole, in their
    own labelled rows, each beside the sum of the schools' figures and the gap."""
    if not ctx.declared:
        return None
    codes = [spec.code for spec in ctx.catalogue.indicators if spec.code in ctx.declared]
    codes += sorted(code for code in ctx.declared if code not in ctx.catalogue.by_code)
    rows = []
    for index, code in enumerate(codes, start=1):
        stated = ctx.declared[code]
        assert stated is not None
        computed = ctx.figure(code)
        gap = (
            format_number(stated - computed.value, ctx.language)
            if computed.value is not None and computed.state == "complete"
            else MISSING
        )
        rows.append(
            (
                str(index),
                label_of(ctx, code),
                format_count(stated, ctx.language, leading_zero=False),
                figure_cell(computed, ctx.language),
                gap,
            )
        )
    return AnnexTable(
        caption=_("Bảng 1.%(number)s. Số liệu do báo cáo cụm công bố, không chia theo trường")
        % {"number": len({t.caption.split(".")[1] for t in figures_tables(ctx)}) + 1},
        header=(
            in_document("TT"),
            _("Chỉ tiêu"),
            _("Cụm công bố"),
            _("Tổng hợp từ các trường"),
            _("Chênh lệch"),
        ),
        rows=tuple(rows),
        has_total_row=False,
        numeric=(False, False, True, True, True),
        widths=(0.9, 10.0, 3.0, 3.5, 2.5),
        codes=tuple(codes),
        flex_max=13.0,
    )


def status_label(status: str) -> str:
    """A submission status in the active language (free text is shown as given)."""
    return status_labels().get(status.strip().lower(), status)


@in_report_language
def completeness_table(ctx: ReportContext) -> AnnexTable | None:
    if not ctx.completeness:
        return None
    rows = tuple(
        (
            str(index),
            ctx.school_display_name(row.school),
            status_label(row.status),
            # format_datetime shows the stored moment in the hub's time zone.
            format_datetime(row.submitted_at, ctx.language) if row.submitted_at else MISSING,
            in_document("Có") if row.late else "",
        )
        for index, row in enumerate(ctx.completeness, start=1)
    )
    return AnnexTable(
        caption=_("Bảng 2. Tình hình nộp số liệu của các trường"),
        header=_numbered_header(_("Tình trạng"), _("Thời điểm nộp"), _("Nộp muộn")),
        rows=rows,
        has_total_row=False,
        numeric=(False, False, False, False, False),
        widths=(0.9, 8.0, 4.0, 4.0, 2.2),
        flex_max=11.0,
    )


@in_report_language
def findings_table(ctx: ReportContext) -> AnnexTable | None:
    if not ctx.findings:
        return None
    cluster = _("Toàn Cụm")
    rows = tuple(
        (
            str(index),
            ctx.school_display_name(row.school) if row.school else cluster,
            row.message,
        )
        for index, row in enumerate(ctx.findings, start=1)
    )
    return AnnexTable(
        caption=_("Bảng 3. Những điểm cần rà soát, đối chiếu số liệu"),
        header=_numbered_header(in_document("Nội dung")),
        rows=rows,
        has_total_row=False,
        numeric=(False, False, False),
        widths=(0.9, 7.5, 12.0),
        flex_column=2,
        flex_max=None,
    )


@in_report_language
def scoring_table(ctx: ReportContext) -> AnnexTable | None:
    if not ctx.scoring:
        return None
    rows = tuple(
        (
            str(row.rank) if row.rank is not None else MISSING,
            ctx.school_display_name(row.school),
            format_number(row.score, ctx.language) if row.score is not None else MISSING,
        )
        for row in sorted_scoring(ctx)
    )
    return AnnexTable(
        caption=_("Bảng 4. Kết quả chấm điểm, xếp hạng"),
        header=(in_document("Xếp hạng"), in_document("Trường"), in_document("Điểm")),
        rows=rows,
        has_total_row=False,
        numeric=(True, False, True),
        widths=(1.8, 9.0, 2.5),
        flex_max=11.0,
    )


@in_report_language
def compose(ctx: ReportContext) -> ReportDocument:
    tables = figures_tables(ctx)
    for table in (
        declared_table(ctx),
        completeness_table(ctx),
        findings_table(ctx),
        scoring_table(ctx),
    ):
        if table is not None:
            tables.append(table)
    number = ctx.document_number
    parent_body, issuer = ctx.academy.upper(), ctx.cluster_name.upper()
    # Cell padding (about 0.4 cm) and a margin for metric differences.
    header_width = (HEADER_LEFT_CM - 0.4) * _CM * 0.95
    right_width = (HEADER_WIDTH_CM - HEADER_LEFT_CM - 0.4) * _CM * 0.95
    party_line = _("ĐẢNG CỘNG SẢN VIỆT NAM")
    subject = subject_line(ctx)
    notes = figures_notes(ctx)
    if not ctx.findings:
        notes.append(_("Không có điểm bất thường về số liệu trong kỳ."))
    if ctx.fingerprint:
        notes.append(_("Mã dữ liệu: %(fingerprint)s") % {"fingerprint": ctx.fingerprint})
    return ReportDocument(
        language=ctx.language,
        parent_body=parent_body,
        issuer=issuer,
        parent_body_lines=balanced_lines(parent_body, header_width, HEADER_BLOCK_PT),
        issuer_lines=balanced_lines(issuer, header_width, HEADER_BLOCK_PT, bold=True),
        separator=ISSUER_SEPARATOR,
        number_line=_("Số %(number)s") % {"number": number},
        party_line=party_line,
        party_pt=PARTY_PT if text_width_pt(party_line, PARTY_PT, bold=True) <= right_width else 14,
        date_line=format_date_line(ctx.lead_school_province, ctx.issue_date, ctx.language),
        title=_("BÁO CÁO"),
        subject=subject,
        subject_lines=balanced_lines(subject, TEXT_WIDTH_CM * _CM * 0.95, SUBJECT_PT, bold=True),
        paragraphs=tuple(build_paragraphs(ctx)),
        recipients_label=_("Nơi nhận:"),
        recipients=_recipient_lines(ctx),
        signer_lines=_signer_lines(ctx),
        signer_name=ctx.signer_name,
        annex_title=_("PHỤ LỤC"),
        annex_subtitle=_("(Kèm theo Báo cáo số %(number)s ngày %(date)s của %(cluster)s)")
        % {
            "number": number,
            "date": format_date(ctx.issue_date, ctx.language),
            "cluster": ctx.cluster_name,
        },
        tables=tuple(tables),
        annex_notes=tuple(notes),
        fingerprint=ctx.fingerprint,
    )
