"""The board: who has reported, who is late, who reviews each report; and the
accept/return decision taken from it (the review policy decides, in the service)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aggregation.selectors import FULL_VIEW_ROLES, open_findings
from aggregation.transforms import completeness
from catalogue.models import Period
from core.errors import DomainError
from hub.http import HubRequest
from hub.views.cluster.common import (
    ROLE_LABELS,
    Viewer,
    newlines,
    open_viewer,
    page_actor,
    page_url,
    school_url,
)
from hub.views.errors import http_errors
from hub.views.submissions import STATUS_LABELS
from submissions.models import Status
from submissions.selectors import submission_states
from submissions.services import submission_review
from submissions.validation import Finding
from tenants.access import reviewer_standing
from tenants.models import ClusterMembership, ClusterRole, School
from tenants.review_policy import (
    ACCEPT,
    ClusterSeats,
    ReviewerStanding,
    review_decision,
    reviewer_label,
)
from tenants.selectors import cluster_members

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOT_STARTED = "not_started"


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
    finding_items: list[Finding]
    review_comment: str
    reviewed_by: str
    reviewer: str
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


def late_schools(
    *, states: Mapping[str, Mapping[str, Any]], slugs: Sequence[str], period: Period, now: datetime
) -> set[str]:
    """Who is late, by the snapshot's own rule (`aggregation.transforms.completeness`)
    applied to the submissions as they are now."""
    frame = pd.DataFrame(
        [
            {
                "school": slug,
                "period": period.code,
                "status": state.get("status", NOT_STARTED),
                "submitted_at": state.get("submitted_at"),
                "updated_at": state.get("updated_at"),
            }
            for slug, state in states.items()
        ],
        columns=["school", "period", "status", "submitted_at", "updated_at"],
    )
    result = completeness(
        submissions=frame,
        schools=list(slugs),
        period=period.code,
        deadline=period.deadline,
        now=now,
    )
    return set(result["late"])


def _open_findings(
    viewer: Viewer, members: Sequence[ClusterMembership], states: Mapping[str, Any]
) -> dict[str, list[Finding]]:
    """Each member's open findings from the one selector the school's page and the
    API read (`aggregation.selectors.open_findings`); only for the viewers who see
    every school's row (a member sees no other school's findings)."""
    if viewer.role not in FULL_VIEW_ROLES:
        return {}
    return open_findings(
        schools=[m.school for m in members if m.school.schema_name in states],
        period=viewer.period,
    )


def _seats(members: Sequence[ClusterMembership]) -> dict[str, ClusterSeats]:
    """Each member's place for the review policy, from the board's own list."""
    holders = {m.role: m.school.schema_name for m in members if m.role != ClusterRole.MEMBER}
    names = {m.school.schema_name: m.school.short_name or m.school.name_vi for m in members}
    return {
        m.school.schema_name: ClusterSeats(
            school=m.school.schema_name,
            role=m.role,
            lead=holders.get(ClusterRole.LEAD),
            standing_deputy=holders.get(ClusterRole.STANDING_DEPUTY),
            names=names,
        )
        for m in members
    }


def board_rows(
    request: HubRequest, viewer: Viewer, snapshot: Mapping[str, Any] | None
) -> list[BoardRow]:
    members = cluster_members(cluster=viewer.cluster, year=viewer.period.year)
    slugs = [m.school.schema_name for m in members]
    states = submission_states(schools=[m.school for m in members], period=viewer.period)
    now = django_timezone.now()
    late = late_schools(states=states, slugs=slugs, period=viewer.period, now=now)
    findings = _open_findings(viewer, members, states)
    seats = _seats(members)
    user_id = request.user.pk
    user = reviewer_standing(user_id=user_id) if user_id is not None else ReviewerStanding()
    closed = django_timezone.localdate() > viewer.period.closes_on
    rows = []
    for position, membership in enumerate(members, start=1):
        slug = membership.school.schema_name
        state = states.get(slug, {})
        status = state.get("status", NOT_STARTED)
        may_review = review_decision(
            action=ACCEPT, user=user, seats=seats[slug], accepted=False, closed=closed
        ).allowed
        rows.append(
            BoardRow(
                position=position,
                school=membership.school,
                role=membership.role,
                status=status,
                late=slug in late,
                changed_at=state.get("updated_at"),
                submitted_at=state.get("submitted_at"),
                version=state.get("version", 0),
                findings=len(findings.get(slug, [])),
                finding_items=findings.get(slug, []),
                review_comment=state.get("review_comment", ""),
                reviewed_by=state.get("reviewed_by", ""),
                reviewer=reviewer_label(seats[slug]),
                can_review=may_review and status == Status.SUBMITTED,
                url=school_url(request, slug, f"/submissions/{viewer.period.code}/"),
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


@require_POST
def cluster_review_submission(
    request: HubRequest, cluster_slug: str, period_code: str, school: str
) -> HttpResponse:
    """Accept or return a member's submitted report from the board. Who may is the
    review policy's answer (`submissions.review_policy`), as over the API."""
    viewer = open_viewer(request, cluster_slug, period_code)
    membership = next(
        (
            m
            for m in cluster_members(cluster=viewer.cluster, year=viewer.period.year)
            if m.school.schema_name == school
        ),
        None,
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
        # The review policy's refusal (ForbiddenError) is a 403 naming the rule, as
        # over the API; any other refusal is shown on the board.
        with http_errors():
            submission_review(
                school=membership.school,
                period=viewer.period,
                actor=page_actor(request),
                accept=decision == "accept",
                comment=newlines(request.POST.get("comment", "")),
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
    return redirect(page_url(viewer, f"school-{school}"))
