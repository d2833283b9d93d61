"""Reads of rankings, and who may see which part of them.

The one access rule, used by the API and the pages alike (`RankingAccess`):

* the department (Vụ Các trường chính trị) sees everything;
* a school's user sees, for a period, the ranking of the cluster(s) their school(s)
  belong to that year (every row, with the reasons), and their own school's row in
  the national ranking, and nothing of other clusters;
* unless the department has opened the period to schools (`RankingVisibility`), in
  which case school users see every cluster's ranking and the national one;
* anyone else (no school, no department role) sees nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.utils.translation import gettext as _

from aggregation.selectors import facts_frame_for_period, facts_marker, members_frame
from aggregation.transforms import period_sort_key
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from catalogue.spec import Catalogue
from core.errors import DomainError, ForbiddenError, NotFoundError
from rankings.build import (
    LIGHT_THRESHOLDS,
    Table,
    explain_row,
    indicator_leaderboard,
    ranking_inputs,
    scheme_from_dict,
    traffic_light,
)
from rankings.models import Ranking, RankingVisibility, ScoringScheme
from rankings.scoring import Scheme, rank_trend
from tenants.models import (
    Cluster,
    ClusterMembership,
    DepartmentMembership,
    School,
    SchoolMembership,
)

SCOPES = ("national", "cluster")
# Dropped from cluster names where space is short (tables, menus, charts).
CLUSTER_PREFIXES = (
    "cụm thi đua các trường chính trị khu vực",
    "cụm thi đua các trường chính trị",
    "cụm thi đua",
)
DATA_STATES = ("accepted", "submitted", "missing")


# --------------------------------------------------------------------------- access


@dataclass(frozen=True)
class RankingAccess:
    authenticated: bool
    is_department: bool = False
    can_manage: bool = False
    own_schools: frozenset[str] = field(default_factory=frozenset)
    own_clusters: frozenset[str] = field(default_factory=frozenset)
    open_to_schools: bool = False

    @property
    def can_view(self) -> bool:
        return self.is_department or bool(self.own_schools)

    @property
    def sees_all(self) -> bool:
        return self.is_department or (bool(self.own_schools) and self.open_to_schools)

    def can_see_cluster(self, cluster: str | None) -> bool:
        return self.sees_all or (cluster is not None and cluster in self.own_clusters)

    def can_see_school(self, school: str, cluster: str | None) -> bool:
        return self.sees_all or school in self.own_schools or self.can_see_cluster(cluster)


def ranking_access(*, user: AbstractBaseUser | AnonymousUser, period: Period) -> RankingAccess:
    if not user.is_authenticated:
        return RankingAccess(authenticated=False)
    department = DepartmentMembership.objects.filter(user_id=user.pk).first()
    own = frozenset(
        SchoolMembership.objects.filter(user_id=user.pk).values_list(
            "school__schema_name", flat=True
        )
    )
    clusters = frozenset(
        ClusterMembership.objects.filter(school__schema_name__in=own, year=period.year).values_list(
            "cluster__slug", flat=True
        )
    )
    opened = RankingVisibility.objects.filter(period=period, open_to_schools=True).exists()
    return RankingAccess(
        authenticated=True,
        is_department=department is not None,
        can_manage=bool(department and department.can_manage_scoring),
        own_schools=own,
        own_clusters=clusters,
        open_to_schools=opened,
    )


def require_view(access: RankingAccess) -> None:
    if not access.can_view:
        raise ForbiddenError(
            _("Chỉ Vụ Các trường chính trị và cán bộ các trường xem được bảng xếp hạng.")
        )


def require_manage(access: RankingAccess) -> None:
    if not access.can_manage:
        raise ForbiddenError(_("Chỉ cán bộ Vụ được giao quản trị bảng điểm mới sửa được."))


def department_access(user: AbstractBaseUser | AnonymousUser) -> RankingAccess:
    """Access that does not depend on a period (scheme pages)."""
    if not user.is_authenticated:
        return RankingAccess(authenticated=False)
    department = DepartmentMembership.objects.filter(user_id=user.pk).first()
    own = frozenset(
        SchoolMembership.objects.filter(user_id=user.pk).values_list(
            "school__schema_name", flat=True
        )
    )
    return RankingAccess(
        authenticated=True,
        is_department=department is not None,
        can_manage=bool(department and department.can_manage_scoring),
        own_schools=own,
    )


# --------------------------------------------------------------------------- rankings


def ranking_latest(*, period: Period) -> Ranking | None:
    return Ranking.objects.filter(period=period).order_by("-computed_at", "-pk").first()


def scheme_for_year(*, year: int) -> ScoringScheme | None:
    return ScoringScheme.objects.filter(year=year).prefetch_related("criteria").first()


def visibility_of(*, period: Period) -> bool:
    return RankingVisibility.objects.filter(period=period, open_to_schools=True).exists()


@dataclass(frozen=True)
class Names:
    schools: dict[str, str]
    short: dict[str, str]
    clusters: dict[str, tuple[str, str]]

    def school(self, slug: str | None) -> str:
        return self.schools.get(slug or "", slug or "")

    def school_short(self, slug: str | None) -> str:
        return self.short.get(slug or "", slug or "")

    def cluster(self, slug: str | None, language: str) -> str:
        if not slug:
            return ""
        vi, en = self.clusters.get(slug, (slug, slug))
        return en if language == "en" else vi

    def cluster_short(self, slug: str | None, language: str) -> str:
        """ "miền núi, biên giới phía Bắc" for "Cụm thi đua các trường chính trị khu vực
        miền núi, biên giới phía Bắc": what tables and menus have room for."""
        name = self.cluster(slug, language)
        for prefix in CLUSTER_PREFIXES:
            if name.lower().startswith(prefix):
                short = name[len(prefix) :].strip()
                return short[:1].upper() + short[1:] if short else name
        return name


