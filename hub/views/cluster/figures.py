"""The cluster's figures on the board: total tiles, the per-school table, the full
table, the declared figures, the findings, the charts' inputs; and the lead's choice
of basis.

One rule: every cell is read from the stored snapshot with
`catalogue.rollup.column_figures`, so a "Cả cụm" cell is the sum of exactly the
column above it, and says so ("≥ 37 (2 trường chưa đủ)") when some school's figure
is partial or missing. A partial school figure shows as "≥ 8" with the blank parts
named; unknown shows as "–" ("chưa có số liệu"), never as 0. Figures the cluster's
report declared (snapshot ``declared``) are listed in their own rows, never as a
column's total."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aggregation.models import Basis
from aggregation.services import cluster_basis_set
from catalogue.rollup import ClusterFigure, Figure, column_figures
from catalogue.spec import HEADLINE_TOTALS, Catalogue
from core.formatting import format_number
from core.language import current_language, pick
from hub.charts.board import (
    YearOnYear,
    direction,
    outputs_chart,
    pct_text,
    school_bars_chart,
    yoy_chart,
    yoy_items,
)
from hub.http import HubRequest
from hub.views.cluster.board import BoardRow
from hub.views.cluster.common import BASIS_LABELS, lead_only, open_viewer, page_url
from hub.views.submissions import FINDING_KIND_LABELS as SCHOOL_FINDING_LABELS
from tenants.models import School

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FINDING_KIND_LABELS: dict[str, StrOrPromise] = {
    "sum_mismatch": gettext_lazy("Tổng không khớp"),
    "part_exceeds_whole": gettext_lazy("Phần lớn hơn tổng"),
    "learners_below_classes": gettext_lazy("Học viên ít hơn lớp"),
    "declared_mismatch": gettext_lazy("Khác số đã công bố"),
}
# The per-school table's columns: (key, short label, indicator codes summed). A
# column whose codes the year's catalogue does not have is left out of the table.
CLASSES, LEARNERS = "training.classes", "training.learners"
THESES, ARTICLES = "theses", "articles"
PROJECTS, CONFERENCES = "research.projects", "research.conferences"
SUMMARY_COLUMNS: tuple[tuple[str, StrOrPromise, tuple[str, ...]], ...] = (
    (CLASSES, gettext_lazy("Lớp"), (CLASSES,)),
    (LEARNERS, gettext_lazy("Học viên"), (LEARNERS,)),
    (THESES, gettext_lazy("Khóa luận"), (THESES,)),
    (ARTICLES, gettext_lazy("Bài viết"), (ARTICLES,)),
    (PROJECTS, gettext_lazy("Đề tài"), (PROJECTS,)),
    ("research.schemes", gettext_lazy("Đề án"), ("research.schemes",)),
    (CONFERENCES, gettext_lazy("Hội thảo"), (CONFERENCES,)),
    ("research.seminars", gettext_lazy("Tọa đàm"), ("research.seminars",)),
    ("publications", gettext_lazy("Ấn phẩm"), ()),
)
# The headline tiles (issue 11): classes, learners, theses, articles, research
# projects, conferences.
TILE_KEYS = (*HEADLINE_TOTALS, PROJECTS, CONFERENCES)
# The research and publication chart's stacked segments.
OUTPUT_GROUPS: tuple[tuple[str, StrOrPromise, tuple[str, ...]], ...] = (
    ("projects", gettext_lazy("Đề tài"), (PROJECTS,)),
    ("schemes", gettext_lazy("Đề án"), ("research.schemes",)),
    ("events", gettext_lazy("Hội thảo, tọa đàm"), (CONFERENCES, "research.seminars")),
    ("publications", gettext_lazy("Ấn phẩm"), ()),
)
YOY_LIMIT = 10
DASH = "–"


def _label(catalogue: Catalogue, code: str) -> str:
    spec = catalogue.by_code.get(code)
    if spec is None:
        return code
    return pick(spec.label_vi, spec.label_en)


def _publication_codes(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple(
        spec.code
        for spec in catalogue.indicators
        if spec.section == "publications" and not spec.parent and spec.code != ARTICLES
    )


def _codes_of(key: str, codes: tuple[str, ...], catalogue: Catalogue) -> tuple[str, ...]:
    return _publication_codes(catalogue) if key == "publications" else codes


def _in_catalogue(key: str, codes: tuple[str, ...], catalogue: Catalogue) -> bool:
    return bool(_codes_of(key, codes, catalogue)) and all(
        code in catalogue.by_code for code in _codes_of(key, codes, catalogue)
    )


def _number(value: int) -> str:
    return format_number(value, current_language())


@dataclass(frozen=True)
class Cell:
    """One shown figure: ``text`` as displayed, ``note`` why it is not a plain number
    (a tooltip and a small note), ``value`` the number it stands for (None: unknown)."""

    value: int | None
    text: str
    state: str
    note: str = ""

    @property
    def partial(self) -> bool:
        return self.state == "partial"


def school_cell(figure: Figure, catalogue: Catalogue) -> Cell:
    """A school's figure: "12", "≥ 8" (parts missing, named in the note), or "–"."""
    if figure.value is not None and figure.state == "partial":
        parts = ", ".join(_label(catalogue, code) for code in figure.missing)
        return Cell(
            figure.value,
            f"≥ {_number(figure.value)}",
            "partial",
            _("Chưa đủ số liệu, còn thiếu: %(parts)s") % {"parts": parts}
            if parts
            else _("Chưa đủ số liệu"),
        )
    if figure.value is not None:
        return Cell(figure.value, _number(figure.value), figure.state)
    if figure.state == "not_applicable":
        return Cell(None, DASH, figure.state, _("không áp dụng"))
    if figure.state == "not_reported":
        return Cell(None, DASH, figure.state, _("không có số liệu"))
    return Cell(None, DASH, figure.state, _("chưa có số liệu"))


