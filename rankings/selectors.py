"""Reads of rankings: the one set the department's pages and the API both call.

Each read takes the viewer's `rankings.access.RankingAccess` and applies the rule
there (filtering rows, refusing with core.errors), so that a page and its API twin
cannot disagree: `ranking_payload`, `leaderboard_view`, `comparison_view`,
`scorecard_view`, `trend_view`, `scheme_dict`. Labels are in the current language
(core.language, gettext); the XLSX tables of these reads are in `rankings.exports`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aggregation.models import Basis
from aggregation.selectors import (
    facts_frame_for_period,
    facts_marker,
    marks_for_period,
    members_frame,
)
from aggregation.transforms import period_sort_key
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from catalogue.spec import Catalogue
from core.errors import DomainError, ForbiddenError, NotFoundError
from core.language import current_language, pick
from rankings.access import (
    RankingAccess,
    User,
    department_access,
    ranking_access,
    require_view,
)
from rankings.build import (
    explain_row,
    indicator_leaderboard,
    ranking_inputs,
    scheme_from_dict,
    traffic_light,
)
from rankings.models import Ranking, RankingVisibility, ScoringScheme
from rankings.scoring import Scheme, rank_trend
from tenants.models import Cluster, ClusterMembership, School, SchoolLineage
from tenants.selectors import predecessors_of

SCOPES = ("national", "cluster")
# Dropped from cluster names where space is short (tables, menus, charts).
CLUSTER_PREFIXES = (
    "cụm thi đua các trường chính trị khu vực",
    "cụm thi đua các trường chính trị",
    "cụm thi đua",
)
# The indicator a leaderboard opens on when none is chosen.
DEFAULT_LEADERBOARD_CODE = "training.learners"


# --------------------------------------------------------------------------- lookups


def ranking_latest(*, period: Period) -> Ranking | None:
    return Ranking.objects.filter(period=period).order_by("-computed_at", "-pk").first()


def scheme_for_year(*, year: int) -> ScoringScheme | None:
    return ScoringScheme.objects.filter(year=year).prefetch_related("criteria").first()


def schemes_list() -> list[ScoringScheme]:
    return list(ScoringScheme.objects.prefetch_related("criteria"))


def visibility_of(*, period: Period) -> bool:
    return RankingVisibility.objects.filter(period=period, open_to_schools=True).exists()


def periods_all() -> list[Period]:
    """Every period, newest year first (the pages' menus)."""
    return list(Period.objects.order_by("-year", "kind"))


def periods_of_year(*, year: int) -> list[Period]:
    return list(Period.objects.filter(year=year).order_by("kind"))


def clusters_visible(*, year: int, access: RankingAccess, names: Names) -> list[dict[str, str]]:
    """The clusters of a year the viewer may open, for the pages' menus."""
    slugs = (
        Cluster.objects.filter(memberships__year=year)
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    return [
        {"slug": slug, "name": names.cluster_short(slug), "full_name": names.cluster(slug)}
        for slug in slugs
        if access.can_see_cluster(slug)
    ]


def own_clusters_by_year(*, access: RankingAccess) -> dict[int, list[dict[str, str]]]:
    """For a school's user: each year's cluster(s) of their school(s)."""
    out: dict[int, list[dict[str, str]]] = {}
    if not access.own_schools:
        return out
    memberships = ClusterMembership.objects.filter(
        school__schema_name__in=access.own_schools
    ).select_related("cluster", "school")
    for membership in memberships:
        out.setdefault(membership.year, []).append(
            {
                "slug": membership.cluster.slug,
                "name": pick(membership.cluster.name_vi, membership.cluster.name_en),
                "school": membership.school.schema_name,
            }
        )
    return out


@dataclass(frozen=True)
class Succession:
    """A merged school's successor, and from when (`tenants.models.SchoolLineage`)."""

    successor: str
    effective_from: dt.date
    effective_label: str


@dataclass(frozen=True)
class Names:
    schools: dict[str, str]
    short: dict[str, str]
    clusters: dict[str, tuple[str, str]]
    # Each merged school's successor, keyed by the merged school's code.
    successions: dict[str, Succession] = field(default_factory=dict)

    def school(self, slug: str | None) -> str:
        return self.schools.get(slug or "", slug or "")

    def school_short(self, slug: str | None) -> str:
        return self.short.get(slug or "", slug or "")

    def cluster(self, slug: str | None) -> str:
        if not slug:
            return ""
        vi, en = self.clusters.get(slug, (slug, slug))
        return pick(vi, en)

    def cluster_short(self, slug: str | None) -> str:
        """ "miền núi, biên giới phía Bắc" for "Cụm thi đua các trường chính trị khu vực
        miền núi, biên giới phía Bắc": what tables and menus have room for."""
        name = self.cluster(slug)
        for prefix in CLUSTER_PREFIXES:
            if name.lower().startswith(prefix):
                short = name[len(prefix) :].strip()
                return short[:1].upper() + short[1:] if short else name
        return name


def names() -> Names:
    """Schools' and clusters' names, and each merged school's successor (read in the
    same query: a school has at most one successor)."""
    schools = {}
    short = {}
    successions: dict[str, Succession] = {}
    for (
        slug,
        name,
        short_name,
        successor,
        effective_from,
        label,
    ) in School.objects.schools().values_list(
        "schema_name",
        "name_vi",
        "short_name",
        "successions__successor__schema_name",
        "successions__effective_from",
        "successions__effective_label",
    ):
        schools[slug] = name
        short[slug] = short_name or name
        if successor:
            successions[slug] = Succession(successor, effective_from, label)
    clusters = {
        slug: (vi, en or vi)
        for slug, vi, en in Cluster.objects.values_list("slug", "name_vi", "name_en")
    }
    return Names(schools, short, clusters, successions)


def school_exists(slug: str) -> bool:
    return School.objects.filter(schema_name=slug).exists()


def cluster_exists(slug: str) -> bool:
    return Cluster.objects.filter(slug=slug).exists()


# --------------------------------------------------------------------------- labels

STATE_LABELS = {
    "accepted": gettext_lazy("Đã chấp nhận"),
    "submitted": gettext_lazy("Mới gửi, chưa chấp nhận"),
    "missing": gettext_lazy("Chưa có số liệu"),
}
LIGHT_LABELS = {
    "green": gettext_lazy("Tốt"),
    "amber": gettext_lazy("Trung bình"),
    "red": gettext_lazy("Thấp"),
    "none": gettext_lazy("Không có số liệu"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def light_label(light: str) -> str:
    return str(LIGHT_LABELS.get(light, light))


def indicator_label(catalogue: Catalogue, code: str) -> str:
    spec = catalogue.by_code.get(code)
    if spec is None:
        return code
    return pick(spec.label_vi, spec.label_en)


def note_text(note: Mapping[str, Any]) -> str:
    """A stored note's sentence in the current language (notes keep both)."""
    return pick(note.get("vi") or "", note.get("en"))


def scheme_label(scheme: Mapping[str, Any]) -> str:
    """The label of a scheme as stored in a ranking's data."""
    return pick(scheme["label"], scheme.get("label_en"))


# --------------------------------------------------------------------------- rankings


@dataclass(frozen=True)
class RankingRead:
    """What readers get: the newest ranking, the year's scheme, and whether a newer
    ranking is on its way (`rankings.services.ranking_obtain`)."""

    ranking: Ranking | None
    scheme: ScoringScheme | None
    stale: bool


def no_ranking_error(read: RankingRead, period: Period) -> NotFoundError:
    if read.scheme is None:
        return NotFoundError(
            _("Năm %(year)s chưa có bảng điểm: Vụ cần tạo bảng điểm trước khi xếp hạng.")
            % {"year": period.year}
        )
    return NotFoundError(_("Chưa có bảng xếp hạng cho kỳ %(code)s.") % {"code": period.code})


def require_scope(*, scope: str, cluster: str | None, access: RankingAccess) -> None:
    """The checks of a ranking's scope, before anything is read: a known scope, a
    cluster that exists and that the viewer may see."""
    require_view(access)
    if scope not in SCOPES:
        raise DomainError(_("Phạm vi không hợp lệ: %(scope)s") % {"scope": scope})
    if scope == "cluster":
        if not cluster:
            raise NotFoundError(_("Hãy chọn một cụm."))
        if not cluster_exists(cluster):
            raise NotFoundError(_("Không có cụm %(cluster)s.") % {"cluster": cluster})
        if not access.can_see_cluster(cluster):
            raise ForbiddenError(
                _("Bạn chỉ xem được bảng xếp hạng của cụm mình (trừ khi Vụ cho phép).")
            )


def ranking_payload(
    *,
    read: RankingRead,
    period: Period,
    scope: str,
    cluster: str | None,
    access: RankingAccess,
    names: Names,
) -> dict[str, Any]:
    """A ranking as the API returns it and the pages show it (raises Forbidden/NotFound).
    The caller has checked the scope with `require_scope` before reading the ranking
    (a refused viewer must not cause a computation); the rows are filtered here."""
    require_view(access)
    if scope not in SCOPES:
        raise DomainError(_("Phạm vi không hợp lệ: %(scope)s") % {"scope": scope})
    ranking = read.ranking
    if ranking is None:
        raise no_ranking_error(read, period)
    data = ranking.data
    rows, restricted = ranking_rows(data=data, scope=scope, cluster=cluster, access=access)
    scheme = data["scheme"]
    scheme_used = stored_scheme(data)
    return {
        "period": period.code,
        "scope": scope,
        "cluster": cluster if scope == "cluster" else None,
        "cluster_name": names.cluster(cluster) if scope == "cluster" else None,
        "scheme_year": scheme["year"],
        "scheme_version": ranking.scheme_version,
        "scheme_label": scheme_label(scheme),
        "is_example": bool(scheme.get("is_example")),
        "basis": ranking.basis,
        "fingerprint": ranking.fingerprint,
        "computed_at": ranking.computed_at.isoformat(),
        "stale": read.stale,
        "current_scheme_version": read.scheme.version if read.scheme else None,
        "restricted": restricted,
        "open_to_schools": access.open_to_schools,
        # A cluster's page counts the cluster's schools, not the nation's.
        "counts": row_counts(rows) if scope == "cluster" else data.get("counts", {}),
        "criteria": criteria_out(data),
        "rows": [
            row_out(
                row,
                scope=scope,
                names=names,
                scheme=scheme_used,
                succession=succession_in(names.successions, school=row["school"], period=period),
            )
            for row in rows
        ],
    }


def ranking_rows(
    *, data: Mapping[str, Any], scope: str, cluster: str | None, access: RankingAccess
) -> tuple[list[dict[str, Any]], bool]:
    """The stored rows a viewer may see in a scope, ordered by the scope's rank; and
    whether the view is restricted (a school's own row only). Raises ForbiddenError."""
    require_view(access)
    rows: list[dict[str, Any]] = list(data.get("rows", []))
    if scope == "cluster":
        if not access.can_see_cluster(cluster):
            raise ForbiddenError(
                _("Bạn chỉ xem được bảng xếp hạng của cụm mình (trừ khi Vụ cho phép).")
            )
        rows = [row for row in rows if row.get("cluster") == cluster]
        rows.sort(key=cluster_order)
        return rows, False
    if access.sees_all:
        return rows, False
    return [row for row in rows if row["school"] in access.own_schools], True


def row_counts(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """How many schools, ranked, missing, submitted-only (as the ranking's "counts")."""
    listed = list(rows)
    return {
        "schools": len(listed),
        "ranked": sum(1 for row in listed if row["score"] is not None),
        "missing": sum(1 for row in listed if row["data_state"] == "missing"),
        "submitted": sum(1 for row in listed if row["data_state"] == "submitted"),
    }


def cluster_order(row: Mapping[str, Any]) -> tuple[bool, int, str]:
    return (row["rank_cluster"] is None, row["rank_cluster"] or 0, row["school"])


def row_out(
    row: Mapping[str, Any],
    *,
    scope: str,
    names: Names,
    scheme: Scheme,
    succession: Succession | None = None,
) -> dict[str, Any]:
    """A ranking row as the API and the pages give it (contract: school, rank, score,
    data_state, contributions). ``scheme``: the one the ranking was computed with
    (`stored_scheme`), which the explanation's sentences are written from.
    ``succession``: the school's merger into another, when the row's period precedes it
    (`succession_in`): the row then carries a note naming the successor."""
    notes = [
        {
            "criterion": note.get("criterion"),
            "reason": note.get("reason"),
            "text": note_text(note),
        }
        for note in row.get("notes", [])
    ]
    if succession is not None:
        notes.append(
            {
                "criterion": None,
                "reason": "merged",
                "text": succession_text(succession, names),
            }
        )
    return {
        "school": row["school"],
        "school_name": names.school(row["school"]),
        "cluster": row.get("cluster"),
        "cluster_name": names.cluster(row.get("cluster")),
        "cluster_short": names.cluster_short(row.get("cluster")),
        "rank": row["rank_cluster"] if scope == "cluster" else row["rank_national"],
        "rank_national": row["rank_national"],
        "rank_cluster": row["rank_cluster"],
        "score": row["score"],
        "data_state": row["data_state"],
        "state_label": state_label(row["data_state"]),
        # A school without figures has no points at all: an empty mapping, not zeros.
        "contributions": row["contributions"] or {},
        "points": row["points"] or {},
        "raw": row["raw"] or {},
        "inputs": row.get("inputs") or {},
        "successor": succession.successor if succession else None,
        "notes": notes,
        "explanation": explain_row(row, scheme, current_language()),
    }


def stored_scheme(data: Mapping[str, Any]) -> Scheme:
    """The scheme as it was when the ranking was computed (kept in its data)."""
    return scheme_from_dict(data["scheme"])


def criteria_out(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {**criterion, "label": pick(criterion["label_vi"], criterion.get("label_en"))}
        for criterion in data["scheme"]["criteria"]
    ]


# --------------------------------------------------------------------------- leaderboards


def leaderboard_read(*, period: Period, code: str, basis: str) -> list[dict[str, Any]]:
    """One indicator's leaderboard over the period's current facts (cached per marker)."""
    catalogue = catalogue_for_year(period.year)
    spec = catalogue.by_code.get(code)
    if spec is None:
        raise NotFoundError(_("Không có chỉ tiêu %(code)s.") % {"code": code})
    marker = facts_marker(period=period)
    key = f"leaderboard:{period.code}:{basis}:{code}:{marker}"
    rows = cache.get(key)
    if rows is None:
        values, state, clusters, _derived = ranking_inputs(
            facts=facts_frame_for_period(period=period),
            members=members_frame(year=period.year),
            catalogue=catalogue,
            period=period.code,
            basis=basis,
            marks=marks_for_period(period=period, basis=basis),  # type: ignore[arg-type]
        )
        rows = indicator_leaderboard(
            values=values,
            data_state=state,
            clusters=clusters,
            code=code,
            higher_is_better=spec.higher_is_better,
        )
        cache.set(key, rows, timeout=3600)
    return rows


def leaderboard_codes(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(code, label) of every indicator a leaderboard can be built for."""
    return [(spec.code, pick(spec.label_vi, spec.label_en)) for spec in catalogue.indicators]


@dataclass(frozen=True)
class Leaderboard:
    period: str
    code: str
    label: str
    basis: str
    cluster: str | None
    restricted: bool
    rows: list[dict[str, Any]]


def leaderboard_view(
    *, period: Period, code: str, cluster: str | None, access: RankingAccess, names: Names
) -> Leaderboard:
    """One indicator's leaderboard as the viewer may see it: a cluster's (every row,
    when they may see that cluster) or the national one (own schools' rows only for a
    school's user, unless the period is open to schools)."""
    require_view(access)
    catalogue = catalogue_for_year(period.year)
    if code not in catalogue:
        raise NotFoundError(_("Không có chỉ tiêu %(code)s.") % {"code": code})
    if cluster:
        require_scope(scope="cluster", cluster=cluster, access=access)
    scheme = scheme_for_year(year=period.year)
    basis = scheme.basis if scheme else Basis.SUBMITTED
    rows = leaderboard_read(period=period, code=code, basis=basis)
    restricted = False
    if cluster:
        rows = sorted((row for row in rows if row["cluster"] == cluster), key=cluster_order)
    elif not access.sees_all:
        rows = [row for row in rows if row["school"] in access.own_schools]
        restricted = True
    return Leaderboard(
        period=period.code,
        code=code,
        label=indicator_label(catalogue, code),
        basis=str(basis),
        cluster=cluster,
        restricted=restricted,
        rows=[
            {
                **row,
                "rank": row["rank_cluster"] if cluster else row["rank_national"],
                "school_name": names.school(row["school"]),
                "cluster_name": names.cluster(row.get("cluster")),
                "cluster_short": names.cluster_short(row.get("cluster")),
                "state_label": state_label(row["data_state"]),
            }
            for row in rows
        ],
    )


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Comparison:
    ranking: Ranking
    stale: bool
    restricted: bool
    data: dict[str, Any]  # the ranking's data with the clusters the viewer may see
    clusters: list[dict[str, Any]]
    indicators: list[tuple[str, str]]  # (code, label), in the stored order


def comparison_view(
    *, read: RankingRead, period: Period, access: RankingAccess, names: Names
) -> Comparison:
    """Cluster against cluster: every cluster for the department (or when the period
    is open to schools), a school's own cluster(s) otherwise."""
    require_view(access)
    if read.ranking is None:
        raise no_ranking_error(read, period)
    data = dict(read.ranking.data)
    clusters = list(data.get("clusters", []))
    restricted = not access.sees_all
    if restricted:
        clusters = [item for item in clusters if item["cluster"] in access.own_clusters]
    data["clusters"] = clusters
    catalogue = catalogue_for_year(period.year)
    codes = compared_indicators(data)
    return Comparison(
        ranking=read.ranking,
        stale=read.stale,
        restricted=restricted,
        data=data,
        clusters=[
            {
                **item,
                "cluster_name": names.cluster(item["cluster"]),
                "cluster_short": names.cluster_short(item["cluster"]),
            }
            for item in clusters
        ],
        indicators=[(code, indicator_label(catalogue, code)) for code in codes],
    )


def compared_indicators(data: Mapping[str, Any]) -> list[str]:
    """The indicators of the cluster comparison, in their stored order."""
    if data.get("compared_indicators"):
        return list(data["compared_indicators"])
    clusters = data.get("clusters", [])
    return sorted(clusters[0]["totals"]) if clusters else []


# --------------------------------------------------------------------------- scorecards


@dataclass(frozen=True)
class Scorecard:
    ranking: Ranking
    stale: bool
    data: Mapping[str, Any]
    row: Mapping[str, Any]  # the stored row
    items: list[dict[str, Any]]  # one per criterion (`scorecard_rows`)


def scorecard_view(
    *, read: RankingRead, period: Period, school: str, access: RankingAccess
) -> Scorecard:
    """One school's scorecard, for those who may see that school's row."""
    require_view(access)
    if read.ranking is None:
        raise no_ranking_error(read, period)
    data = read.ranking.data
    row = next((item for item in data["rows"] if item["school"] == school), None)
    if row is None:
        if not access.sees_all and school not in access.own_schools:
            raise ForbiddenError(_("Bạn không xem được phiếu điểm của trường này."))
        raise NotFoundError(
            _("Trường %(school)s không có trong bảng xếp hạng.") % {"school": school}
        )
    if not access.can_see_school(school, row.get("cluster")):
        raise ForbiddenError(_("Bạn không xem được phiếu điểm của trường này."))
    return Scorecard(
        ranking=read.ranking,
        stale=read.stale,
        data=data,
        row=row,
        items=scorecard_rows(data, row),
    )


def scorecard_rows(data: Mapping[str, Any], row: Mapping[str, Any]) -> list[dict[str, Any]]:
    notes_by: dict[str, list[str]] = {}
    for note in row.get("notes", []):
        if note.get("criterion"):
            notes_by.setdefault(note["criterion"], []).append(note_text(note))
    out = []
    for criterion in criteria_out(data):
        code = criterion["code"]
        out.append(
            {
                "code": code,
                "label": criterion["label"],
                "weight_share": criterion["weight_share"],
                "normalisation": criterion["normalisation"],
                "direction": criterion["direction"],
                "raw": (row.get("raw") or {}).get(code),
                "points": (row.get("points") or {}).get(code),
                "contribution": (row.get("contributions") or {}).get(code),
                "light": traffic_light(row, code),
                "notes": notes_by.get(code, []),
            }
        )
    return out


# --------------------------------------------------------------------------- trends


def latest_rankings(*, periods: Iterable[Period] | None = None) -> dict[str, Ranking]:
    """The newest ranking of each period (one query, PostgreSQL DISTINCT ON)."""
    query = Ranking.objects.select_related("period").order_by("period_id", "-computed_at", "-pk")
    if periods is not None:
        query = query.filter(period__in=list(periods))
    return {ranking.period.code: ranking for ranking in query.distinct("period_id")}


# Where each kind of period ends (month, day): a merger effective from a date takes the
# periods ending before it as its predecessors' history.
PERIOD_ENDS = {
    "Q1": (3, 31),
    "Q2": (6, 30),
    "H1": (6, 30),
    "Q3": (9, 30),
    "Q4": (12, 31),
    "Y": (12, 31),
}


STATE_WEAKNESS = {"accepted": 0, "submitted": 1, "missing": 2}


def period_end(period: Period) -> dt.date:
    month, day = PERIOD_ENDS.get(period.kind, (12, 31))
    return dt.date(period.year, month, day)


def before_merger(period: Period, lineage: SchoolLineage | Succession) -> bool:
    """Whether the period's figures are the predecessor's own (ended before the merger)."""
    return period_end(period) < lineage.effective_from


def succession_in(
    successions: Mapping[str, Succession], *, school: str, period: Period
) -> Succession | None:
    """The school's merger when `period` precedes it (its row then names its successor)."""
    lineage = successions.get(school)
    if lineage is None or not before_merger(period, lineage):
        return None
    return lineage


def succession_text(lineage: Succession, names: Names) -> str:
    return _("Nay là %(successor)s (sáp nhập từ %(effective)s).") % {
        "successor": names.school(lineage.successor),
        "effective": lineage.effective_label,
    }


def predecessor_label(name: str) -> str:
    return _("%(school)s (trước sáp nhập)") % {"school": name}


def school_trend(
    *, school: str, allowed: Callable[[Period, str, str | None], bool]
) -> list[dict[str, Any]]:
    """The school's score and ranks in every period with a ranking that the viewer may
    see (``allowed(period, school_of_row, cluster_of_row)``), chronologically.

    A successor school's trend includes its predecessors' rows of the periods before
    their merger, each labelled as the predecessor's ("… (trước sáp nhập)",
    ``predecessor`` true), and, for such a period, one more point (``kind``
    "predecessors_sum"): the sum of their ranked figures (every catalogue indicator is
    a count, so figures add up; scores and ranks do not and stay empty).
    """
    rankings = latest_rankings()
    target = School.objects.filter(schema_name=school).first()
    lineages = predecessors_of(target) if target is not None else []
    who = names()
    frames: dict[str, pd.DataFrame] = {}
    found: list[tuple[str, str, SchoolLineage | None, dict[str, Any]]] = []
    for code, ranking in rankings.items():
        period = ranking.period
        rows = ranking.data.get("rows", [])
        by_school = {row["school"]: row for row in rows}
        candidates: list[tuple[str, SchoolLineage | None]] = [(school, None)]
        candidates += [
            (lineage.predecessor.schema_name, lineage)
            for lineage in lineages
            if before_merger(period, lineage)
        ]
        for slug, lineage in candidates:
            mine = by_school.get(slug)
            if mine is None or not allowed(period, slug, mine.get("cluster")):
                continue
            cluster = mine.get("cluster")
            found.append(
                (
                    code,
                    slug,
                    lineage,
                    {
                        "cluster": cluster,
                        "data_state": mine["data_state"],
                        "ranked_national": sum(1 for row in rows if row["score"] is not None),
                        "ranked_cluster": sum(
                            1
                            for row in rows
                            if row["score"] is not None and row.get("cluster") == cluster
                        ),
                        "scheme_version": ranking.scheme_version,
                        "is_example": ranking.data["scheme"].get("is_example", False),
                        "inputs": mine.get("inputs") or {},
                    },
                )
            )
            if code not in frames:
                frames[code] = pd.DataFrame(
                    {
                        "school": [row["school"] for row in rows],
                        "score": [row["score"] for row in rows],
                        "rank_national": [row["rank_national"] for row in rows],
                        "rank_cluster": [row["rank_cluster"] for row in rows],
                    }
                )
    if not frames:
        return []
    wide = rank_trend(frames)
    order = {code: position for position, code in enumerate(sorted(frames, key=period_sort_key))}
    found.sort(key=lambda item: (order[item[0]], item[2] is not None, item[1]))
    out: list[dict[str, Any]] = []
    for position, (code, slug, lineage, meta) in enumerate(found):
        score = wide.at[slug, ("score", code)]
        national = wide.at[slug, ("rank_national", code)]
        within = wide.at[slug, ("rank_cluster", code)]
        name = who.school(slug)
        out.append(
            {
                "period": code,
                "kind": "predecessor" if lineage is not None else "school",
                "school": slug,
                "school_name": predecessor_label(name) if lineage is not None else name,
                "predecessor": lineage is not None,
                "successor": lineage.successor.schema_name if lineage is not None else None,
                "effective": lineage.effective_label if lineage is not None else None,
                "lineage_note": lineage.note if lineage is not None else "",
                "illustrative": bool(lineage is not None and lineage.illustrative),
                "score": None if pd.isna(score) else float(score),
                "rank_national": None if pd.isna(national) else int(national),
                "rank_cluster": None if pd.isna(within) else int(within),
                **meta,
            }
        )
        last_of_period = position + 1 == len(found) or found[position + 1][0] != code
        if last_of_period:
            out.extend(predecessors_sum(out, code=code, school=school, names=who))
    return out


def predecessors_sum(
    points: list[dict[str, Any]], *, code: str, school: str, names: Names
) -> list[dict[str, Any]]:
    """The period's sum over the schools now `school` (its predecessors, and itself when
    it was one of the merged schools), when at least one predecessor is in the period.
    A figure is summed only when every one of those schools has it (else it is left
    out rather than understated)."""
    merged = [
        point for point in points if point["period"] == code and point["kind"] != "predecessors_sum"
    ]
    if not any(point["predecessor"] for point in merged):
        return []
    codes = sorted({key for point in merged for key in point["inputs"]})
    inputs: dict[str, float | None] = {}
    for indicator in codes:
        values = [point["inputs"].get(indicator) for point in merged]
        inputs[indicator] = None if any(v is None for v in values) else float(sum(values))
    return [
        {
            "period": code,
            "kind": "predecessors_sum",
            "school": school,
            "school_name": _("Tổng các trường nay là %(school)s (cộng số liệu)")
            % {"school": names.school(school)},
            "predecessor": True,
            "successor": school,
            "effective": next(p["effective"] for p in merged if p["predecessor"]),
            "lineage_note": "",
            "illustrative": any(point["illustrative"] for point in merged),
            "schools": [point["school"] for point in merged],
            "score": None,
            "rank_national": None,
            "rank_cluster": None,
            "cluster": None,
            # The weakest of their states: the sum is only as good as its least part.
            "data_state": max(
                (point["data_state"] for point in merged),
                key=lambda state: STATE_WEAKNESS.get(state, len(STATE_WEAKNESS)),
            ),
            "ranked_national": None,
            "ranked_cluster": None,
            "scheme_version": merged[0]["scheme_version"],
            "is_example": any(point["is_example"] for point in merged),
            "inputs": inputs,
            "figures": [
                {
                    "code": indicator,
                    "label": indicator_label(catalogue_for_year(int(code[:4])), indicator),
                    "value": value,
                }
                for indicator, value in inputs.items()
            ],
        }
    ]


def trend_view(*, user: User, school: str) -> list[dict[str, Any]]:
    """A school's rank and score across the periods whose row of it the user may see;
    refused when the user may see none of them and the school is not theirs. A
    successor's own users see its predecessors' history (their hosts carry on)."""
    base = department_access(user)
    require_view(base)
    if not school_exists(school):
        raise NotFoundError(_("Không có trường %(school)s.") % {"school": school})
    accesses: dict[int, RankingAccess] = {}

    def allowed(period: Period, row_school: str, cluster: str | None) -> bool:
        if period.pk not in accesses:
            accesses[period.pk] = ranking_access(user=user, period=period)
        access = accesses[period.pk]
        if row_school != school and school in access.own_schools:
            return True
        return access.can_see_school(row_school, cluster)

    points = school_trend(school=school, allowed=allowed)
    if not points and not (base.is_department or school in base.own_schools):
        raise ForbiddenError(_("Bạn không xem được xu hướng của trường này."))
    return [{**point, "state_label": state_label(point["data_state"])} for point in points]


# --------------------------------------------------------------------------- schemes


def scheme_dict(scheme: ScoringScheme) -> dict[str, Any]:
    """A stored scheme with its criteria and each criterion's share of the weights."""
    criteria = list(scheme.criteria.all())
    total = sum(row.weight for row in criteria) or 1.0
    return {
        "year": scheme.year,
        "version": scheme.version,
        "label_vi": scheme.label_vi,
        "label_en": scheme.label_en,
        "label": pick(scheme.label_vi, scheme.label_en),
        "is_example": scheme.is_example,
        "basis": scheme.basis,
        "description": scheme.description,
        "updated_at": scheme.updated_at.isoformat(),
        "updated_by": scheme.updated_by,
        "criteria": [
            {
                "code": row.code,
                "label_vi": row.label_vi,
                "label_en": row.label_en,
                "label": pick(row.label_vi, row.label_en),
                "numerator": row.numerator,
                "denominator": row.denominator or None,
                "denominator_constant": row.denominator_constant,
                "weight": row.weight,
                "weight_share": round(row.weight / total, 6),
                "direction": row.direction,
                "normalisation": row.normalisation,
                "cap": row.cap,
                "scale": row.scale,
            }
            for row in criteria
        ],
    }


def scheme_years_other(*, year: int) -> list[int]:
    """The years with periods other than `year` (a new scheme can be copied from)."""
    return sorted(
        set(Period.objects.exclude(year=year).values_list("year", flat=True)), reverse=True
    )