def names() -> Names:
    schools = {}
    short = {}
    for slug, name, short_name in School.objects.schools().values_list(
        "schema_name", "name_vi", "short_name"
    ):
        schools[slug] = name
        short[slug] = short_name or name
    clusters = {
        slug: (vi, en or vi)
        for slug, vi, en in Cluster.objects.values_list("slug", "name_vi", "name_en")
    }
    return Names(schools, short, clusters)


@dataclass(frozen=True)
class RankingRead:
    """What readers get: the newest ranking, the year's scheme, and whether a newer
    ranking is on its way (`ranking_services.ranking_obtain`)."""

    ranking: Ranking | None
    scheme: ScoringScheme | None
    stale: bool


def ranking_payload(
    *,
    read: RankingRead,
    period: Period,
    scope: str,
    cluster: str | None,
    access: RankingAccess,
    language: str,
    names: Names,
) -> dict[str, Any]:
    """A ranking as the API returns it and the pages show it (raises Forbidden/NotFound)."""
    require_view(access)
    if scope not in SCOPES:
        raise DomainError(_("Phạm vi không hợp lệ: %(scope)s") % {"scope": scope})
    if scope == "cluster" and not Cluster.objects.filter(slug=cluster or "").exists():
        raise NotFoundError(_("Không có cụm %(cluster)s.") % {"cluster": cluster})
    ranking = read.ranking
    if ranking is None:
        if read.scheme is None:
            raise NotFoundError(
                _("Năm %(year)s chưa có bảng điểm: Vụ cần tạo bảng điểm trước khi xếp hạng.")
                % {"year": period.year}
            )
        raise NotFoundError(_("Chưa có bảng xếp hạng cho kỳ %(code)s.") % {"code": period.code})
    data = ranking.data
    rows, restricted = ranking_rows(data=data, scope=scope, cluster=cluster, access=access)
    scheme = data["scheme"]
    scheme_used = stored_scheme(data)
    text = "en" if language == "en" else "vi"
    return {
        "period": period.code,
        "scope": scope,
        "cluster": cluster if scope == "cluster" else None,
        "cluster_name": names.cluster(cluster, text) if scope == "cluster" else None,
        "scheme_year": scheme["year"],
        "scheme_version": ranking.scheme_version,
        "scheme_label": scheme["label_en"]
        if text == "en" and scheme.get("label_en")
        else scheme["label"],
        "is_example": bool(scheme.get("is_example")),
        "basis": ranking.basis,
        "fingerprint": ranking.fingerprint,
        "computed_at": ranking.computed_at.isoformat(),
        "stale": read.stale,
        "current_scheme_version": read.scheme.version if read.scheme else None,
        "restricted": restricted,
        "open_to_schools": access.open_to_schools,
        "counts": data.get("counts", {}),
        "criteria": criteria_out(data, language),
        "rows": [
            row_out(row, scope=scope, language=language, names=names, scheme=scheme_used)
            for row in rows
        ],
    }


