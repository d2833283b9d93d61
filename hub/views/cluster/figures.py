"""The cluster's figures on the board: total tiles, the per-school table, the full
table, the findings, the charts' inputs; and the lead's choice of basis.

`group_value` is the one roll-up these views use (a total nobody gave is read from
its parts); it is to be replaced by the catalogue's roll-up rule in one place."""

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
from catalogue.spec import Catalogue
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
from hub.views.cluster.common import BASIS_LABELS, lead_only, open_viewer, page_url
from tenants.models import School

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FINDING_KIND_LABELS: dict[str, StrOrPromise] = {
    "sum_mismatch": gettext_lazy("Tổng không khớp"),
    "part_exceeds_whole": gettext_lazy("Phần lớn hơn tổng"),
    "learners_below_classes": gettext_lazy("Học viên ít hơn lớp"),
    "declared_mismatch": gettext_lazy("Khác số đã công bố"),
}
# The per-school table's columns: (key, short label, indicator codes summed).
CLASSES, LEARNERS = "training.classes", "training.learners"
SUMMARY_COLUMNS: tuple[tuple[str, StrOrPromise, tuple[str, ...]], ...] = (
    (CLASSES, gettext_lazy("Lớp"), (CLASSES,)),
    (LEARNERS, gettext_lazy("Học viên"), (LEARNERS,)),
    ("research.projects", gettext_lazy("Đề tài"), ("research.projects",)),
    ("research.schemes", gettext_lazy("Đề án"), ("research.schemes",)),
    ("research.conferences", gettext_lazy("Hội thảo"), ("research.conferences",)),
    ("research.seminars", gettext_lazy("Tọa đàm"), ("research.seminars",)),
    ("publications", gettext_lazy("Ấn phẩm"), ()),
)
# The research and publication chart's stacked segments.
OUTPUT_GROUPS: tuple[tuple[str, StrOrPromise, tuple[str, ...]], ...] = (
    ("projects", gettext_lazy("Đề tài"), ("research.projects",)),
    ("schemes", gettext_lazy("Đề án"), ("research.schemes",)),
    ("events", gettext_lazy("Hội thảo, tọa đàm"), ("research.conferences", "research.seminars")),
    ("publications", gettext_lazy("Ấn phẩm"), ()),
)
YOY_LIMIT = 10


def _label(catalogue: Catalogue, code: str) -> str:
    spec = catalogue.by_code.get(code)
    if spec is None:
        return code
    return pick(spec.label_vi, spec.label_en)


