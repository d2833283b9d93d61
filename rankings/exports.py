"""The XLSX exports of the rankings' reads, shared by the pages' and the API's
``?export=xlsx``: each `*_export` gives the workbook's tables and its file name
(the edges only wrap them in a response). Numbers stay numbers; labels are in the
current language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from catalogue.spec import Catalogue
from core.language import pick
from rankings.build import LIGHT_THRESHOLDS, Table, table_xlsx
from rankings.models import ScoringScheme
from rankings.selectors import (
    Comparison,
    Leaderboard,
    Names,
    Scorecard,
    compared_indicators,
    criteria_out,
    indicator_label,
    light_label,
    note_text,
    scheme_label,
    scorecard_rows,
    state_label,
)

__all__ = [
    "Export",
    "comparison_export",
    "leaderboard_export",
    "ranking_export",
    "scheme_export",
    "scorecard_export",
    "trend_export",
]


@dataclass(frozen=True)
class Export:
    tables: list[Table]
    filename: str  # without the extension; the edges slugify it

    def content(self) -> bytes:
        return table_xlsx(self.tables)


def ranking_export(*, data: Mapping[str, Any], payload: Mapping[str, Any], names: Names) -> Export:
    """The ranking as shown (`rankings.selectors.ranking_payload`): its rows, its order."""
    stored = {row["school"]: row for row in data["rows"]}
    title = _("Bảng xếp hạng %(period)s") % {"period": payload["period"]}
    if payload["scope"] == "cluster":
        title += f" – {payload['cluster_name']}"
    table = ranking_table(
        data=data,
        rows=[stored[row["school"]] for row in payload["rows"]],
        scope=payload["scope"],
        title=title,
        names=names,
    )
    return Export([table], f"xep-hang-{payload['period']}-{payload['cluster'] or 'toan-quoc'}")


def comparison_export(*, comparison: Comparison, period: Period, names: Names) -> Export:
    table = comparison_table(
        data=comparison.data,
        title=_("So sánh các cụm %(period)s") % {"period": period.code},
        names=names,
        catalogue=catalogue_for_year(period.year),
    )
    return Export([table], f"so-sanh-cum-{period.code}")


def leaderboard_export(*, board: Leaderboard, names: Names) -> Export:
    table = leaderboard_table(rows=board.rows, title=f"{board.label} – {board.period}", names=names)
    return Export([table], f"chi-tieu-{board.code}-{board.period}")


def scorecard_export(*, card: Scorecard, period: Period, school: str, names: Names) -> Export:
    title = f"{names.school(school)} – {period.code}"
    table = scorecard_table(data=card.data, row=card.row, title=title)
    return Export([table], f"phieu-diem-{school}-{period.code}")


def trend_export(*, points: Sequence[Mapping[str, Any]], school: str, names: Names) -> Export:
    title = _("Xu hướng xếp hạng: %(school)s") % {"school": names.school(school)}
    return Export([trend_table(points=points, title=title)], f"xu-huong-{school}")


def scheme_export(*, scheme: ScoringScheme) -> Export:
    return Export([scheme_table(scheme=scheme)], f"bang-diem-{scheme.year}")


def scheme_notes(data: Mapping[str, Any]) -> list[str]:
    scheme = data["scheme"]
    notes = [
        _("Bảng điểm: %(label)s (phiên bản %(version)s)")
        % {"label": scheme_label(scheme), "version": scheme["version"]}
    ]
    if scheme.get("is_example"):
        notes.append(_("VÍ DỤ – không phải bảng điểm chính thức của Học viện."))
    notes.append(_("Trường chưa có số liệu không được xếp hạng (không tính là 0 điểm)."))
    return notes


def ranking_table(
    *,
    data: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    scope: str,
    title: str,
    names: Names,
) -> Table:
    """``rows``: the stored rows shown (`rankings.selectors.ranking_rows`)."""
    criteria = criteria_out(data)
    columns = [
        _("Hạng"),
        _("Trường"),
        _("Cụm"),
        _("Điểm tổng hợp"),
        _("Trạng thái số liệu"),
        *[f"{criterion['label']} ({_('điểm')})" for criterion in criteria],
        _("Hạng toàn quốc"),
        _("Hạng trong cụm"),
        _("Ghi chú"),
    ]
    table_rows = []
    for row in rows:
        contributions = row["contributions"] or {}
        table_rows.append(
            [
                row["rank_cluster"] if scope == "cluster" else row["rank_national"],
                names.school(row["school"]),
                names.cluster(row.get("cluster")),
                row["score"],
                state_label(row["data_state"]),
                *[contributions.get(criterion["code"]) for criterion in criteria],
                row["rank_national"],
                row["rank_cluster"],
                "; ".join(note_text(note) for note in row.get("notes", [])),
            ]
        )
    return Table(
        title=title,
        columns=columns,
        rows=table_rows,
        notes=scheme_notes(data),
        sheet=_("Xếp hạng"),
    )


def comparison_table(
    *, data: Mapping[str, Any], title: str, names: Names, catalogue: Catalogue
) -> Table:
    clusters = data.get("clusters", [])
    codes = compared_indicators(data)
    columns = [
        _("Hạng"),
        _("Cụm"),
        _("Số trường"),
        _("Được xếp hạng"),
        _("Chưa có số liệu"),
        _("Điểm trung bình"),
        _("Điểm cao nhất"),
        _("Điểm thấp nhất"),
    ]
    for code in codes:
        label = indicator_label(catalogue, code)
        columns += [f"{label}: {_('tổng')}", f"{label}: {_('bình quân mỗi trường')}"]
    rows = []
    for item in clusters:
        row = [
            item["rank"],
            names.cluster(item["cluster"]),
            item["schools"],
            item["ranked"],
            item["missing"],
            item["score_mean"],
            item["score_best"],
            item["score_lowest"],
        ]
        for code in codes:
            row += [item["totals"].get(code), item["averages"].get(code)]
        rows.append(row)
    return Table(
        title=title,
        columns=columns,
        rows=rows,
        notes=[
            *scheme_notes(data),
            _("Bình quân mỗi trường: tổng chia cho số trường có báo cáo chỉ tiêu đó."),
        ],
        sheet=_("So sánh cụm"),
    )


def leaderboard_table(*, rows: Sequence[Mapping[str, Any]], title: str, names: Names) -> Table:
    return Table(
        title=title,
        columns=[
            _("Hạng toàn quốc"),
            _("Trường"),
            _("Cụm"),
            _("Giá trị"),
            _("Hạng trong cụm"),
            _("Trạng thái số liệu"),
        ],
        rows=[
            [
                row["rank_national"],
                names.school(row["school"]),
                names.cluster(row.get("cluster")),
                row["value"],
                row["rank_cluster"],
                state_label(row["data_state"]),
            ]
            for row in rows
        ],
        notes=[_("Trường chưa có số liệu được liệt kê cuối bảng, không xếp hạng.")],
        sheet=_("Chỉ tiêu"),
    )


def scorecard_table(*, data: Mapping[str, Any], row: Mapping[str, Any], title: str) -> Table:
    green, amber = LIGHT_THRESHOLDS
    return Table(
        title=title,
        columns=[
            _("Tiêu chí"),
            _("Trọng số (%)"),
            _("Giá trị"),
            _("Điểm (0–100)"),
            _("Đóng góp vào điểm tổng hợp"),
            _("Đèn"),
            _("Ghi chú"),
        ],
        rows=[
            [
                item["label"],
                round(item["weight_share"] * 100, 2),
                item["raw"],
                item["points"],
                item["contribution"],
                light_label(item["light"]),
                "; ".join(item["notes"]),
            ]
            for item in scorecard_rows(data, row)
        ],
        notes=[
            *scheme_notes(data),
            _("Đèn xanh: từ %(green)s điểm; vàng: từ %(amber)s điểm; đỏ: dưới %(amber)s điểm.")
            % {"green": int(green), "amber": int(amber)},
        ],
        sheet=_("Phiếu điểm"),
    )


def trend_table(*, points: Sequence[Mapping[str, Any]], title: str) -> Table:
    return Table(
        title=title,
        columns=[
            _("Kỳ"),
            _("Trường"),
            _("Điểm tổng hợp"),
            _("Hạng toàn quốc"),
            _("Số trường được xếp hạng"),
            _("Hạng trong cụm"),
            _("Số trường của cụm được xếp hạng"),
            _("Trạng thái số liệu"),
            _("Phiên bản bảng điểm"),
        ],
        rows=[
            [
                point["period"],
                point.get("school_name", ""),
                point["score"],
                point["rank_national"],
                point["ranked_national"],
                point["rank_cluster"],
                point["ranked_cluster"],
                state_label(point["data_state"]),
                point["scheme_version"],
            ]
            for point in points
        ],
        sheet=_("Xu hướng"),
    )


def scheme_table(*, scheme: ScoringScheme) -> Table:
    rows = []
    criteria = list(scheme.criteria.all())
    total = sum(row.weight for row in criteria) or 1.0
    for row in criteria:
        rows.append(
            [
                row.code,
                pick(row.label_vi, row.label_en),
                row.numerator,
                row.denominator or row.denominator_constant,
                row.weight,
                round(100 * row.weight / total, 2),
                row.direction,
                row.normalisation,
                row.cap,
                row.scale,
            ]
        )
    return Table(
        title=pick(scheme.label_vi, scheme.label_en),
        columns=[
            _("Mã"),
            _("Tiêu chí"),
            _("Tử số"),
            _("Mẫu số"),
            _("Trọng số"),
            _("Trọng số (%)"),
            _("Chiều"),
            _("Chuẩn hóa"),
            _("Mức trần"),
            _("Hệ số"),
        ],
        rows=rows,
        notes=[_("Phiên bản %(version)s") % {"version": scheme.version}],
        sheet=_("Bảng điểm"),
    )
