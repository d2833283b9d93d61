"""The cluster review pages (journey 2): the lead school's board of who has reported,
the cluster's figures and findings, the report's text and the report itself.

Served on a school host at /cluster/<cluster>/<period>/ (the host school must be in
the cluster that year) and on the hub's own host at /clusters/<cluster>/<period>/,
where the department works. Access follows `cluster_viewer_role`, as in the API twins
(`api.views_clusters`, `api.views_reviews`): the lead school does everything; its
deputies read and download reports; the department reads and generates reports;
anyone else gets 403. Every write goes through the same services as the API, with
`Channel.PAGE`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone as django_timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tenants.utils import schema_context

from aggregation.models import AggregationState, Basis, Snapshot
from aggregation.selectors import cluster_basis, snapshot_for_viewer, snapshot_read
from aggregation.services import cluster_basis_set
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year, period_by_code, periods_list
from catalogue.spec import Catalogue
from core.errors import ConflictError, DomainError
from hub.views.submissions import STATUS_LABELS
from reviews.context import report_context
from reviews.models import ClusterNarrative, ClusterNarrativeRevision, JobStatus, ReportJob, Section
from reviews.reports import PREVIEW_CSS, ReportContextError, render_html
from reviews.selectors import narratives_of, report_is_out_of_date, report_jobs
from reviews.services import cluster_narrative_save, cluster_narratives_prefill, report_request
from submissions.models import Channel, Status, Submission
from submissions.numbers import format_number, is_english
from submissions.services import Actor, submission_review
from tenants.models import REVIEWER_ROLES, Cluster, ClusterMembership, School
from tenants.selectors import cluster_members, cluster_viewer_role, department_membership
from tenants.services import school_host

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

READERS = frozenset({"lead", "standing_deputy", "deputy", "department"})
GENERATORS = frozenset({"lead", "department"})
NOT_STARTED = "not_started"
ARRIVED = (Status.SUBMITTED, Status.ACCEPTED)
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")

ROLE_LABELS: dict[str, StrOrPromise] = {
    "lead": gettext_lazy("Cụm trưởng"),
    "standing_deputy": gettext_lazy("Cụm phó thường trực"),
    "deputy": gettext_lazy("Cụm phó"),
    "member": gettext_lazy("Thành viên"),
    "department": gettext_lazy("Vụ Các trường chính trị"),
}
BASIS_LABELS: dict[str, StrOrPromise] = {
    Basis.SUBMITTED: gettext_lazy("đã gửi và đã chấp nhận"),
    Basis.ACCEPTED: gettext_lazy("chỉ đã chấp nhận"),
}
SECTION_LABELS: dict[str, StrOrPromise] = {
    Section.OPENING: gettext_lazy("Mở đầu"),
    Section.LIMITATIONS: gettext_lazy("Hạn chế và nguyên nhân"),
    Section.PROPOSALS: gettext_lazy("Kiến nghị, đề xuất với Học viện"),
    Section.NEXT_TASKS: gettext_lazy("Nhiệm vụ trọng tâm kỳ tới"),
    Section.SCORING: gettext_lazy("Kết quả chấm điểm, bình xét"),
}
SECTION_HINTS: dict[str, StrOrPromise] = {
    Section.OPENING: gettext_lazy(
        "Bối cảnh, chủ đề phong trào thi đua; để trống thì báo cáo dùng câu mở đầu mặc định."
    ),
    Section.LIMITATIONS: gettext_lazy("Mỗi mục một hạn chế và nguyên nhân."),
    Section.PROPOSALS: gettext_lazy("Mỗi mục một kiến nghị gửi Học viện."),
    Section.NEXT_TASKS: gettext_lazy("Mỗi nhiệm vụ có thể ghi trường chủ trì và tháng thực hiện."),
    Section.SCORING: gettext_lazy("Kết quả chấm điểm, bình xét thi đua (thường vào cuối năm)."),
}
JOB_LABELS: dict[str, StrOrPromise] = {
    JobStatus.QUEUED: gettext_lazy("Đang chờ"),
    JobStatus.RUNNING: gettext_lazy("Đang tạo"),
    JobStatus.DONE: gettext_lazy("Hoàn thành"),
    JobStatus.FAILED: gettext_lazy("Lỗi"),
}
# The report's language (the interface's own names for languages stay untranslated).
LANGUAGE_LABELS: dict[str, StrOrPromise] = {
    "vi": gettext_lazy("Bản tiếng Việt"),
    "en": gettext_lazy("Bản tiếng Anh"),
}
FINDING_KIND_LABELS: dict[str, StrOrPromise] = {
    "sum_mismatch": gettext_lazy("Tổng không khớp"),
    "part_exceeds_whole": gettext_lazy("Phần lớn hơn tổng"),
    "learners_below_classes": gettext_lazy("Học viên ít hơn lớp"),
    "declared_mismatch": gettext_lazy("Khác số đã công bố"),
}
FILE_KINDS = (("docx", "DOCX"), ("xlsx", "XLSX"), ("pdf", "PDF"))

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
CHART_WIDTH = 1160


# --- who is looking ----------------------------------------------------------------------


@dataclass(frozen=True)
class Viewer:
    """One user on one cluster's review for one period."""

    cluster: Cluster
    period: Period
    role: str
    on_school_host: bool

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"

    @property
    def can_generate(self) -> bool:
        return self.role in GENERATORS

    @property
    def url_args(self) -> dict[str, str]:
        return {"cluster_slug": self.cluster.slug, "period_code": self.period.code}