def ranking_rows(
    *, data: Mapping[str, Any], scope: str, cluster: str | None, access: RankingAccess
) -> tuple[list[dict[str, Any]], bool]:
    """The rows a viewer may see in a scope, ordered by the scope's rank; and whether
    the view is restricted (a school's own row only). Raises ForbiddenError."""
    require_view(access)
    rows: list[dict[str, Any]] = list(data.get("rows", []))
    if scope == "cluster":
        if not cluster:
            raise NotFoundError(_("Hãy chọn một cụm."))
        if not access.can_see_cluster(cluster):
            raise ForbiddenError(
                _("Bạn chỉ xem được bảng xếp hạng của cụm mình (trừ khi Vụ cho phép).")
            )
        rows = [row for row in rows if row.get("cluster") == cluster]
        rows.sort(
            key=lambda row: (row["rank_cluster"] is None, row["rank_cluster"] or 0, row["school"])
        )
        return rows, False
    if access.sees_all:
        return rows, False
    return [row for row in rows if row["school"] in access.own_schools], True


def row_out(
    row: Mapping[str, Any],
    *,
    scope: str,
    language: str,
    names: Names,
    scheme: Scheme,
) -> dict[str, Any]:
    """A ranking row as the API and the pages give it (contract: school, rank, score,
    data_state, contributions). ``scheme``: the one the ranking was computed with
    (`stored_scheme`), which the explanation's sentences are written from."""
    text = "en" if language == "en" else "vi"
    return {
        "school": row["school"],
        "school_name": names.school(row["school"]),
        "cluster": row.get("cluster"),
        "cluster_name": names.cluster(row.get("cluster"), text),
        "cluster_short": names.cluster_short(row.get("cluster"), text),
        "rank": row["rank_cluster"] if scope == "cluster" else row["rank_national"],
        "rank_national": row["rank_national"],
        "rank_cluster": row["rank_cluster"],
        "score": row["score"],
        "data_state": row["data_state"],
        # A school without figures has no points at all: an empty mapping, not zeros.
        "contributions": row["contributions"] or {},
        "points": row["points"] or {},
        "raw": row["raw"] or {},
        "inputs": row.get("inputs") or {},
        "notes": [
            {"criterion": note.get("criterion"), "reason": note.get("reason"), "text": note[text]}
            for note in row.get("notes", [])
        ],
        "explanation": explain_row(row, scheme, text),
    }


def stored_scheme(data: Mapping[str, Any]) -> Scheme:
    """The scheme as it was when the ranking was computed (kept in its data)."""
    return scheme_from_dict(data["scheme"])


def criteria_out(data: Mapping[str, Any], language: str) -> list[dict[str, Any]]:
    out = []
    for criterion in data["scheme"]["criteria"]:
        out.append(
            {
                **criterion,
                "label": criterion["label_en"] if language == "en" else criterion["label_vi"],
            }
        )
    return out


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


def leaderboard_codes(catalogue: Catalogue) -> list[tuple[str, str, str]]:
    """(code, label_vi, label_en) of every indicator a leaderboard can be built for."""
    return [(spec.code, spec.label_vi, spec.label_en) for spec in catalogue.indicators]


# --------------------------------------------------------------------------- trends