def short_count(count: int) -> str:
    """ "2 trường chưa đủ" / "2 schools incomplete"."""
    if count == 1:
        return _("1 trường chưa đủ")
    return _("%(count)s trường chưa đủ") % {"count": count}


def cluster_cell(figure: ClusterFigure, names: Mapping[str, str]) -> Cell:
    """The cluster's figure: the sum of the column; "≥ 37 (2 trường chưa đủ)" when
    some school is partial or missing; "–" when no school has a value."""
    short = [*figure.partial, *figure.missing, *figure.not_reported]
    if figure.value is None:
        note = _("không áp dụng") if figure.state == "not_applicable" else _("chưa có số liệu")
        return Cell(None, DASH, figure.state, note)
    if figure.state == "partial":
        who = ", ".join(names.get(slug, slug) for slug in short)
        return Cell(
            figure.value,
            f"≥ {_number(figure.value)} ({short_count(len(short))})",
            "partial",
            _("Ít nhất %(value)s: tổng của cột, còn thiếu số liệu của %(schools)s")
            % {"value": _number(figure.value), "schools": who},
        )
    return Cell(figure.value, _number(figure.value), figure.state)


@dataclass
class SchoolFigures:
    slug: str
    name: str
    short_name: str
    role: str
    values: dict[str, int | None]
    summary: list[Cell] = field(default_factory=list)
    outputs: list[int | None] = field(default_factory=list)