def _language() -> str:
    return "en" if is_english(get_language() or "vi") else "vi"


def _viewer(request: HttpRequest, cluster_slug: str, period_code: str) -> Viewer:
    cluster = get_object_or_404(Cluster, slug=cluster_slug)
    period = period_by_code(period_code)
    if period is None:
        raise Http404(_("Không có kỳ báo cáo %(code)s.") % {"code": period_code})
    tenant = request.tenant  # type: ignore[attr-defined]
    on_school_host = tenant.schema_name != settings.PUBLIC_SCHEMA_NAME
    if (
        on_school_host
        and not ClusterMembership.objects.filter(
            cluster=cluster, year=period.year, school=tenant
        ).exists()
    ):
        # A cluster's pages live on its own schools' hosts (and the hub's).
        raise Http404(_("Trường này không thuộc cụm trong năm %(year)s.") % {"year": period.year})
    role = cluster_viewer_role(user=request.user, cluster=cluster, year=period.year)  # type: ignore[arg-type]
    if role not in READERS:
        raise PermissionDenied(
            _("Chỉ trường cụm trưởng, cụm phó và Vụ xem được trang của cụm trong năm %(year)s.")
            % {"year": period.year}
        )
    return Viewer(cluster=cluster, period=period, role=role, on_school_host=on_school_host)


def _lead_only(viewer: Viewer) -> None:
    if not viewer.is_lead:
        raise PermissionDenied(_("Chỉ trường cụm trưởng mới làm được việc này."))


def _page_url(viewer: Viewer, anchor: str = "") -> str:
    url = reverse("cluster_review", kwargs=viewer.url_args)
    return f"{url}#{anchor}" if anchor else url


def _actor(request: HttpRequest) -> Actor:
    return Actor(
        user_id=request.user.pk, username=request.user.get_username(), channel=Channel.PAGE
    )


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _school_url(request: HttpRequest, slug: str, path: str) -> str:
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    return f"{request.scheme}://{school_host(slug)}{suffix}{path}"


def _period_label(period: Period) -> str:
    return period.label_en if _language() == "en" else period.label_vi


def _cluster_name(cluster: Cluster) -> str:
    return cluster.name_en if _language() == "en" and cluster.name_en else cluster.name_vi


def _number(value: int | float | None) -> str:
    return "—" if value is None else format_number(value, _language())


# --- the board ----------------------------------------------------------------------------


@dataclass
class BoardRow:
    position: int
    school: School
    role: str
    status: str
    late: bool
    changed_at: datetime | None
    submitted_at: datetime | None
    version: int
    findings: int
    review_comment: str
    can_review: bool
    url: str

    @property
    def slug(self) -> str:
        return self.school.schema_name

    @property
    def role_label(self) -> StrOrPromise:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def status_label(self) -> StrOrPromise:
        return STATUS_LABELS.get(self.status, self.status)


def submission_states(*, schools: Iterable[School], period: Period) -> dict[str, dict[str, Any]]:
    """Each school's submission for the period, read in its own schema.

    The board is where the lead school accepts and returns reports, so it reads the
    submissions themselves (one small query per school, a dozen at most) rather than
    the published copy, which a worker updates a moment later.
    """
    states: dict[str, dict[str, Any]] = {}
    for school in schools:
        with schema_context(school.schema_name):
            row = (
                Submission.objects.filter(period=period)
                .values("status", "version", "updated_at", "submitted_at", "review_comment")
                .first()
            )
        if row is not None:
            states[school.schema_name] = dict(row)
    return states