def latest_rankings(*, periods: Iterable[Period] | None = None) -> dict[str, Ranking]:
    """The newest ranking of each period (one query, PostgreSQL DISTINCT ON)."""
    query = Ranking.objects.select_related("period").order_by("period_id", "-computed_at", "-pk")
    if periods is not None:
        query = query.filter(period__in=list(periods))
    return {ranking.period.code: ranking for ranking in query.distinct("period_id")}


def school_trend(
    *, school: str, allowed: Callable[[Period, str | None], bool]
) -> list[dict[str, Any]]:
    """The school's score and ranks in every period with a ranking that the viewer may
    see (``allowed(period, cluster_of_school)``), chronologically."""
    rankings = latest_rankings()
    frames: dict[str, pd.DataFrame] = {}
    meta: dict[str, dict[str, Any]] = {}
    for code, ranking in rankings.items():
        rows = ranking.data.get("rows", [])
        mine = next((row for row in rows if row["school"] == school), None)
        if mine is None or not allowed(ranking.period, mine.get("cluster")):
            continue
        frames[code] = pd.DataFrame(
            {
                "school": [row["school"] for row in rows],
                "score": [row["score"] for row in rows],
                "rank_national": [row["rank_national"] for row in rows],
                "rank_cluster": [row["rank_cluster"] for row in rows],
            }
        )
        cluster = mine.get("cluster")
        meta[code] = {
            "cluster": cluster,
            "data_state": mine["data_state"],
            "ranked_national": sum(1 for row in rows if row["score"] is not None),
            "ranked_cluster": sum(
                1 for row in rows if row["score"] is not None and row.get("cluster") == cluster
            ),
            "scheme_version": ranking.scheme_version,
            "is_example": ranking.data["scheme"].get("is_example", False),
        }
    if not frames:
        return []
    wide = rank_trend(frames)
    out = []
    for code in sorted(frames, key=period_sort_key):
        score = wide.at[school, ("score", code)]
        national = wide.at[school, ("rank_national", code)]
        within = wide.at[school, ("rank_cluster", code)]
        out.append(
            {
                "period": code,
                "score": None if pd.isna(score) else float(score),
                "rank_national": None if pd.isna(national) else int(national),
                "rank_cluster": None if pd.isna(within) else int(within),
                **meta[code],
            }
        )
    return out


# --------------------------------------------------------------------------- tables


STATE_LABELS = {
    "accepted": ("Đã chấp nhận", "Accepted"),
    "submitted": ("Mới gửi, chưa chấp nhận", "Submitted only"),
    "missing": ("Chưa có số liệu", "Missing"),
}
LIGHT_LABELS = {
    "green": ("Tốt", "Good"),
    "amber": ("Trung bình", "Fair"),
    "red": ("Thấp", "Low"),
    "none": ("Không có số liệu", "No figure"),
}


def state_label(state: str, language: str) -> str:
    vi, en = STATE_LABELS.get(state, (state, state))
    return en if language == "en" else vi


def light_label(light: str, language: str) -> str:
    vi, en = LIGHT_LABELS.get(light, (light, light))
    return en if language == "en" else vi


def ranking_table(
    *,
    data: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    scope: str,
    title: str,
    language: str,
    names: Names,
) -> Table:
    criteria = criteria_out(data, language)
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
    text = "en" if language == "en" else "vi"
    for row in rows:
        contributions = row["contributions"] or {}
        table_rows.append(
            [
                row["rank_cluster"] if scope == "cluster" else row["rank_national"],
                names.school(row["school"]),
                names.cluster(row.get("cluster"), text),
                row["score"],
                state_label(row["data_state"], text),
                *[contributions.get(criterion["code"]) for criterion in criteria],
                row["rank_national"],
                row["rank_cluster"],
                "; ".join(note[text] for note in row.get("notes", [])),
            ]
        )
    return Table(
        title=title,
        columns=columns,
        rows=table_rows,
        notes=scheme_notes(data, language),
        sheet=_("Xếp hạng"),
    )


