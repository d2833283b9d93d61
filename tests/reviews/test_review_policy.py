"""The one review policy (`submissions.review_policy`), as a matrix.

Who: editor or approver of the lead (Quảng Ninh), the standing deputy (Hà Giang), a
deputy (Lạng Sơn) or a member (Điện Biên, Cao Bằng), or the department. Whose
report: a member's (Điện Biên: reviewed by the lead) or the lead's own (Quảng Ninh:
reviewed by the standing deputy). When: before or after acceptance, before or after
the closing date. Each case is tried on the page (the board's review form, the
school's reopen form) and over the API (/api/v1/submissions/<period>/accept|return|
reopen/), and both must give the expected answer. The expected answers are written
out here from the rules, independently of the policy's code.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django_tenants.utils import schema_context

from aggregation.models import Basis
from aggregation.selectors import snapshot_read
from aggregation.services import cluster_aggregate, cluster_basis_set, submission_publish
from catalogue.models import Period
from submissions.models import AuditEntry, Status, Submission
from submissions.services import (
    Actor,
    Changes,
    submission_review,
    submission_submit,
    submission_update,
)
from tenants.models import ClusterRole
from tenants.review_policy import (
    ACCEPT,
    REOPEN,
    RETURN,
    ClusterSeats,
    ReviewerStanding,
    review_decision,
)
from tenants.services import cluster_membership_set
from tests.conftest import NORTH
from tests.reviews.conftest import seed_002_cluster  # noqa: F401  (shared fixture)

PERIOD = "2024-H1"
API = f"/api/v1/submissions/{PERIOD}/"
SYSTEM = Actor(user_id=None, username="seed", channel="system")
COMPLETE = {
    "training.classes": 97,
    "training.learners": 3864,
    "research.projects": 9,
    "research.projects.ministry": 0,
    "research.projects.provincial": 3,
    "research.projects.school": 6,
    "research.projects.faculty": 0,
    "research.conferences": 1,
    "research.conferences.provincial": 1,
}

LEAD, STANDING_DEPUTY, DEPUTY = "quangninh", "hagiang", "langson"
MEMBERS = ("dienbien", "caobang")
REVIEWER = {"dienbien": LEAD, "quangninh": STANDING_DEPUTY}
ACTORS = [
    f"{school}-{role}"
    for school in (LEAD, STANDING_DEPUTY, DEPUTY, *MEMBERS)
    for role in ("editor", "approver")
] + ["department"]
ALLOWED, FORBIDDEN, CONFLICT = "allowed", "forbidden", "conflict"


def expected(actor: str, target: str, action: str, state: str, closed: bool) -> str:
    """The rules of issue 12, written out for this cluster."""
    school, _dash, role = actor.partition("-")
    department = actor == "department"
    reviewer_approver = school == REVIEWER[target] and role == "approver"
    if action in (ACCEPT, RETURN):
        # Nobody reviews their own school; only the reviewer's approver decides; the
        # closing date does not stop a review.
        if not reviewer_approver:
            return FORBIDDEN
        return ALLOWED if state == Status.SUBMITTED else CONFLICT
    if closed:
        return ALLOWED if department else FORBIDDEN
    if department:
        return ALLOWED
    if state == Status.ACCEPTED:
        return ALLOWED if reviewer_approver else FORBIDDEN
    return ALLOWED if school == target and role == "approver" else FORBIDDEN


SCENARIOS = [
    # (action, state before, after the closing date)
    (ACCEPT, Status.SUBMITTED, False),
    (ACCEPT, Status.SUBMITTED, True),
    (ACCEPT, Status.ACCEPTED, False),
    (RETURN, Status.SUBMITTED, False),
    (REOPEN, Status.SUBMITTED, False),
    (REOPEN, Status.ACCEPTED, False),
    (REOPEN, Status.ACCEPTED, True),
]


# --- the pure policy, every combination --------------------------------------------------


def seats_of(target: str, standing_deputy: str | None = STANDING_DEPUTY) -> ClusterSeats:
    roles = {LEAD: ClusterRole.LEAD, STANDING_DEPUTY: ClusterRole.STANDING_DEPUTY}
    role = roles.get(target, ClusterRole.MEMBER)
    return ClusterSeats(school=target, role=role, lead=LEAD, standing_deputy=standing_deputy)


def standing_of(actor: str) -> ReviewerStanding:
    if actor == "department":
        return ReviewerStanding(is_department=True)
    school, _dash, role = actor.partition("-")
    return ReviewerStanding(school_roles={school: role})


@pytest.mark.parametrize(
    ("actor", "target", "action", "state", "closed"),
    [
        (actor, target, action, state, closed)
        for actor, target, (action, state, closed) in itertools.product(
            ACTORS,
            REVIEWER,
            [
                (a, s, c)
                for a in (ACCEPT, RETURN, REOPEN)
                for s in (Status.SUBMITTED, Status.ACCEPTED)
                for c in (False, True)
            ],
        )
    ],
)
def test_policy_matrix(actor, target, action, state, closed):
    decision = review_decision(
        action=action,
        user=standing_of(actor),
        seats=seats_of(target),
        accepted=state == Status.ACCEPTED,
        closed=closed,
    )
    # The policy answers permission only; a decision on an accepted report is then
    # the service's conflict.
    want = expected(actor, target, action, state, closed)
    assert decision.allowed == (want != FORBIDDEN), decision
    assert decision.allowed or decision.message


def test_without_a_standing_deputy_the_department_reviews_the_leads_own():
    seats = seats_of(LEAD, standing_deputy=None)
    for actor in ACTORS:
        decision = review_decision(
            action=ACCEPT, user=standing_of(actor), seats=seats, accepted=False, closed=False
        )
        assert decision.allowed == (actor == "department"), actor


def test_refusals_name_the_rule_and_the_reviewer():
    own = review_decision(
        action=ACCEPT,
        user=standing_of("quangninh-approver"),
        seats=ClusterSeats(
            school=LEAD,
            role=ClusterRole.LEAD,
            lead=LEAD,
            standing_deputy=STANDING_DEPUTY,
            names={STANDING_DEPUTY: "Hà Giang", LEAD: "Quảng Ninh"},
        ),
        accepted=False,
        closed=False,
    )
    assert (own.allowed, own.rule) == (False, "own_school")
    assert "chính trường mình" in own.message and "Hà Giang" in own.message
    editor = review_decision(
        action=RETURN,
        user=standing_of("quangninh-editor"),
        seats=seats_of("dienbien"),
        accepted=False,
        closed=False,
    )
    assert (editor.allowed, editor.rule) == (False, "approvers_only")


# --- the page and the API give the same answer --------------------------------------------


def status_of(target: str) -> str:
    with schema_context(target):
        return Submission.objects.get(period__code=PERIOD).status


def prepare(world, target: str, state: str, closed: bool) -> None:
    period = Period.objects.get(code=PERIOD)
    school = world.schools[target]
    submission_update(
        school=school,
        period=period,
        expected_version=0,
        changes=Changes(values=COMPLETE),
        actor=SYSTEM,
    )
    submission_submit(school=school, period=period, actor=SYSTEM)
    if state == Status.ACCEPTED:
        submission_review(school=school, period=period, actor=SYSTEM, accept=True)
    assert status_of(target) == state
    if closed:
        Period.objects.filter(pk=period.pk).update(closes_on=date(2024, 8, 1))


def on_page(page_client, actor: str, target: str, action: str) -> tuple[str, str]:
    before = status_of(target)
    own_school = None if actor == "department" else actor.partition("-")[0]
    if action == REOPEN:
        client = page_client(actor, target)
        response = client.post(f"/submissions/{PERIOD}/reopen/", {"reason": "Sửa số liệu"})
    else:
        client = page_client(actor, own_school)
        prefix = "/clusters/" if own_school is None else "/cluster/"
        response = client.post(
            f"{prefix}{NORTH}/{PERIOD}/review/{target}/",
            {"decision": action, "comment": "Cần kiểm tra lại số học viên"},
        )
    if response.status_code == 403:
        return FORBIDDEN, ""
    assert response.status_code == 302, response.status_code
    after = status_of(target)
    if after != before:
        return ALLOWED, after
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert errors, "a refused decision says why"
    if action == REOPEN:
        return FORBIDDEN, ""
    return CONFLICT, ""


def over_api(api_client, actor: str, target: str, action: str) -> tuple[str, str]:
    body = {"reason": "Sửa số liệu"} if action == REOPEN else {"comment": "Cần kiểm tra lại"}
    response = api_client(actor, target).post(f"{API}{action}/", body)
    outcome = {200: ALLOWED, 403: FORBIDDEN, 409: CONFLICT}.get(response.status_code)
    assert outcome is not None, (response.status_code, response.content)
    return outcome, response.json()["status"] if outcome == ALLOWED else ""


@pytest.mark.parametrize(("action", "state", "closed"), SCENARIOS)
@pytest.mark.parametrize("target", list(REVIEWER))
@pytest.mark.parametrize("actor", ACTORS)
def test_page_and_api_give_the_same_answer(
    world, page_client, api_client, actor, target, action, state, closed
):
    prepare(world, target, state, closed)
    want = expected(actor, target, action, state, closed)
    with transaction.atomic():
        page = on_page(page_client, actor, target, action)
        transaction.set_rollback(True)
    assert status_of(target) == state
    api = over_api(api_client, actor, target, action)
    assert page == api
    assert page[0] == want
    if want == ALLOWED and action != REOPEN:
        with schema_context(target):
            submission = Submission.objects.get(period__code=PERIOD)
        assert submission.reviewed_by == actor
        assert submission.reviewed_role == (
            ClusterRole.STANDING_DEPUTY if target == LEAD else ClusterRole.LEAD
        )
        assert submission.reviewed_school == REVIEWER[target]


def test_without_a_standing_deputy_the_department_accepts_the_leads_own(
    world, page_client, api_client
):
    cluster_membership_set(
        school=world.schools[STANDING_DEPUTY],
        cluster=world.clusters[NORTH],
        year=2024,
        role=ClusterRole.DEPUTY,
    )
    prepare(world, LEAD, Status.SUBMITTED, closed=False)
    board = page_client("department").get(f"/clusters/{NORTH}/{PERIOD}/").content.decode()
    assert "Duyệt: Vụ Các trường chính trị" in board
    assert over_api(api_client, "hagiang-approver", LEAD, ACCEPT)[0] == FORBIDDEN
    with transaction.atomic():
        assert on_page(page_client, "department", LEAD, ACCEPT) == (ALLOWED, Status.ACCEPTED)
        transaction.set_rollback(True)
    assert over_api(api_client, "department", LEAD, ACCEPT) == (ALLOWED, Status.ACCEPTED)
    with schema_context(LEAD):
        submission = Submission.objects.get(period__code=PERIOD)
        entry = AuditEntry.objects.filter(submission=submission, field="status").first()
    assert (submission.reviewed_role, submission.reviewed_school) == ("department", "")
    assert (entry.new, entry.username, entry.channel) == ("accepted", "department", "api")


def test_the_refusal_names_the_rule_in_both_languages(world, api_client):
    prepare(world, LEAD, Status.SUBMITTED, closed=False)
    client = api_client("quangninh-approver", LEAD)
    refused = client.post(f"{API}accept/")
    assert refused.status_code == 403
    assert refused.json()["rule"] == "own_school"
    assert "chính trường mình" in refused.json()["detail"]
    assert "Hà Giang" in refused.json()["detail"]
    english = client.post(f"{API}accept/", HTTP_ACCEPT_LANGUAGE="en")
    assert "own school" in english.json()["detail"]


def test_the_leads_own_report_accepted_by_the_standing_deputy_counts(
    seed_002_cluster,  # noqa: F811
    world,
    api_client,
):
    """The accepted-basis snapshot no longer leaves the lead's own figures out."""
    period, cluster = seed_002_cluster["period"], seed_002_cluster["cluster"]
    lead_classes = next(
        entry["values"]["training.classes"]
        for entry in seed_002_cluster["data"]["submissions"]
        if entry["school"] == LEAD
    )
    accepted = api_client("hagiang-approver", LEAD).post(f"{API}accept/")
    assert accepted.status_code == 200 and accepted.json()["reviewed_role"] == "standing_deputy"
    cluster_basis_set(cluster=cluster, period=period, basis=Basis.ACCEPTED)
    submission_publish(school=world.schools[LEAD], period=period)
    cluster_aggregate(cluster=cluster, period=period, force=True)
    data = snapshot_read(cluster=cluster, period=period, basis=Basis.ACCEPTED)
    assert data is not None
    assert data["totals"]["training.classes"] == lead_classes
    counted = [row["school"] for row in data["schools"] if row["values"].get("training.classes")]
    assert counted == [LEAD]