def deadline_passed_at(period: Period) -> datetime:
    """The end of the deadline day in Vietnam, as the snapshot's lateness reads it."""
    return datetime.combine(period.deadline, time.max, tzinfo=VIETNAM_TZ)


def is_late(status: str, submitted_at: datetime | None, period: Period, now: datetime) -> bool:
    deadline = deadline_passed_at(period)
    if status in ARRIVED:
        return submitted_at is not None and submitted_at > deadline
    return now > deadline


def _findings_per_school(snapshot: Mapping[str, Any] | None) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for finding in (snapshot or {}).get("findings", []):
        if finding.get("school"):
            counts[finding["school"]] += 1
    return counts


def board_rows(
    request: HttpRequest, viewer: Viewer, snapshot: Mapping[str, Any] | None
) -> list[BoardRow]:
    members = cluster_members(cluster=viewer.cluster, year=viewer.period.year)
    states = submission_states(schools=[m.school for m in members], period=viewer.period)
    findings = _findings_per_school(snapshot)
    now = django_timezone.now()
    rows = []
    for position, membership in enumerate(members, start=1):
        slug = membership.school.schema_name
        state = states.get(slug, {})
        status = state.get("status", NOT_STARTED)
        rows.append(
            BoardRow(
                position=position,
                school=membership.school,
                role=membership.role,
                status=status,
                late=is_late(status, state.get("submitted_at"), viewer.period, now),
                changed_at=state.get("updated_at"),
                submitted_at=state.get("submitted_at"),
                version=state.get("version", 0),
                findings=findings.get(slug, 0),
                review_comment=state.get("review_comment", ""),
                can_review=viewer.is_lead and status == Status.SUBMITTED,
                url=_school_url(request, slug, f"/submissions/{viewer.period.code}/"),
            )
        )
    return rows


def board_counts(rows: Sequence[BoardRow]) -> list[dict[str, Any]]:
    order = (Status.ACCEPTED, Status.SUBMITTED, Status.RETURNED, Status.DRAFT, NOT_STARTED)
    counted = [
        {
            "status": status,
            "label": STATUS_LABELS[status],
            "count": sum(1 for r in rows if r.status == status),
        }
        for status in order
    ]
    late = sum(1 for r in rows if r.late)
    return [c for c in counted if c["count"]] + (
        [{"status": "late", "label": _("Trễ hạn"), "count": late}] if late else []
    )


# --- figures ------------------------------------------------------------------------------


def _label(catalogue: Catalogue, code: str) -> str:
    spec = catalogue.by_code.get(code)
    if spec is None:
        return code
    return spec.label_en if _language() == "en" else spec.label_vi