def scheme_notes(data: Mapping[str, Any], language: str) -> list[str]:
    scheme = data["scheme"]
    label = scheme["label_en"] if language == "en" and scheme.get("label_en") else scheme["label"]
    notes = [
        _("Bảng điểm: %(label)s (phiên bản %(version)s)")
        % {"label": label, "version": scheme["version"]}
    ]
    if scheme.get("is_example"):
        notes.append(_("VÍ DỤ – không phải bảng điểm chính thức của Học viện."))
    notes.append(_("Trường chưa có số liệu không được xếp hạng (không tính là 0 điểm)."))
    return notes


def comparison_table(
    *, data: Mapping[str, Any], title: str, language: str, names: Names, catalogue: Catalogue
) -> Table:
    text = "en" if language == "en" else "vi"
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
        label = indicator_label(catalogue, code, text)
        columns += [f"{label}: {_('tổng')}", f"{label}: {_('bình quân mỗi trường')}"]
    rows = []
    for item in clusters:
        row = [
            item["rank"],
            names.cluster(item["cluster"], text),
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
            *scheme_notes(data, language),
            _("Bình quân mỗi trường: tổng chia cho số trường có báo cáo chỉ tiêu đó."),
        ],
        sheet=_("So sánh cụm"),
    )


def leaderboard_table(
    *, rows: Sequence[Mapping[str, Any]], title: str, language: str, names: Names
) -> Table:
    text = "en" if language == "en" else "vi"
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
                names.cluster(row.get("cluster"), text),
                row["value"],
                row["rank_cluster"],
                state_label(row["data_state"], text),
            ]
            for row in rows
        ],
        notes=[_("Trường chưa có số liệu được liệt kê cuối bảng, không xếp hạng.")],
        sheet=_("Chỉ tiêu"),
    )


def scorecard_rows(
    data: Mapping[str, Any], row: Mapping[str, Any], language: str
) -> list[dict[str, Any]]:
    text = "en" if language == "en" else "vi"
    notes_by: dict[str, list[str]] = {}
    for note in row.get("notes", []):
        if note.get("criterion"):
            notes_by.setdefault(note["criterion"], []).append(note[text])
    out = []
    for criterion in criteria_out(data, language):
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


def scorecard_table(
    *, data: Mapping[str, Any], row: Mapping[str, Any], title: str, language: str
) -> Table:
    text = "en" if language == "en" else "vi"
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
                light_label(item["light"], text),
                "; ".join(item["notes"]),
            ]
            for item in scorecard_rows(data, row, language)
        ],
        notes=[
            *scheme_notes(data, language),
            _("Đèn xanh: từ %(green)s điểm; vàng: từ %(amber)s điểm; đỏ: dưới %(amber)s điểm.")
            % {"green": int(green), "amber": int(amber)},
        ],
        sheet=_("Phiếu điểm"),
    )


def trend_table(*, points: Sequence[Mapping[str, Any]], title: str, language: str) -> Table:
    text = "en" if language == "en" else "vi"
    return Table(
        title=title,
        columns=[
            _("Kỳ"),
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
                point["score"],
                point["rank_national"],
                point["ranked_national"],
                point["rank_cluster"],
                point["ranked_cluster"],
                state_label(point["data_state"], text),
                point["scheme_version"],
            ]
            for point in points
        ],
        sheet=_("Xu hướng"),
    )


def scheme_table(*, scheme: ScoringScheme, language: str) -> Table:
    rows = []
    criteria = list(scheme.criteria.all())
    total = sum(row.weight for row in criteria) or 1.0
    for row in criteria:
        rows.append(
            [
                row.code,
                row.label_en if language == "en" and row.label_en else row.label_vi,
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
        title=scheme.label_en if language == "en" and scheme.label_en else scheme.label_vi,
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


def compared_indicators(data: Mapping[str, Any]) -> list[str]:
    """The indicators of the cluster comparison, in their stored order."""
    if data.get("compared_indicators"):
        return list(data["compared_indicators"])
    clusters = data.get("clusters", [])
    return sorted(clusters[0]["totals"]) if clusters else []


def indicator_label(catalogue: Catalogue, code: str, language: str) -> str:
    spec = catalogue.by_code.get(code)
    if spec is None:
        return code
    return spec.label_en if language == "en" else spec.label_vi
