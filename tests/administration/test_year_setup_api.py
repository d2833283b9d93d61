"""The department administrators' API (issue 12's contract): every route, its refusals,
and that a refused change changes nothing."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from openpyxl import Workbook

from administration.models import AdminChange
from catalogue.models import Period
from tenants.models import ClusterMembership, DepartmentMembership, SchoolLineage, SchoolMembership
from tenants.services import department_role_grant, user_ensure
from tests.conftest import MIDLANDS, NORTH, PASSWORD

ROUTES = [
    ("get", "/api/v1/admin/clusters/?year=2024"),
    ("post", "/api/v1/admin/clusters/"),
    ("get", f"/api/v1/admin/clusters/{NORTH}/years/2024/members/"),
    ("put", f"/api/v1/admin/clusters/{NORTH}/years/2024/members/"),
    ("get", "/api/v1/admin/schools/"),
    ("post", "/api/v1/admin/schools/"),
    ("get", "/api/v1/admin/users/"),
    ("post", "/api/v1/admin/users/"),
    ("get", "/api/v1/admin/users/quangninh-editor/roles/"),
    ("put", "/api/v1/admin/users/quangninh-editor/roles/"),
    ("get", "/api/v1/admin/periods/2024-H1/"),
    ("patch", "/api/v1/admin/periods/2024-H1/"),
    ("post", "/api/v1/admin/mergers/"),
    ("get", "/api/v1/admin/history/"),
]


@pytest.fixture
def admin_api(world, api_client):
    user = user_ensure(username="year-admin", password=PASSWORD)
    department_role_grant(user=user, is_admin=True)
    return api_client("year-admin")


def members_of(cluster: str, year: int) -> set[tuple[str, str]]:
    return set(
        ClusterMembership.objects.filter(cluster__slug=cluster, year=year).values_list(
            "school__schema_name", "role"
        )
    )


@pytest.mark.parametrize(("method", "url"), ROUTES)
def test_department_token_without_the_admin_role_is_refused_everywhere(
    world, api_client, method, url
):
    department = api_client("department")
    school = api_client("quangninh-approver")
    for client in (department, school):
        assert getattr(client, method)(url, {}, format="json").status_code == 403
    assert api_client(None).get(url).status_code == 401


def test_admin_routes_are_not_served_on_a_school_host(world, api_client):
    user = user_ensure(username="year-admin", password=PASSWORD)
    department_role_grant(user=user, is_admin=True)
    on_school_host = api_client("year-admin", "quangninh")
    assert on_school_host.get("/api/v1/admin/clusters/").status_code == 404


def test_create_a_cluster_and_set_its_members_with_roles(admin_api):
    created = admin_api.post(
        "/api/v1/admin/clusters/",
        {"slug": "cum-moi", "name_vi": "Cụm mới", "name_en": "New cluster"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["slug"] == "cum-moi"
    assert (
        admin_api.post(
            "/api/v1/admin/clusters/", {"slug": "cum-moi", "name_vi": "x"}, format="json"
        ).status_code
        == 409
    )

    members = [
        {"school": "thanhhoa", "role": "lead"},
        {"school": "vinhphuc", "role": "standing_deputy"},
    ]
    put = admin_api.put(
        "/api/v1/admin/clusters/cum-moi/years/2030/members/", {"members": members}, format="json"
    )
    assert put.status_code == 200, put.json()
    assert [m["role"] for m in put.json()["members"]] == ["lead", "standing_deputy"]
    assert members_of("cum-moi", 2030) == {("thanhhoa", "lead"), ("vinhphuc", "standing_deputy")}

    listed = admin_api.get("/api/v1/admin/clusters/", {"year": 2030}).json()
    entry = next(cluster for cluster in listed if cluster["slug"] == "cum-moi")
    assert [m["school"] for m in entry["members"]] == ["thanhhoa", "vinhphuc"]
    history = admin_api.get("/api/v1/admin/history/", {"target": "cum-moi/2030"}).json()
    assert history[0]["actor"] == "year-admin" and history[0]["before"] == []


@pytest.mark.parametrize(
    ("members", "says"),
    [
        (
            [{"school": "quangninh", "role": "lead"}, {"school": "hagiang", "role": "lead"}],
            "một cụm trưởng",
        ),
        ([{"school": "quangninh"}, {"school": "thainguyen"}], "chỉ thuộc một cụm"),
        ([{"school": "quangninh"}, {"school": "khongco"}], "khongco"),
        ([{"school": "quangninh"}, {"school": "quangninh"}], "2 lần"),
    ],
)
def test_a_wrong_member_list_is_refused_whole(admin_api, members, says):
    before = members_of(NORTH, 2024)
    refused = admin_api.put(
        f"/api/v1/admin/clusters/{NORTH}/years/2024/members/", {"members": members}, format="json"
    )
    assert refused.status_code == 400
    assert says in refused.json()["detail"]
    assert members_of(NORTH, 2024) == before


def test_copy_last_years_clusters_in_one_action(admin_api):
    copied = admin_api.post(
        "/api/v1/admin/clusters/copy-year/", {"from_year": 2024, "to_year": 2031}, format="json"
    )
    assert copied.status_code == 200
    assert NORTH in copied.json()["copied"]
    assert members_of(NORTH, 2031) == members_of(NORTH, 2024)
    again = admin_api.post(
        "/api/v1/admin/clusters/copy-year/", {"from_year": 2024, "to_year": 2031}, format="json"
    )
    assert again.json()["copied"] == []


def decision_xlsx(rows: list[tuple[str, ...]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_the_academys_decision_dry_run_then_apply(admin_api):
    data = decision_xlsx(
        [
            ("cluster", "school", "role"),
            (MIDLANDS, "thainguyen", "member"),
            (MIDLANDS, "backan", "lead"),
            (MIDLANDS, "quangninh", "standing_deputy"),
        ]
    )

    def send(dry_run: bool):
        return admin_api.post(
            "/api/v1/admin/clusters/import/",
            {"file": io.BytesIO(data), "year": 2032, "dry_run": "true" if dry_run else "false"},
            format="multipart",
        )

    dry = send(True)
    assert dry.status_code == 200 and dry.json()["applied"] is False
    assert members_of(MIDLANDS, 2032) == set()
    applied = send(False)
    assert applied.status_code == 200 and applied.json()["applied"] is True
    assert members_of(MIDLANDS, 2032) == {
        ("thainguyen", "member"),
        ("backan", "lead"),
        ("quangninh", "standing_deputy"),
    }


def test_an_import_with_one_bad_row_changes_nothing_and_names_the_row(admin_api):
    csv = f"cluster,school,role\n{MIDLANDS},thainguyen,lead\n{MIDLANDS},backan,member,x\n"
    refused = admin_api.post(
        "/api/v1/admin/clusters/import/",
        {"file": io.BytesIO(csv.encode()), "year": 2033, "dry_run": "false"},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "Dòng 3" in refused.json()["detail"]
    assert members_of(MIDLANDS, 2033) == set()


def test_create_rename_and_deactivate_a_school(admin_api):
    created = admin_api.post(
        "/api/v1/admin/schools/",
        {"slug": "yenbai", "name_vi": "Trường Chính trị tỉnh Yên Bái", "province": "Yên Bái"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["hosts"] == ["yenbai.localhost"]
    renamed = admin_api.patch(
        "/api/v1/admin/schools/yenbai/", {"name_vi": "Trường Chính trị Yên Bái"}, format="json"
    )
    assert renamed.json()["name_vi"] == "Trường Chính trị Yên Bái"
    admin_api.patch("/api/v1/admin/schools/yenbai/", {"is_active": False}, format="json")
    refused = admin_api.put(
        f"/api/v1/admin/clusters/{NORTH}/years/2034/members/",
        {"members": [{"school": "yenbai"}]},
        format="json",
    )
    assert refused.status_code == 400 and "ngừng hoạt động" in refused.json()["detail"]
    bad = admin_api.post(
        "/api/v1/admin/schools/", {"slug": "Yen Bai", "name_vi": "x"}, format="json"
    )
    assert bad.status_code == 400


def test_create_a_user_who_sets_their_own_password_then_gets_roles(admin_api):
    created = admin_api.post(
        "/api/v1/admin/users/",
        {"username": "yb-editor", "full_name": "Cán bộ Yên Bái"},
        format="json",
    )
    assert created.status_code == 201
    link = created.json()["password_set_link"]
    user = get_user_model().objects.get(username="yb-editor")
    assert not user.has_usable_password()

    browser = Client(HTTP_HOST="localhost")
    path = urlsplit(link).path
    form = browser.get(path, follow=True)
    assert form.status_code == 200
    done = browser.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": "a-long-pass-phrase-42", "new_password2": "a-long-pass-phrase-42"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-pass-phrase-42")

    roles = admin_api.put(
        "/api/v1/admin/users/yb-editor/roles/",
        {"schools": [{"school": "laocai", "role": "editor"}], "department": None},
        format="json",
    )
    assert roles.status_code == 200
    assert roles.json()["schools"] == [{"school": "laocai", "role": "editor"}]
    withdrawn = admin_api.put(
        "/api/v1/admin/users/yb-editor/roles/", {"schools": [], "is_active": False}, format="json"
    )
    assert withdrawn.json()["schools"] == [] and withdrawn.json()["is_active"] is False
    assert not SchoolMembership.objects.filter(user=user).exists()
    assert (
        admin_api.post("/api/v1/admin/users/", {"username": "yb-editor"}, format="json").status_code
        == 409
    )


def test_roles_naming_an_unknown_school_change_nothing(admin_api):
    before = list(SchoolMembership.objects.filter(user__username="quangninh-editor").values_list())
    refused = admin_api.put(
        "/api/v1/admin/users/quangninh-editor/roles/",
        {"schools": [{"school": "nowhere", "role": "editor"}]},
        format="json",
    )
    assert refused.status_code == 400
    after = list(SchoolMembership.objects.filter(user__username="quangninh-editor").values_list())
    assert after == before


def test_department_admin_role_given_and_withdrawn(admin_api):
    admin_api.put(
        "/api/v1/admin/users/department/roles/",
        {"schools": [], "department": {"admin": True, "scoring": False}},
        format="json",
    )
    assert DepartmentMembership.objects.get(user__username="department").is_admin
    admin_api.put(
        "/api/v1/admin/users/department/roles/",
        {"schools": [], "department": {"admin": False, "scoring": False}},
        format="json",
    )
    assert not DepartmentMembership.objects.get(user__username="department").is_admin


def test_period_dates_and_a_schools_extension(admin_api):
    period = admin_api.get("/api/v1/admin/periods/2024-H1/").json()
    moved = admin_api.patch(
        "/api/v1/admin/periods/2024-H1/", {"deadline": period["opens_on"]}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["deadline"] == period["opens_on"]
    refused = admin_api.patch(
        "/api/v1/admin/periods/2024-H1/",
        {"deadline": "2099-12-31", "closes_on": "2099-01-01"},
        format="json",
    )
    assert refused.status_code == 400
    assert str(Period.objects.get(code="2024-H1").deadline) == period["opens_on"]
    extension = admin_api.post(
        "/api/v1/admin/periods/2024-H1/extensions/",
        {"school": "sonla", "deadline": "2099-06-30", "reason": "Lũ lụt"},
        format="json",
    )
    assert extension.status_code == 201
    no_reason = admin_api.post(
        "/api/v1/admin/periods/2024-H1/extensions/",
        {"school": "sonla", "deadline": "2099-06-30", "reason": " "},
        format="json",
    )
    assert no_reason.status_code == 400
    assert admin_api.get("/api/v1/admin/periods/2099-H1/").status_code == 404


def test_merge_two_schools_into_one(admin_api):
    merged = admin_api.post(
        "/api/v1/admin/mergers/",
        {"into": "laocai", "from": ["sonla", "laichau"], "effective": "2025-H2"},
        format="json",
    )
    assert merged.status_code == 201, merged.json()
    school = admin_api.get("/api/v1/admin/schools/laocai/").json()
    assert {p["slug"] for p in school["predecessors"]} == {"sonla", "laichau"}
    lineage = SchoolLineage.objects.get(predecessor__schema_name="sonla")
    assert str(lineage.effective_from) == "2025-07-01"
    again = admin_api.post(
        "/api/v1/admin/mergers/",
        {"into": "dienbien", "from": ["sonla"], "effective": "2026"},
        format="json",
    )
    assert again.status_code == 409
    nonsense = admin_api.post(
        "/api/v1/admin/mergers/",
        {"into": "dienbien", "from": ["caobang"], "effective": "soon"},
        format="json",
    )
    assert nonsense.status_code == 400
    assert AdminChange.objects.filter(action="schools_merge").count() == 1
