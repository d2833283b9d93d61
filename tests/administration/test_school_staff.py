"""A school's approver manages its own school's editors (issue 12, point 1, people):
the /staff/ page and its API twin on the school's host. Only the host school's
approvers; an approver cannot touch another approver; a new editor sets their own
password through the one-time link and signs in; every change is audited."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from administration.models import AdminChange
from tenants.models import SchoolMembership

HOST = "dienbien"
HOST_NAME = f"{HOST}.{settings.HUB_DOMAIN}"


def role_at(username: str, school: str = HOST) -> str | None:
    return (
        SchoolMembership.objects.filter(user__username=username, school__schema_name=school)
        .values_list("role", flat=True)
        .first()
    )


def audited(action: str, username: str, actor: str) -> bool:
    return AdminChange.objects.filter(action=action, target=username, actor=actor).exists()


def set_password_and_sign_in(link: str, password: str) -> Client:
    """Open the one-time link on the school's host, set a password, sign in there."""
    browser = Client(HTTP_HOST=HOST_NAME)
    path = urlsplit(link).path
    form = browser.get(path, follow=True)
    assert form.status_code == 200
    done = browser.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": password, "new_password2": password},
    )
    assert done.status_code == 302
    return browser


# --- the page ---------------------------------------------------------------------------


def test_the_approver_lists_creates_withdraws_and_gives_back_an_editor(world, page_client):
    approver = page_client(f"{HOST}-approver", HOST)
    home = approver.get("/")
    assert b'href="/staff/"' in home.content
    listed = approver.get("/staff/")
    assert listed.status_code == 200
    roles = {p["username"]: p["role"] for p in listed.context["people"]}
    assert roles[f"{HOST}-approver"] == "approver"
    assert roles[f"{HOST}-editor"] == "editor"

    created = approver.post(
        "/staff/",
        {"action": "create", "username": "db-new-editor", "full_name": "Lò Văn B"},
        follow=True,
    )
    assert created.redirect_chain[-1][0] == "/staff/"
    link = created.context["new_link"]["link"]
    assert f"http://{HOST_NAME}/accounts/reset/" in link
    assert link.encode() in created.content
    assert role_at("db-new-editor") == "editor"
    assert audited("user_create", "db-new-editor", f"{HOST}-approver")
    assert audited("school_editor_grant", "db-new-editor", f"{HOST}-approver")
    # The link is shown once only.
    assert approver.get("/staff/").context["new_link"] is None

    withdrawn = approver.post("/staff/", {"action": "withdraw", "username": "db-new-editor"})
    assert withdrawn.status_code == 302
    assert role_at("db-new-editor") is None
    assert audited("school_editor_withdraw", "db-new-editor", f"{HOST}-approver")
    people = {p["username"]: p["role"] for p in approver.get("/staff/").context["people"]}
    assert people["db-new-editor"] is None  # listed, to be given back

    approver.post("/staff/", {"action": "grant", "username": "db-new-editor"})
    assert role_at("db-new-editor") == "editor"
    assert (
        AdminChange.objects.filter(action="school_editor_grant", target="db-new-editor").count()
        == 2
    )

    taken = approver.post("/staff/", {"action": "create", "username": "db-new-editor"})
    assert taken.status_code == 409
    bad = approver.post("/staff/", {"action": "create", "username": "có dấu cách"})
    assert bad.status_code == 400


def test_the_new_editors_link_sets_a_password_and_signs_in_on_the_schools_host(world, page_client):
    approver = page_client(f"{HOST}-approver", HOST)
    created = approver.post(
        "/staff/", {"action": "create", "username": "db-link-editor"}, follow=True
    )
    link = created.context["new_link"]["link"]
    set_password_and_sign_in(link, "a-long-pass-phrase-42")
    editor = get_user_model().objects.get(username="db-link-editor")
    assert editor.check_password("a-long-pass-phrase-42")
    browser = Client(HTTP_HOST=HOST_NAME)
    signed_in = browser.post(
        "/accounts/login/",
        {"username": "db-link-editor", "password": "a-long-pass-phrase-42"},
    )
    assert signed_in.status_code == 302
    home = browser.get("/")
    assert home.status_code == 200
    assert home.context["access"].school_role == "editor"
    # An editor does not manage staff.
    assert browser.get("/staff/").status_code == 403


