"""Tenant isolation: a school's host answers only its own people (and reviewers)."""

import pytest

SCHOOL_PAGES = ["/", "/api/v1/me/"]


@pytest.mark.parametrize("path", ["/"])
def test_user_of_another_school_gets_403_on_pages(world, page_client, path):
    assert page_client("dienbien-editor", "backan").get(path).status_code == 403


def test_user_of_another_school_gets_403_on_the_api(world, api_client):
    assert api_client("dienbien-editor", "backan").get("/api/v1/me/").status_code == 403


def test_logged_in_user_without_any_membership_is_refused(world, page_client, api_client):
    assert page_client("nobody", "quangninh").get("/").status_code == 403
    assert api_client("nobody", "quangninh").get("/api/v1/me/").status_code == 403


def test_anonymous_page_goes_to_login_and_anonymous_api_gets_401(world, page_client, api_client):
    response = page_client(None, "quangninh").get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert api_client(None, "quangninh").get("/api/v1/me/").status_code == 401


def test_own_school_user_gets_in(world, page_client, api_client):
    assert page_client("quangninh-editor", "quangninh").get("/").status_code == 200
    me = api_client("quangninh-editor", "quangninh").get("/api/v1/me/").json()
    assert me["tenant"]["schema"] == "quangninh"
    assert me["memberships"] == [
        {"school": "quangninh", "school_name": world.schools["quangninh"].name_vi, "role": "editor"}
    ]


def test_lead_school_user_reaches_a_member_of_its_cluster_only_for_its_lead_year(world, api_client):
    me = api_client("quangninh-approver", "dienbien").get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["access"]["review_roles"] == {"2024": "lead"}
    # Thái Nguyên is in another cluster: Quảng Ninh's lead role gives nothing there.
    assert api_client("quangninh-approver", "thainguyen").get("/api/v1/me/").status_code == 403


def test_member_school_does_not_reach_its_lead(world, api_client):
    assert api_client("dienbien-editor", "quangninh").get("/api/v1/me/").status_code == 403


def test_department_reads_every_school(world, api_client, page_client):
    me = api_client("department", "backan").get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["department"] is True
    assert page_client("department", "backan").get("/").status_code == 200


def test_public_host_requires_login(world, page_client):
    response = page_client(None).get("/")
    assert response.status_code == 302


def test_hub_home_links_the_department_and_lead_schools_to_their_tools(world, page_client):
    department = page_client("department").get("/").content.decode()
    assert (
        "/clusters/" in department and "/uploads/bulk/" in department and "/rankings/" in department
    )
    lead = page_client("quangninh-approver").get("/").content.decode()
    assert "/uploads/bulk/" in lead and "/clusters/" not in lead
    member = page_client("dienbien-editor").get("/").content.decode()
    assert "/uploads/bulk/" not in member


def test_can_review_is_the_review_policys_answer(world):
    """The school's form offers review to exactly whom the review policy allows."""
    from tenants.access import access_for
    from tests.conftest import user

    lead, member = world.schools["quangninh"], world.schools["dienbien"]

    def can_review(username, school, year=2024):
        return access_for(user=user(username), tenant=school).can_review(year)

    assert can_review("quangninh-approver", member)
    assert not can_review("quangninh-editor", member)  # editors prepare, approvers decide
    assert not can_review("quangninh-approver", lead)  # never one's own school
    assert can_review("hagiang-approver", lead)  # the standing deputy reviews the lead's own
    assert not can_review("hagiang-approver", member)
    assert not can_review("langson-approver", member)  # a deputy reads only
    assert not can_review("department", member)
    assert not can_review("quangninh-approver", member, 2023)  # Quảng Ninh led in 2024 only


def test_can_reopen_is_the_review_policys_answer(world):
    """The school's form offers reopening to exactly whom the review policy allows."""
    from datetime import date

    from tenants.access import access_for
    from tests.conftest import user

    lead, member = world.schools["quangninh"], world.schools["dienbien"]
    open_until, closed_on = date(2099, 12, 31), date(2024, 8, 1)

    def can_reopen(username, school, accepted, closes_on=open_until):
        access = access_for(user=user(username), tenant=school)
        return access.can_reopen(2024, accepted=accepted, closes_on=closes_on)

    assert can_reopen("dienbien-approver", member, accepted=False)
    assert not can_reopen("dienbien-editor", member, accepted=False)
    assert not can_reopen("dienbien-approver", member, accepted=True)  # the lead accepted it
    assert can_reopen("quangninh-approver", member, accepted=True)
    assert not can_reopen("quangninh-approver", member, accepted=False)  # it returns instead
    assert can_reopen("hagiang-approver", lead, accepted=True)
    assert not can_reopen("quangninh-approver", lead, accepted=True)
    assert not can_reopen("quangninh-approver", member, accepted=True, closes_on=closed_on)
    assert can_reopen("department", member, accepted=True, closes_on=closed_on)