def _publication_codes(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple(
        spec.code
        for spec in catalogue.indicators
        if spec.section == "publications" and not spec.parent
    )


def group_value(
    values: Mapping[str, int | None], codes: Iterable[str], catalogue: Catalogue
) -> int | None:
    """The sum of some indicators; a total nobody gave is read from its parts."""
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


def _codes_of(key: str, codes: tuple[str, ...], catalogue: Catalogue) -> tuple[str, ...]:
    return _publication_codes(catalogue) if key == "publications" else codes


@dataclass
class SchoolFigures:
    slug: str
    name: str
    short_name: str
    role: str
    values: dict[str, int | None]
    summary: list[int | None] = field(default_factory=list)


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
                summary=[
                    group_value(values, _codes_of(key, codes, catalogue), catalogue)
                    for key, _label_text, codes in SUMMARY_COLUMNS
                ],
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
                "change": _pct_text(change.get("change_pct")) if change else "",
                "direction": _direction(change.get("change", 0)) if change else "",
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


# --- charts (server-rendered SVG; numbers as strings so no locale touches them) ------------


def _f(value: float) -> str:
    return f"{value:.1f}"


def _pct_text(pct: float | None) -> str:
    if pct is None:
        return "—"
    sign = "+" if pct > 0 else ("−" if pct < 0 else "±")
    return f"{sign}{format_number(abs(pct), _language())}%"


def _direction(change: int) -> str:
    return "up" if change > 0 else ("down" if change < 0 else "same")


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def school_bars_chart(figures: Sequence[SchoolFigures]) -> dict[str, Any]:
    """Classes and learners per school: two panels of horizontal bars, one row a school."""
    label_w, gap, room, top, row_h, bar_h = 250, 28, 70, 30, 28, 16
    panel_w = (CHART_WIDTH - label_w - gap) / 2
    usable = panel_w - room
    panels = []
    for index, code in enumerate((CLASSES, LEARNERS)):
        x0 = label_w + index * (panel_w + gap)
        largest = max((row.values.get(code) or 0 for row in figures), default=0)
        bars = []
        for position, row in enumerate(figures):
            value = row.values.get(code)
            y = top + position * row_h
            width = usable * value / largest if value and largest else 0.0
            bars.append(
                {
                    "x": _f(x0),
                    "y": _f(y),
                    "width": _f(width),
                    "text_x": _f(x0 + width + 5),
                    "text_y": _f(y + bar_h - 3),
                    "value": _number(value),
                    "missing": value is None,
                    "school": row.name,
                }
            )
        panels.append(
            {
                "code": code,
                "title": SUMMARY_COLUMNS[index][1],
                "title_x": _f(x0),
                "axis_x": _f(x0),
                "bars": bars,
            }
        )
    height = top + len(figures) * row_h + 6
    return {
        "width": CHART_WIDTH,
        "height": height,
        "bar_h": bar_h,
        "label_x": _f(label_w - 10),
        "axis_y2": _f(height - 4),
        "labels": [
            {"text": _short(row.short_name), "full": row.name, "y": _f(top + i * row_h + bar_h - 3)}
            for i, row in enumerate(figures)
        ],
        "panels": panels,
    }


def outputs_chart(figures: Sequence[SchoolFigures], catalogue: Catalogue) -> dict[str, Any]:
    """Research and publication outputs per school, stacked by kind."""
    label_w, room, top, row_h, bar_h = 250, 60, 8, 28, 16
    usable = CHART_WIDTH - label_w - room
    sums: list[list[int]] = []
    reported: list[bool] = []
    for row in figures:
        values = [
            group_value(row.values, _codes_of(key, codes, catalogue), catalogue)
            for key, _label_text, codes in OUTPUT_GROUPS
        ]
        reported.append(any(value is not None for value in values))
        sums.append([value or 0 for value in values])
    largest = max((sum(parts) for parts in sums), default=0)
    rows = []
    for position, (row, parts, has_any) in enumerate(zip(figures, sums, reported, strict=True)):
        y = top + position * row_h
        x = float(label_w)
        segments = []
        for index, ((key, name, _codes), value) in enumerate(
            zip(OUTPUT_GROUPS, parts, strict=True)
        ):
            if not value or not largest:
                continue
            width = usable * value / largest
            segments.append(
                {
                    "x": _f(x),
                    "width": _f(width),
                    "index": index,
                    "key": key,
                    "title": f"{row.name}: {name} {_number(value)}",
                }
            )
            x += width
        rows.append(
            {
                "label": _short(row.short_name),
                "full": row.name,
                "y": _f(y),
                "text_y": _f(y + bar_h - 3),
                "segments": segments,
                "total": _number(sum(parts) if has_any else None),
                "total_x": _f(x + 5),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": top + len(figures) * row_h + 6,
        "bar_h": bar_h,
        "label_x": _f(label_w - 10),
        "rows": rows,
        "legend": [{"index": i, "label": name} for i, (_k, name, _c) in enumerate(OUTPUT_GROUPS)],
        "empty": largest == 0,
    }


def yoy_chart(snapshot: Mapping[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    """The cluster's totals against the same period a year earlier, one row each."""
    yoy: Mapping[str, Mapping[str, Any]] = snapshot.get("yoy", {})
    top_level = [
        spec.code
        for spec in catalogue.indicators
        if spec.code in yoy and (not spec.parent or spec.code in (CLASSES, LEARNERS))
    ][:YOY_LIMIT]
    label_w, room, top, row_h, bar_h = 300, 110, 6, 44, 13
    usable = CHART_WIDTH - label_w - room - 60
    rows = []
    for position, code in enumerate(top_level):
        item = yoy[code]
        previous, current = int(item["previous"]), int(item["current"])
        largest = max(previous, current) or 1
        y = top + position * row_h
        change = item.get("change", current - previous)
        rows.append(
            {
                "label": _short(_label(catalogue, code), 44),
                "full": _label(catalogue, code),
                "label_y": _f(y + bar_h + 4),
                "prev_y": _f(y),
                "prev_w": _f(usable * previous / largest),
                "prev_text_x": _f(label_w + usable * previous / largest + 5),
                "prev_text_y": _f(y + bar_h - 2),
                "prev": _number(previous),
                "cur_y": _f(y + bar_h + 3),
                "cur_w": _f(usable * current / largest),
                "cur_text_x": _f(label_w + usable * current / largest + 5),
                "cur_text_y": _f(y + 2 * bar_h + 1),
                "cur": _number(current),
                "change": _pct_text(item.get("change_pct")),
                "direction": _direction(change),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": top + len(rows) * row_h + 4,
        "bar_h": bar_h,
        "label_x": _f(label_w - 10),
        "bar_x": _f(label_w),
        "change_x": _f(CHART_WIDTH - 6),
        "rows": rows,
        "previous_period": snapshot.get("previous_period", ""),
    }


def findings_view(
    snapshot: Mapping[str, Any] | None, schools: Mapping[str, School]
) -> list[dict[str, Any]]:
    """The snapshot's findings in the current language, grouped by school in board
    order; the declared cluster figures' findings come last."""
    key = "message_en" if _language() == "en" else "message_vi"
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


# --- the report's text ---------------------------------------------------------------------


@dataclass
class SectionState:
    """What one section's editor shows after a refused save."""

    section: str
    items: list[dict[str, Any]]
    problem: str
    conflict: bool


def _items_from_post(request: HttpRequest, members: set[str]) -> list[dict[str, Any]]:
    texts = request.POST.getlist("text")
    count = len(texts)

    def column(name: str) -> list[str]:
        values = request.POST.getlist(name)
        return values + [""] * (count - len(values))

    schools, owners, months = column("school"), column("owner"), column("month")
    items = []
    for text, school, owner, month in zip(texts, schools, owners, months, strict=False):
        items.append(
            {
                "text": _newlines(text).strip(),
                "school": school if school in members else None,
                "owner": owner if owner in members else None,
                "month": month.strip() or None,
            }
        )
    return items


def _month_label(month: object) -> str:
    if month in (None, ""):
        return ""
    return _("tháng %(month)s") % {"month": month}


def _item_view(item: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "text": item.get("text", ""),
        "school": item.get("school") or "",
        "school_name": names.get(item.get("school") or "", item.get("school") or ""),
        "owner": item.get("owner") or "",
        "owner_name": names.get(item.get("owner") or "", item.get("owner") or ""),
        "month": "" if item.get("month") in (None, "") else str(item.get("month")),
        "month_label": _month_label(item.get("month")),
    }


def revisions_by_section(
    *, cluster: Cluster, period: Period
) -> dict[str, list[ClusterNarrativeRevision]]:
    grouped: dict[str, list[ClusterNarrativeRevision]] = defaultdict(list)
    for revision in ClusterNarrativeRevision.objects.filter(
        narrative__cluster=cluster, narrative__period=period
    ).select_related("narrative"):
        grouped[revision.narrative.section].append(revision)
    return grouped


def narrative_sections(
    viewer: Viewer, names: Mapping[str, str], state: SectionState | None
) -> list[dict[str, Any]]:
    existing: dict[str, ClusterNarrative] = narratives_of(
        cluster=viewer.cluster, period=viewer.period
    )
    revisions = revisions_by_section(cluster=viewer.cluster, period=viewer.period)
    sections = []
    for section in Section.values:
        narrative = existing.get(section)
        saved = list(narrative.items) if narrative else []
        refused = state if state is not None and state.section == section else None
        # A refused save keeps what was typed in the editor, except after a conflict:
        # then the editor shows the newer version and the typed text is offered to copy.
        shown = refused.items if refused is not None and not refused.conflict else saved
        sections.append(
            {
                "section": section,
                "label": SECTION_LABELS[section],
                "hint": SECTION_HINTS[section],
                "version": narrative.version if narrative else 0,
                "updated_by": narrative.updated_by if narrative else "",
                "updated_at": narrative.updated_at if narrative else None,
                "items": [_item_view(item, names) for item in shown],
                "is_tasks": section == Section.NEXT_TASKS,
                "problem": refused.problem if refused else "",
                "conflict": bool(refused and refused.conflict),
                "typed": [_item_view(item, names) for item in refused.items]
                if refused and refused.conflict
                else [],
                "revisions": [
                    {
                        "version": revision.version,
                        "saved_by": revision.saved_by,
                        "saved_at": revision.saved_at,
                        "items": [_item_view(item, names) for item in revision.items],
                    }
                    for revision in revisions.get(section, [])
                ],
            }
        )
    return sections


# --- the report ------------------------------------------------------------------------------


def _api_report_url(viewer: Viewer, job_id: int, kind: str = "") -> str:
    base = f"/api/v1/clusters/{viewer.cluster.slug}/periods/{viewer.period.code}/reports/{job_id}/"
    return f"{base}{kind}/" if kind else base


def jobs_view(viewer: Viewer) -> list[dict[str, Any]]:
    rows = []
    for job in report_jobs(cluster=viewer.cluster, period=viewer.period):
        done = job.status == JobStatus.DONE
        rows.append(
            {
                "job": job,
                "status_label": JOB_LABELS.get(job.status, job.status),
                "language_label": LANGUAGE_LABELS.get(job.language, job.language),
                "basis_label": BASIS_LABELS.get(job.basis, job.basis),
                "poll_url": _api_report_url(viewer, job.pk),
                "finished": job.status in (JobStatus.DONE, JobStatus.FAILED),
                "out_of_date": done and report_is_out_of_date(job),
                "files": [
                    {"kind": kind, "label": label, "url": _api_report_url(viewer, job.pk, kind)}
                    for kind, label in FILE_KINDS
                    if done and getattr(job, kind)
                ],
            }
        )
    return rows


def next_report_number(viewer: Viewer) -> int:
    last = ReportJob.objects.filter(cluster=viewer.cluster, period=viewer.period).aggregate(
        Max("number")
    )["number__max"]
    return (last or 0) + 1


def report_preview(
    viewer: Viewer, snapshot: dict[str, Any], language: str, number: int
) -> SafeString:
    """The report as the job will build it now: same context, same text."""
    try:
        context = report_context(
            cluster=viewer.cluster,
            period=viewer.period,
            snapshot=snapshot,
            language=language,
            number=number,
            issue_date=django_timezone.localdate(),
        )
    except ReportContextError as error:
        return format_html('<p class="notice">{}</p>', error)
    # render_html escapes every piece of text it writes.
    return mark_safe(render_html(context))


# --- the page --------------------------------------------------------------------------------


def _render(
    request: HttpRequest,
    viewer: Viewer,
    *,
    section_state: SectionState | None = None,
    status: int = 200,
) -> HttpResponse:
    cluster, period = viewer.cluster, viewer.period
    basis = cluster_basis(cluster=cluster, period=period)
    data = snapshot_read(cluster=cluster, period=period, basis=basis)
    snapshot = (
        snapshot_for_viewer(data, viewer_role=viewer.role, own_schools=set())
        if data is not None
        else None
    )
    catalogue = catalogue_for_year(period.year)
    rows = board_rows(request, viewer, snapshot)
    schools = {row.slug: row.school for row in rows}
    names = {row.slug: row.school.short_name or row.school.name_vi for row in rows}
    figures = school_figures(snapshot, schools, catalogue) if snapshot else []
    findings = findings_view(snapshot, schools)
    state = AggregationState.objects.filter(cluster=cluster, period=period).first()
    jobs = jobs_view(viewer)
    latest_done = next((j for j in jobs if j["job"].status == JobStatus.DONE), None)  # type: ignore[attr-defined]
    preview_language = request.GET.get("preview") or _language()
    if preview_language not in ("vi", "en"):
        preview_language = "vi"
    number = next_report_number(viewer)
    context = {
        "viewer": viewer,
        "cluster": cluster,
        "cluster_name": _cluster_name(cluster),
        "period": period,
        "period_label": _period_label(period),
        "role_label": ROLE_LABELS.get(viewer.role, viewer.role),
        "basis": basis,
        "basis_label": BASIS_LABELS.get(basis, basis),
        "basis_choices": [(value, BASIS_LABELS[value]) for value in Basis.values],
        "rows": rows,
        "counts": board_counts(rows),
        "deadline": period.deadline,
        "snapshot": snapshot,
        "computed_at": (state.computed_at if state else None),
        "updating": bool(state and state.computed < state.requested),
        "tiles": total_tiles(snapshot, catalogue) if snapshot else [],
        "summary_columns": summary_columns(catalogue),
        "figures": figures,
        "summary_totals": [
            group_value(snapshot["totals"], _codes_of(key, codes, catalogue), catalogue)
            for key, _label_text, codes in SUMMARY_COLUMNS
        ]
        if snapshot
        else [],
        "full_table": full_table(snapshot, figures, catalogue) if snapshot else [],
        "school_chart": school_bars_chart(figures) if figures else None,
        "outputs_chart": outputs_chart(figures, catalogue) if figures else None,
        "yoy_chart": yoy_chart(snapshot, catalogue) if snapshot else None,
        "findings": findings,
        "findings_count": sum(len(group["items"]) for group in findings),
        "members": [{"slug": row.slug, "name": names[row.slug]} for row in rows],
        "months": list(range(1, 13)),
        "sections": narrative_sections(viewer, names, section_state),
        "jobs": jobs,
        "latest_out_of_date": latest_done if latest_done and latest_done["out_of_date"] else None,
        "next_number": number,
        "preview_language": preview_language,
        "preview": report_preview(viewer, data, preview_language, number) if data else "",
        "language": _language(),
        "job_labels": JOB_LABELS,
    }
    return render(request, "cluster/page.html", context, status=status)


@require_GET
def cluster_page(request: HttpRequest, cluster_slug: str, period_code: str) -> HttpResponse:
    return _render(request, _viewer(request, cluster_slug, period_code))


@require_POST
def cluster_review_submission(
    request: HttpRequest, cluster_slug: str, period_code: str, school: str
) -> HttpResponse:
    """Accept or return a member's submitted report, from the board (the lead only)."""
    viewer = _viewer(request, cluster_slug, period_code)
    _lead_only(viewer)
    membership = (
        ClusterMembership.objects.filter(
            cluster=viewer.cluster, year=viewer.period.year, school__schema_name=school
        )
        .select_related("school")
        .first()
    )
    if membership is None:
        raise Http404(
            _("Trường này không thuộc cụm trong năm %(year)s.") % {"year": viewer.period.year}
        )
    decision = request.POST.get("decision")
    if decision not in ("accept", "return"):
        return HttpResponseBadRequest(_("Quyết định không hợp lệ."))
    name = membership.school.name_vi
    try:
        submission_review(
            school=membership.school,
            period=viewer.period,
            actor=_actor(request),
            accept=decision == "accept",
            comment=_newlines(request.POST.get("comment", "")),
        )
    except DomainError as error:
        messages.error(request, f"{name}: {error.message}")
    else:
        messages.success(
            request,
            _("Đã chấp nhận báo cáo của %(school)s.") % {"school": name}
            if decision == "accept"
            else _("Đã trả lại báo cáo của %(school)s kèm nhận xét.") % {"school": name},
        )
    return redirect(_page_url(viewer, f"school-{school}"))


@require_POST
def cluster_basis_page(request: HttpRequest, cluster_slug: str, period_code: str) -> HttpResponse:
    """Which figures count: submitted and accepted, or accepted only (the lead only)."""
    viewer = _viewer(request, cluster_slug, period_code)
    _lead_only(viewer)
    basis = request.POST.get("basis", "")
    if basis not in Basis.values:
        return HttpResponseBadRequest(_("Cơ sở số liệu không hợp lệ: %(basis)s") % {"basis": basis})
    cluster_basis_set(cluster=viewer.cluster, period=viewer.period, basis=basis)
    messages.success(
        request, _("Số liệu của cụm từ nay tính: %(basis)s.") % {"basis": BASIS_LABELS[basis]}
    )
    return redirect(_page_url(viewer, "figures"))


@require_POST
def cluster_prefill(request: HttpRequest, cluster_slug: str, period_code: str) -> HttpResponse:
    viewer = _viewer(request, cluster_slug, period_code)
    _lead_only(viewer)
    filled = cluster_narratives_prefill(
        cluster=viewer.cluster, period=viewer.period, username=request.user.get_username()
    )
    if filled:
        messages.success(
            request,
            _("Đã điền sẵn từ báo cáo của các trường: %(sections)s.")
            % {"sections": ", ".join(str(SECTION_LABELS[s]) for s in filled)},
        )
    else:
        messages.info(
            request,
            _(
                "Không có mục nào được điền thêm: các mục đã có nội dung, "
                "hoặc các trường chưa viết."
            ),
        )
    return redirect(_page_url(viewer, "narratives"))


@require_POST
def cluster_narrative_page(
    request: HttpRequest, cluster_slug: str, period_code: str, section: str
) -> HttpResponse:
    """Save one section of the report's text; a stale version is refused, not merged."""
    viewer = _viewer(request, cluster_slug, period_code)
    _lead_only(viewer)
    if section not in Section.values:
        raise Http404(_("Mục báo cáo không hợp lệ: %(section)s") % {"section": section})
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Thiếu phiên bản của mục báo cáo."))
    members = set(
        ClusterMembership.objects.filter(
            cluster=viewer.cluster, year=viewer.period.year
        ).values_list("school__schema_name", flat=True)
    )
    items = _items_from_post(request, members)
    try:
        narrative = cluster_narrative_save(
            cluster=viewer.cluster,
            period=viewer.period,
            section=section,
            items=items,
            expected_version=version,
            username=request.user.get_username(),
        )
    except ConflictError as error:
        state = SectionState(section, [i for i in items if i["text"]], error.message, True)
        return _render(request, viewer, section_state=state, status=409)
    except DomainError as error:
        state = SectionState(section, items, error.message, False)
        return _render(request, viewer, section_state=state, status=400)
    if narrative.version == version:
        messages.info(request, _("Không có thay đổi nào để lưu."))
    else:
        messages.success(
            request,
            _("Đã lưu mục “%(section)s” (phiên bản %(version)s).")
            % {"section": SECTION_LABELS[section], "version": narrative.version},
        )
    return redirect(_page_url(viewer, f"narrative-{section}"))


@require_POST
def cluster_report_request(
    request: HttpRequest, cluster_slug: str, period_code: str
) -> HttpResponse:
    """Queue the report (the lead or the department); the page then follows the job."""
    viewer = _viewer(request, cluster_slug, period_code)
    if not viewer.can_generate:
        raise PermissionDenied(_("Chỉ trường cụm trưởng (và Vụ) mới tạo được báo cáo của cụm."))
    language = request.POST.get("language", _language())
    try:
        job = report_request(
            cluster=viewer.cluster,
            period=viewer.period,
            language=language,
            username=request.user.get_username(),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Đã yêu cầu tạo báo cáo số %(number)s (%(language)s).")
            % {"number": job.number, "language": LANGUAGE_LABELS.get(language, language)},
        )
    return redirect(_page_url(viewer, "reports"))


@require_GET
def preview_css(request: HttpRequest) -> HttpResponse:
    """The report preview's stylesheet, from the one the report builders keep."""
    response = HttpResponse(PREVIEW_CSS, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- where to go ----------------------------------------------------------------------------


def cluster_links(
    *, user: Any, on_school: School | None = None, department: bool = False
) -> list[dict[str, Any]]:
    """(cluster, period) pages a user may open: the department's are every cluster's
    periods that have figures; a school's are the years it leads or deputies a cluster."""
    periods = {p.pk: p for p in periods_list()}
    pairs: list[tuple[Cluster, Period, str]] = []
    if department:
        seen = set()
        for cluster_id, period_id in Snapshot.objects.values_list("cluster_id", "period_id"):
            seen.add((cluster_id, period_id))
        clusters = Cluster.objects.in_bulk({c for c, _p in seen})
        pairs = [(clusters[c], periods[p], "department") for c, p in sorted(seen) if p in periods]
    else:
        memberships = ClusterMembership.objects.filter(
            school__staff__user=user, role__in=REVIEWER_ROLES
        ).select_related("cluster")
        if on_school is not None:
            memberships = memberships.filter(school=on_school)
        for membership in memberships:
            for period in periods.values():
                if period.year == membership.year:
                    pairs.append((membership.cluster, period, membership.role))
    pairs.sort(key=lambda p: (-p[1].year, p[1].code, p[0].slug))
    return [
        {
            "cluster": cluster,
            "cluster_name": _cluster_name(cluster),
            "period": period,
            "period_label": _period_label(period),
            "role_label": ROLE_LABELS.get(role, role),
        }
        for cluster, period, role in pairs
    ]


@require_GET
def cluster_index(request: HttpRequest) -> HttpResponse:
    """The hub host's list of cluster pages (the department's way in)."""
    is_department = department_membership(request.user) is not None  # type: ignore[arg-type]
    links = cluster_links(user=request.user, department=is_department)
    return render(request, "cluster/index.html", {"links": links})