def _rows(snapshot: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    return list((snapshot or {}).get("schools", []))


def _column(
    snapshot: Mapping[str, Any] | None, codes: Iterable[str]
) -> tuple[dict[str, Figure], ClusterFigure]:
    return column_figures(_rows(snapshot), codes)


def shown_columns(
    catalogue: Catalogue,
) -> list[tuple[str, StrOrPromise, tuple[str, ...]]]:
    """The summary columns the year's catalogue has, with their codes."""
    return [
        (key, short, _codes_of(key, codes, catalogue))
        for key, short, codes in SUMMARY_COLUMNS
        if _in_catalogue(key, codes, catalogue)
    ]


def school_figures(
    snapshot: Mapping[str, Any], schools: Mapping[str, School], catalogue: Catalogue
) -> list[SchoolFigures]:
    """Each school's row of the summary table (and the charts), read with the roll-up."""
    columns = [_column(snapshot, codes)[0] for _key, _short, codes in shown_columns(catalogue)]
    outputs = [
        _column(snapshot, _codes_of(key, codes, catalogue))[0] for key, _l, codes in OUTPUT_GROUPS
    ]
    rows = []
    for entry in _rows(snapshot):
        slug = entry["school"]
        school = schools.get(slug)
        rows.append(
            SchoolFigures(
                slug=slug,
                name=school.name_vi if school else slug,
                short_name=(school.short_name or school.name_vi) if school else slug,
                role=entry.get("role", "member"),
                values=dict(entry.get("values", {})),
                summary=[school_cell(column[slug], catalogue) for column in columns],
                outputs=[column[slug].value for column in outputs],
            )
        )
    return rows


def summary_columns(catalogue: Catalogue) -> list[dict[str, Any]]:
    columns = []
    for key, short, codes in shown_columns(catalogue):
        full = (
            _("Ấn phẩm (kỷ yếu, bản tin, sách, bài báo, tài liệu)")
            if key == "publications"
            else _label(catalogue, codes[0])
        )
        columns.append({"key": key, "short": short, "title": full})
    return columns


def school_names(
    snapshot: Mapping[str, Any] | None, schools: Mapping[str, School]
) -> dict[str, str]:
    return {
        row["school"]: (
            (schools[row["school"]].short_name or schools[row["school"]].name_vi)
            if row["school"] in schools
            else row["school"]
        )
        for row in _rows(snapshot)
    }


def summary_totals(
    snapshot: Mapping[str, Any], catalogue: Catalogue, names: Mapping[str, str] | None = None
) -> list[Cell]:
    """The "Cả cụm" row: each column's sum, with the roll-up's state."""
    return [
        cluster_cell(_column(snapshot, codes)[1], names or {})
        for _key, _short, codes in shown_columns(catalogue)
    ]


def total_tiles(
    snapshot: Mapping[str, Any],
    catalogue: Catalogue,
    names: Mapping[str, str] | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """The headline tiles, each the sum of its column of the per-school table."""
    yoy: Mapping[str, Mapping[str, Any]] = snapshot.get("yoy", {})
    columns = {key: (short, codes) for key, short, codes in SUMMARY_COLUMNS}
    tiles = []
    for key in TILE_KEYS:
        short, codes = columns[key]
        if not _in_catalogue(key, codes, catalogue):
            tiles.append(
                {
                    "key": key,
                    "label": short,
                    "title": short,
                    "cell": Cell(
                        None,
                        DASH,
                        "absent",
                        _("không có trong danh mục năm %(year)s")
                        % {"year": year or snapshot.get("year", "")},
                    ),
                    "change": "",
                    "direction": "",
                }
            )
            continue
        change = yoy.get(key)
        cell = cluster_cell(_column(snapshot, codes)[1], names or {})
        tiles.append(
            {
                "key": key,
                "label": short,
                "title": _label(catalogue, codes[0]),
                "cell": cell,
                "change": pct_text(change.get("change_pct")) if change else "",
                "direction": direction(change.get("change", 0)) if change else "",
            }
        )
    return tiles


def full_table(
    snapshot: Mapping[str, Any],
    figures: Sequence[SchoolFigures],
    catalogue: Catalogue,
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every indicator with a figure: its cluster figure (the sum of the row's
    school cells), then each school's cell."""
    totals: Mapping[str, int] = snapshot.get("totals", {})
    present = set(totals) | {code for row in figures for code, v in row.values.items() if v}
    known = [spec for spec in catalogue.indicators if spec.code in present]
    unknown = sorted(present - {spec.code for spec in known})

    def depth(code: str) -> int:
        level, spec = 0, catalogue.by_code.get(code)
        while spec is not None and spec.parent and level < 4:
            level += 1
            spec = catalogue.by_code.get(spec.parent)
        return level

    lines = []
    for code in [spec.code for spec in known] + unknown:
        per_school, cluster = _column(snapshot, [code])
        lines.append(
            {
                "code": code,
                "label": _label(catalogue, code),
                "depth": depth(code),
                "total": cluster_cell(cluster, names or {}),
                "values": [school_cell(per_school[row.slug], catalogue) for row in figures],
            }
        )
    return lines


def declared_rows(
    snapshot: Mapping[str, Any] | None,
    catalogue: Catalogue,
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The figures the cluster's report declared for the cluster as a whole, each
    beside the figure computed from the schools and the gap between them."""
    lines = []
    for code, entry in ((snapshot or {}).get("declared") or {}).items():
        value = entry.get("value") if isinstance(entry, Mapping) else entry
        if value is None:
            continue
        computed = cluster_cell(_column(snapshot, [code])[1], names or {})
        # A gap against a lower bound would be no gap at all: only against a complete sum.
        gap = (
            int(value) - computed.value
            if computed.value is not None and computed.state == "complete"
            else None
        )
        lines.append(
            {
                "code": code,
                "label": _label(catalogue, code),
                "declared": _number(int(value)),
                "source": entry.get("source", "") if isinstance(entry, Mapping) else "",
                "computed": computed,
                "gap": (("+" if gap > 0 else "") + _number(gap))
                if gap
                else ("0" if gap == 0 else DASH),
            }
        )
    return lines


def year_on_year(snapshot: Mapping[str, Any], catalogue: Catalogue) -> list[YearOnYear]:
    """The cluster's top-level totals (and classes, learners) against a year earlier."""
    yoy: Mapping[str, Mapping[str, Any]] = snapshot.get("yoy", {})
    codes = [
        spec.code
        for spec in catalogue.indicators
        if spec.code in yoy and (not spec.parent or spec.code in (CLASSES, LEARNERS))
    ][:YOY_LIMIT]
    return yoy_items(yoy, codes, {code: _label(catalogue, code) for code in codes})


def charts(
    snapshot: Mapping[str, Any] | None, figures: Sequence[SchoolFigures], catalogue: Catalogue
) -> dict[str, Any]:
    """The board's three charts (`hub.charts.board`), or None each when nothing to draw."""
    panels = [(code, title) for code, title, _codes in SUMMARY_COLUMNS[:2]]
    groups = [(key, name) for key, name, _codes in OUTPUT_GROUPS]
    return {
        "school_chart": school_bars_chart(figures, panels) if figures else None,
        "outputs_chart": outputs_chart(figures, groups) if figures else None,
        "yoy_chart": yoy_chart(
            year_on_year(snapshot, catalogue), snapshot.get("previous_period", "")
        )
        if snapshot
        else None,
    }


def findings_view(
    snapshot: Mapping[str, Any] | None, rows: Sequence[BoardRow]
) -> list[dict[str, Any]]:
    """The findings in the current language, grouped by school in board order: each
    school's open findings as its own page and the API list them (the board rows'
    `finding_items`, from `aggregation.selectors.open_findings`); the declared cluster
    figures' findings (the snapshot's, scope "cluster") come last."""
    language = current_language()
    groups: list[dict[str, Any]] = [
        {
            "slug": row.slug,
            "school": row.school.name_vi,
            "items": [
                {
                    "kind": finding.kind,
                    "kind_label": SCHOOL_FINDING_LABELS.get(finding.kind, finding.kind),
                    "code": finding.code,
                    "message": finding.message(language),
                }
                for finding in row.finding_items
            ],
        }
        for row in rows
        if row.finding_items
    ]
    cluster = [
        {
            "kind": finding.get("kind", ""),
            "kind_label": FINDING_KIND_LABELS.get(finding.get("kind", ""), finding.get("kind")),
            "code": finding.get("code", ""),
            "message": pick(finding.get("message_vi", ""), finding.get("message_en"), language),
        }
        for finding in (snapshot or {}).get("findings", [])
        if finding.get("scope", "school") != "school"
    ]
    if cluster:
        groups.append({"slug": None, "school": None, "items": cluster})
    return groups


@require_POST
def cluster_basis_page(request: HubRequest, cluster_slug: str, period_code: str) -> HttpResponse:
    """Which figures count: submitted and accepted, or accepted only (the lead only)."""
    viewer = open_viewer(request, cluster_slug, period_code)
    lead_only(viewer)
    basis = request.POST.get("basis", "")
    if basis not in Basis.values:
        return HttpResponseBadRequest(_("Cơ sở số liệu không hợp lệ: %(basis)s") % {"basis": basis})
    cluster_basis_set(cluster=viewer.cluster, period=viewer.period, basis=basis)
    messages.success(
        request, _("Số liệu của cụm từ nay tính: %(basis)s.") % {"basis": BASIS_LABELS[basis]}
    )
    return redirect(page_url(viewer, "figures"))
