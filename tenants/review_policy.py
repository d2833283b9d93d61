"""The one review policy: who may accept, return or reopen a school's submission.

Pure: it reads two small facts objects (`ClusterSeats` for the submission's
school, `ReviewerStanding` for the user; `tenants.access` reads them from the
database) and the submission's state, and answers with a `Decision` naming the
rule. The services (`submissions.services.submission_review` / `submission_reopen`)
apply it for the pages and the API alike; `tenants.access.Access.can_review` and
the cluster board ask it who may review, to show the forms.

The rules:
1. Nobody reviews their own school's submission. A member's submission is reviewed
   by the cluster's lead school; the lead school's own by the standing deputy, or,
   when the cluster has none, by the department (a school outside any cluster, or
   a cluster without a lead, is reviewed by the department too).
2. Only approvers accept or return (editors prepare and submit); a department
   member acts for the department.
3. Reopening: before acceptance, the school's own approver or the department; after
   acceptance, only the reviewer's side (its approver) or the department; after the
   closing date, only the department. A reason is always needed (the service asks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.utils.translation import gettext as _

from tenants.models import ClusterRole, SchoolRole

DEPARTMENT = "department"

Action = Literal["accept", "return", "reopen"]
ACCEPT: Action = "accept"
RETURN: Action = "return"
REOPEN: Action = "reopen"
OWN_SCHOOL = "school"

# The rules' names, as the refusals carry them (`ForbiddenError.extra["rule"]`).
RULE_OWN_SCHOOL = "own_school"
RULE_NOT_REVIEWER = "not_reviewer"
RULE_APPROVERS_ONLY = "approvers_only"
RULE_CLOSED = "closed_department_only"
RULE_ACCEPTED = "accepted_reviewer_side_only"
RULE_REOPEN_OWN = "reopen_own_approver_or_department"


@dataclass(frozen=True)
class ClusterSeats:
    """A school's cluster in one year, as the review policy reads it."""

    school: str
    role: str | None = None
    lead: str | None = None
    standing_deputy: str | None = None
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewerStanding:
    """Who is acting: a department member, and/or staff (editor, approver) of schools."""

    is_department: bool = False
    school_roles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: str
    message: str = ""
    # When allowed: the side the user acts for (lead, standing_deputy, department or,
    # for reopening before acceptance, the school itself), recorded with the decision.
    role: str = ""
    # When allowed and acting for a school: that school's slug.
    school: str = ""


def reviewer_side(seats: ClusterSeats) -> tuple[str, str | None]:
    """Who reviews this school's submission: (role, school slug or None)."""
    if seats.role is None or seats.lead is None:
        return DEPARTMENT, None
    if seats.role == ClusterRole.LEAD:
        if seats.standing_deputy and seats.standing_deputy != seats.school:
            return ClusterRole.STANDING_DEPUTY, seats.standing_deputy
        return DEPARTMENT, None
    return ClusterRole.LEAD, seats.lead


def reviewer_label(seats: ClusterSeats) -> str:
    """The reviewer in words, for the board and for refusals."""
    role, slug = reviewer_side(seats)
    if role == DEPARTMENT or slug is None:
        return _("Vụ Các trường chính trị")
    name = seats.names.get(slug, slug)
    if role == ClusterRole.STANDING_DEPUTY:
        return _("trường cụm phó thường trực (%(school)s)") % {"school": name}
    return _("trường cụm trưởng (%(school)s)") % {"school": name}


def _refuse(rule: str, message: str) -> Decision:
    return Decision(allowed=False, rule=rule, message=message)


def review_decision(
    *,
    action: Action,
    user: ReviewerStanding,
    seats: ClusterSeats,
    accepted: bool,
    closed: bool,
) -> Decision:
    """May `user` take `action` on the submission of `seats.school`? See the module."""
    side, side_school = reviewer_side(seats)
    label = reviewer_label(seats)
    own_role = user.school_roles.get(seats.school)

    if action == REOPEN:
        if closed:
            if user.is_department:
                return Decision(True, RULE_CLOSED, role=DEPARTMENT)
            return _refuse(
                RULE_CLOSED,
                _(
                    "Kỳ báo cáo đã qua ngày khóa sổ: chỉ Vụ Các trường chính trị mới mở lại "
                    "được báo cáo, kèm lý do."
                ),
            )
        if accepted:
            if user.is_department:
                return Decision(True, RULE_ACCEPTED, role=DEPARTMENT)
            if side_school is not None and side_school in user.school_roles:
                if user.school_roles[side_school] != SchoolRole.APPROVER:
                    return _refuse(
                        RULE_APPROVERS_ONLY, _("Chỉ lãnh đạo phê duyệt mới được mở lại báo cáo.")
                    )
                return Decision(True, RULE_ACCEPTED, role=side, school=side_school)
            return _refuse(
                RULE_ACCEPTED,
                _(
                    "Báo cáo đã được chấp nhận: chỉ bên duyệt (%(reviewer)s) hoặc Vụ Các "
                    "trường chính trị mới mở lại được."
                )
                % {"reviewer": label},
            )
        if user.is_department:
            return Decision(True, RULE_REOPEN_OWN, role=DEPARTMENT)
        if own_role == SchoolRole.APPROVER:
            return Decision(True, RULE_REOPEN_OWN, role=OWN_SCHOOL, school=seats.school)
        if own_role is not None:
            return _refuse(
                RULE_APPROVERS_ONLY, _("Chỉ lãnh đạo phê duyệt mới được mở lại báo cáo.")
            )
        return _refuse(
            RULE_REOPEN_OWN,
            _(
                "Báo cáo chưa được chấp nhận chỉ do lãnh đạo phê duyệt của trường hoặc Vụ "
                "mở lại; bên duyệt dùng “Trả lại”."
            ),
        )

    # accept or return
    if own_role is not None:
        return _refuse(
            RULE_OWN_SCHOOL,
            _(
                "Không ai được duyệt báo cáo của chính trường mình: báo cáo của trường này "
                "do %(reviewer)s duyệt."
            )
            % {"reviewer": label},
        )
    if side == DEPARTMENT:
        if user.is_department:
            return Decision(True, RULE_NOT_REVIEWER, role=DEPARTMENT)
    elif side_school is not None and side_school in user.school_roles:
        if user.school_roles[side_school] != SchoolRole.APPROVER:
            return _refuse(
                RULE_APPROVERS_ONLY,
                _(
                    "Chỉ lãnh đạo phê duyệt mới được chấp nhận hoặc trả lại báo cáo; cán bộ "
                    "nhập liệu chuẩn bị và gửi báo cáo."
                ),
            )
        return Decision(True, RULE_NOT_REVIEWER, role=side, school=side_school)
    return _refuse(
        RULE_NOT_REVIEWER,
        _("Báo cáo của trường này do %(reviewer)s duyệt.") % {"reviewer": label},
    )