@pytest.mark.parametrize(
    "username",
    [
        f"{HOST}-editor",  # the school's editor
        "quangninh-approver",  # another school's approver (the lead, who may view this host)
        "backan-approver",  # another school's approver with no standing here
        "department",  # the department: people are managed on /setup/people/
    ],
)
def test_anyone_but_the_schools_approver_is_refused_the_page(world, page_client, username):
    client = page_client(username, HOST)
    assert client.get("/staff/").status_code == 403
    refused = client.post("/staff/", {"action": "create", "username": "db-intruder"})
    assert refused.status_code == 403
    assert (
        client.post("/staff/", {"action": "withdraw", "username": f"{HOST}-editor"}).status_code
        == 403
    )
    assert not get_user_model().objects.filter(username="db-intruder").exists()
    assert role_at(f"{HOST}-editor") == "editor"
    home = client.get("/")  # backan has no standing on this host at all: 403
    assert (
        home.status_code == 403
        if username == "backan-approver"
        else b'href="/staff/"' not in home.content
    )


def test_an_approver_cannot_remove_another_approver_nor_a_stranger(world, page_client):
    SchoolMembership.objects.create(
        user=get_user_model().objects.create(username="db-second-approver"),
        school=SchoolMembership.objects.get(user__username=f"{HOST}-approver").school,
        role="approver",
    )
    approver = page_client(f"{HOST}-approver", HOST)
    refused = approver.post("/staff/", {"action": "withdraw", "username": "db-second-approver"})
    assert refused.status_code == 400
    assert role_at("db-second-approver") == "approver"
    # Someone of another school is not this approver's to give a role to.
    stranger = approver.post("/staff/", {"action": "grant", "username": "backan-editor"})
    assert stranger.status_code == 404
    assert role_at("backan-editor") is None


# --- the API ----------------------------------------------------------------------------


def test_the_api_lists_creates_withdraws_and_gives_back(world, api_client):
    api = api_client(f"{HOST}-approver", HOST)
    listed = api.get("/api/v1/staff/")
    assert listed.status_code == 200
    assert {p["username"]: p["role"] for p in listed.json()}[f"{HOST}-editor"] == "editor"

    created = api.post(
        "/api/v1/staff/",
        {"username": "db-api-editor", "full_name": "Quàng Thị C", "email": "c@example.vn"},
        format="json",
    )
    assert created.status_code == 201
    link = created.json()["password_set_link"]
    assert role_at("db-api-editor") == "editor"
    assert audited("school_editor_grant", "db-api-editor", f"{HOST}-approver")
    set_password_and_sign_in(link, "another-long-phrase-7")
    assert (
        get_user_model()
        .objects.get(username="db-api-editor")
        .check_password("another-long-phrase-7")
    )

    assert api.delete("/api/v1/staff/db-api-editor/").status_code == 204
    assert role_at("db-api-editor") is None
    assert audited("school_editor_withdraw", "db-api-editor", f"{HOST}-approver")
    assert api.put("/api/v1/staff/db-api-editor/").status_code == 200
    assert role_at("db-api-editor") == "editor"

    assert (
        api.post("/api/v1/staff/", {"username": "db-api-editor"}, format="json").status_code == 409
    )
    assert api.delete(f"/api/v1/staff/{HOST}-approver/").status_code == 400
    assert role_at(f"{HOST}-approver") == "approver"
    assert api.delete("/api/v1/staff/backan-editor/").status_code == 404


@pytest.mark.parametrize(
    "username", [f"{HOST}-editor", "quangninh-approver", "backan-approver", "department"]
)
def test_the_api_refuses_anyone_but_the_schools_approver(world, api_client, username):
    api = api_client(username, HOST)
    assert api.get("/api/v1/staff/").status_code == 403
    assert api.post("/api/v1/staff/", {"username": "db-intruder"}, format="json").status_code == 403
    assert api.delete(f"/api/v1/staff/{HOST}-editor/").status_code == 403
    assert not get_user_model().objects.filter(username="db-intruder").exists()
    assert role_at(f"{HOST}-editor") == "editor"


def test_the_api_is_not_served_on_the_hubs_own_host(world, api_client):
    assert api_client("department", None).get("/api/v1/staff/").status_code == 404