def _publication_codes(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple(
        spec.code
        for spec in catalogue.indicators
        if spec.section == "publications" and not spec.parent
    )


def _codes_of(key: str, codes: tuple[str, ...], catalogue: Catalogue) -> tuple[str, ...]:
    return _publication_codes(catalogue) if key == "publications" else codes


def group_value(
    values: Mapping[str, int | None], codes: Iterable[str], catalogue: Catalogue
) -> int | None:
    """The sum of some indicators; a total nobody gave is read from its parts.

    The board's one roll-up: every tile, column and chart here goes through it."""
    total: int | None = None
    for code in codes:
        value = values.get(code)
        if value is None:
            splits = catalogue.splits.get(code, {})
            parts = next(iter(splits.values()), [])
            present = [values.get(p.code) for p in parts if values.get(p.code) is not None]
            value = sum(v for v in present if v is not None) if present else None
        if value is not None:
            total = (total or 0) + value
    return total


def group_values(
    values: Mapping[str, int | None],
    groups: Sequence[tuple[str, Any, tuple[str, ...]]],
    catalogue: Catalogue,
) -> list[int | None]:
    return [
        group_value(values, _codes_of(key, codes, catalogue), catalogue)
        for key, _l, codes in groups
    ]


@dataclass
class SchoolFigures:
    slug: str
    name: str
    short_name: str
    role: str
    values: dict[str, int | None]
    summary: list[int | None] = field(default_factory=list)
    outputs: list[int | None] = field(default_factory=list)


def school_figures(
    snapshot: Mapping[str, Any], schools: Mapping[str, School], catalogue: Catalogue
) -> list[SchoolFigures]:
    rows = []
    for entry in snapshot.get("schools", []):
        school = schools.get(entry["school"])
        values = dict(entry.get("values", {}))
        rows.append(
            SchoolFigures(
                slug=entry["school"],
                name=school.name_vi if school else entry["school"],
                short_name=(school.short_name or school.name_vi) if school else entry["school"],
                role=entry.get("role", "member"),
                values=values,
                summary=group_values(values, SUMMARY_COLUMNS, catalogue),
                outputs=group_values(values, OUTPUT_GROUPS, catalogue),
            )
        )
    return rows


def summary_columns(catalogue: Catalogue) -> list[dict[str, Any]]:
    columns = []
    for key, short, codes in SUMMARY_COLUMNS:
        full = (
            _("Ấn phẩm (kỷ yếu, bản tin, sách, bài báo, tài liệu)")
            if key == "publications"
            else _label(catalogue, codes[0])
        )
        columns.append({"key": key, "short": short, "title": full})
    return columns


def summary_totals(snapshot: Mapping[str, Any], catalogue: Catalogue) -> list[int | None]:
    return group_values(snapshot.get("totals", {}), SUMMARY_COLUMNS, catalogue)


def total_tiles(snapshot: Mapping[str, Any], catalogue: Catalogue) -> list[dict[str, Any]]:
    totals: Mapping[str, int] = snapshot.get("totals", {})
    yoy: Mapping[str, Mapping[str, Any]] = snapshot.get("yoy", {})
    titles = {column["key"]: column["title"] for column in summary_columns(catalogue)}
    tiles = []
    for key, short, codes in SUMMARY_COLUMNS:
        if key == "research.schemes":
            continue
        change = yoy.get(key)
        tiles.append(
            {
                "key": key,
                "label": short,
                "title": titles[key],
                "value": group_value(totals, _codes_of(key, codes, catalogue), catalogue),
                "change": pct_text(change.get("change_pct")) if change else "",
                "direction": direction(change.get("change", 0)) if change else "",
            }
        )
    return tiles


def full_table(
    snapshot: Mapping[str, Any], figures: Sequence[SchoolFigures], catalogue: Catalogue
) -> list[dict[str, Any]]:
    """Every indicator with a figure: its total, then each school's value."""
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

    return [
        {
            "code": code,
            "label": _label(catalogue, code),
            "depth": depth(code),
            "total": totals.get(code),
            "values": [row.values.get(code) for row in figures],
        }
        for code in [spec.code for spec in known] + unknown
    ]


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
    snapshot: Mapping[str, Any] | None, schools: Mapping[str, School]
) -> list[dict[str, Any]]:
    """The snapshot's findings in the current language, grouped by school in board
    order; the declared cluster figures' findings come last."""
    key = "message_en" if current_language() == "en" else "message_vi"
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for finding in (snapshot or {}).get("findings", []):
        slug = finding.get("school") if finding.get("scope", "school") == "school" else None
        groups.setdefault(slug, []).append(
            {
                "kind": finding.get("kind", ""),
                "kind_label": FINDING_KIND_LABELS.get(finding.get("kind", ""), finding.get("kind")),
                "code": finding.get("code", ""),
                "message": finding.get(key) or finding.get("message_vi", ""),
            }
        )
    order: list[str | None] = [slug for slug in schools if slug in groups]
    order += [slug for slug in groups if slug is not None and slug not in schools]
    if None in groups:
        order.append(None)
    return [
        {
            "slug": slug,
            "school": schools[slug].name_vi if slug is not None and slug in schools else slug,
            "items": groups[slug],
        }
        for slug in order
    ]


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
