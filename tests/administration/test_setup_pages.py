"""The department's year set-up pages (issue 12, point 1): who may open them, each
form's success (redirect with a message, the change made and audited) and refusal
(the message on the page, 400 or 409, nothing changed)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from administration.models import (
    AdminChange,
    DeadlineExtension,
    ProvisioningJob,
    ProvisioningStatus,
)
from administration.services import school_provisioning_run
from catalogue.models import Period
from tenants.models import (
    Cluster,
    ClusterMembership,
    DepartmentMembership,
    School,
    SchoolLineage,
    SchoolMembership,
)
from tenants.services import department_role_grant, user_ensure
from tests.conftest import MIDLANDS, NORTH, PASSWORD

PAGES = [
    "/setup/?year=2024",
    f"/setup/clusters/{NORTH}/2024/",
    "/setup/schools/",
    "/setup/people/",
    "/setup/people/quangninh-editor/",
    "/setup/periods/",
    "/setup/mergers/",
    "/setup/history/",
]
POSTS = [
    "/setup/clusters/",
    "/setup/copy/",
    "/setup/import/",
    "/setup/import/confirm/",
    f"/setup/clusters/{NORTH}/2024/",
    "/setup/schools/",
    "/setup/schools/quangninh/",
    "/setup/people/",
    "/setup/people/quangninh-editor/",
    "/setup/periods/2024-H1/",
    "/setup/periods/extensions/",
    "/setup/mergers/",
]


@pytest.fixture
def admin(world, page_client):
    user = user_ensure(username="year-admin", password=PASSWORD)
    department_role_grant(user=user, is_admin=True)
    return page_client("year-admin")


def members_of(cluster: str, year: int) -> set[tuple[str, str]]:
    return set(
        ClusterMembership.objects.filter(cluster__slug=cluster, year=year).values_list(
            "school__schema_name", "role"
        )
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def formset_data(prefix: str, rows: list[dict[str, str]]) -> dict[str, str]:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", PAGES)
def test_only_department_administrators_open_the_set_up_pages(admin, page_client, url):
    assert admin.get(url).status_code == 200
    assert page_client("department").get(url).status_code == 403
    assert page_client("quangninh-approver").get(url).status_code == 403
    anonymous = page_client(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.parametrize("url", POSTS)
def test_nobody_else_can_post_to_the_set_up_forms(world, page_client, url):
    before = AdminChange.objects.count()
    assert page_client("department").post(url, {"year": "2024"}).status_code == 403
    assert page_client("quangninh-approver").post(url, {"year": "2024"}).status_code == 403
    assert page_client(None).post(url, {"year": "2024"}).status_code == 302
    assert AdminChange.objects.count() == before


def test_set_up_pages_are_not_served_on_a_school_host(admin, page_client):
    assert page_client("year-admin", "quangninh").get("/setup/").status_code == 404


def test_the_public_home_links_the_set_up_for_administrators_only(admin, page_client):
    assert b'href="/setup/"' in admin.get("/").content
    assert b'href="/setup/"' not in page_client("department").get("/").content


# --- the year's clusters ----------------------------------------------------------------


def test_the_year_page_shows_each_cluster_with_its_roles(admin):
    page = admin.get("/setup/?year=2024")
    north = next(c for c in page.context["clusters"] if c["slug"] == NORTH)
    assert [m["school"] for m in north["lead"]] == ["quangninh"]
    assert [m["school"] for m in north["standing_deputy"]] == ["hagiang"]
    assert [m["school"] for m in north["deputies"]] == ["langson"]
    assert north["count"] == 8
    assert f'href="/setup/clusters/{NORTH}/2024/"'.encode() in page.content


def test_create_a_cluster_then_refuse_the_same_code(admin):
    created = admin.post(
        "/setup/clusters/", {"year": "2026", "slug": "cum-moi", "name_vi": "Cụm mới"}, follow=True
    )
    assert created.redirect_chain[-1][0] == "/setup/clusters/cum-moi/2026/"
    assert any("Đã tạo cụm" in m for m in messages_of(created))
    assert Cluster.objects.filter(slug="cum-moi", name_vi="Cụm mới").exists()
    again = admin.post("/setup/clusters/", {"year": "2026", "slug": "cum-moi", "name_vi": "Khác"})
    assert again.status_code == 409
    assert any("đã tồn tại" in m for m in messages_of(again))
    assert Cluster.objects.get(slug="cum-moi").name_vi == "Cụm mới"
    invalid = admin.post("/setup/clusters/", {"year": "2026", "slug": "Có dấu", "name_vi": "x"})
    assert invalid.status_code == 400 and not Cluster.objects.filter(name_vi="x").exists()


def test_copy_last_years_clusters_in_one_action(admin):
    copied = admin.post("/setup/copy/", {"year": "2025"}, follow=True)
    assert copied.redirect_chain[-1][0] == "/setup/?year=2025"
    assert members_of(NORTH, 2025) == members_of(NORTH, 2024)
    assert AdminChange.objects.filter(action="clusters_copy_year").exists()
    refused = admin.post("/setup/copy/", {"year": "nope"})
    assert refused.status_code == 400


def test_import_the_decision_dry_run_then_confirm(admin):
    csv = f"cluster,school,role\n{MIDLANDS},thainguyen,member\n{MIDLANDS},backan,lead\n".encode()
    before = members_of(MIDLANDS, 2024)
    dry = admin.post(
        "/setup/import/",
        {"year": "2024", "file": SimpleUploadedFile("quyet-dinh.csv", csv, "text/csv")},
    )
    assert dry.status_code == 200
    assert [(r["cluster"], r["school"]) for r in dry.context["preview"]] == [
        (MIDLANDS, "thainguyen"),
        (MIDLANDS, "backan"),
    ]
    assert b"/setup/import/confirm/" in dry.content
    assert members_of(MIDLANDS, 2024) == before  # a dry run changes nothing
    confirmed = admin.post("/setup/import/confirm/", {"year": "2024"}, follow=True)
    assert confirmed.redirect_chain[-1][0] == "/setup/?year=2024"
    assert members_of(MIDLANDS, 2024) == {("thainguyen", "member"), ("backan", "lead")}
    # The kept file is used once.
    assert admin.post("/setup/import/confirm/", {"year": "2024"}).status_code == 400


def test_an_import_with_problems_shows_them_and_cannot_be_confirmed(admin):
    csv = f"cluster,school,role\n{MIDLANDS},thainguyen,lead\n{MIDLANDS},khongco,member\n".encode()
    before = members_of(MIDLANDS, 2024)
    dry = admin.post(
        "/setup/import/",
        {"year": "2024", "file": SimpleUploadedFile("quyet-dinh.csv", csv, "text/csv")},
    )
    assert dry.status_code == 400
    assert any("khongco" in problem for problem in dry.context["plan"].problems)
    assert b"/setup/import/confirm/" not in dry.content
    assert admin.post("/setup/import/confirm/", {"year": "2024"}).status_code == 400
    unreadable = admin.post(
        "/setup/import/",
        {"year": "2024", "file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert unreadable.status_code == 400 and messages_of(unreadable)
    assert members_of(MIDLANDS, 2024) == before


# --- a cluster's members ------------------------------------------------------------------


def test_the_member_editor_saves_the_list_as_a_whole(admin):
    url = f"/setup/clusters/{MIDLANDS}/2026/"
    page = admin.get(url)
    assert page.status_code == 200 and len(page.context["formset"].forms) == 6
    rows = [
        {"school": "thainguyen", "role": "lead"},
        {"school": "backan", "role": "standing_deputy"},
        {"school": "", "role": "member"},
    ]
    saved = admin.post(url, formset_data("form", rows), follow=True)
    assert saved.redirect_chain[-1][0] == "/setup/?year=2026"
    assert members_of(MIDLANDS, 2026) == {("thainguyen", "lead"), ("backan", "standing_deputy")}
    # Removing a row with its delete box.
    rows = [{"school": "thainguyen", "role": "lead"}, {"school": "backan", "DELETE": "on"}]
    rows[1]["role"] = "member"
    admin.post(url, formset_data("form", rows))
    assert members_of(MIDLANDS, 2026) == {("thainguyen", "lead")}


def test_the_member_editor_refuses_two_leads_and_changes_nothing(admin):
    url = f"/setup/clusters/{NORTH}/2024/"
    before = members_of(NORTH, 2024)
    rows = [{"school": "quangninh", "role": "lead"}, {"school": "hagiang", "role": "lead"}]
    refused = admin.post(url, formset_data("form", rows))
    assert refused.status_code == 400
    assert any("một cụm trưởng" in m for m in messages_of(refused))
    elsewhere = admin.post(url, formset_data("form", [{"school": "thainguyen", "role": "member"}]))
    assert elsewhere.status_code == 400
    assert members_of(NORTH, 2024) == before
    assert admin.get("/setup/clusters/khongco/2024/").status_code == 404


# --- schools --------------------------------------------------------------------------


def test_create_a_school_through_a_provisioning_job(admin):
    created = admin.post(
        "/setup/schools/",
        {"slug": "yenbai", "name_vi": "Trường Chính trị tỉnh Yên Bái", "province": "Yên Bái"},
        follow=True,
    )
    assert created.redirect_chain[-1][0] == "/setup/schools/"
    job = ProvisioningJob.objects.get(slug="yenbai")
    assert job.status == ProvisioningStatus.QUEUED and job.created_by == "year-admin"
    assert created.context["polling"] is True
    status = admin.get(f"/setup/schools/jobs/{job.pk}/").json()
    assert status["status"] == "queued" and status["finished"] is False
    # The worker's side (run here directly; the browser test runs it in a real worker).
    assert school_provisioning_run(job_id=job.pk) is True
    assert school_provisioning_run(job_id=job.pk) is False  # a redelivery does nothing
    school = School.objects.get(schema_name="yenbai")
    assert [d.domain for d in school.domains.all()] == ["yenbai.localhost"]
    status = admin.get(f"/setup/schools/jobs/{job.pk}/").json()
    assert status["status"] == "done" and status["finished"] is True
    page = admin.get("/setup/schools/")
    assert page.context["polling"] is False and b"yenbai.localhost" in page.content
    assert AdminChange.objects.filter(action="school_create", target="yenbai").exists()


def test_school_creation_refusals_queue_nothing(admin):
    taken = admin.post("/setup/schools/", {"slug": "quangninh", "name_vi": "Trùng"})
    assert taken.status_code == 409
    malformed = admin.post("/setup/schools/", {"slug": "Yên-Bái", "name_vi": "x"})
    assert malformed.status_code == 400
    assert any("không hợp lệ" in m for m in messages_of(malformed))
    assert not ProvisioningJob.objects.exists()
    admin.post("/setup/schools/", {"slug": "yenbai", "name_vi": "Yên Bái"})
    twice = admin.post("/setup/schools/", {"slug": "yenbai", "name_vi": "Yên Bái"})
    assert twice.status_code == 409 and ProvisioningJob.objects.count() == 1


def test_a_failed_provisioning_job_says_why(admin):
    admin.post("/setup/schools/", {"slug": "yenbai", "name_vi": "Yên Bái"})
    job = ProvisioningJob.objects.get()
    ProvisioningJob.objects.filter(pk=job.pk).update(slug="quangninh")  # taken meanwhile
    assert school_provisioning_run(job_id=job.pk) is False
    status = admin.get(f"/setup/schools/jobs/{job.pk}/").json()
    assert status["status"] == "failed" and "đã tồn tại" in status["message"]


def test_rename_deactivate_and_reactivate_a_school(admin):
    url = "/setup/schools/dienbien/"
    renamed = admin.post(url, {"action": "rename", "name_vi": "Trường Chính trị Điện Biên"})
    assert renamed.status_code == 302
    assert School.objects.get(schema_name="dienbien").name_vi == "Trường Chính trị Điện Biên"
    admin.post(url, {"action": "deactivate"})
    assert School.objects.get(schema_name="dienbien").is_active is False
    admin.post(url, {"action": "reactivate"})
    assert School.objects.get(schema_name="dienbien").is_active is True
    refused = admin.post(url, {"action": "rename", "name_vi": "  "})
    assert refused.status_code == 400
    assert any("không được để trống" in m for m in messages_of(refused))
    assert School.objects.get(schema_name="dienbien").name_vi == "Trường Chính trị Điện Biên"
    assert admin.post("/setup/schools/khongco/", {"action": "deactivate"}).status_code == 404


def test_the_schools_page_shows_predecessors(admin):
    admin.post(
        "/setup/mergers/",
        {"into": "laocai", "sources": ["sonla"], "effective": "2025-H2", "note": "thử"},
    )
    page = admin.get("/setup/schools/")
    row = next(r for r in page.context["schools"] if r["school"].schema_name == "laocai")
    assert [lineage.predecessor.schema_name for lineage in row["predecessors"]] == ["sonla"]


# --- people ---------------------------------------------------------------------------


def test_create_a_user_and_hand_over_the_password_set_link(admin, page_client):
    created = admin.post(
        "/setup/people/", {"username": "yenbai-editor", "full_name": "Nguyễn Văn A"}, follow=True
    )
    assert created.redirect_chain[-1][0] == "/setup/people/yenbai-editor/"
    link = created.context["password_link"]
    assert link.startswith("http://localhost/accounts/reset/")
    assert not created.context["person"].has_usable_password()
    taken = admin.post("/setup/people/", {"username": "yenbai-editor"})
    assert taken.status_code == 409
    bad = admin.post("/setup/people/", {"username": "có dấu cách"})
    assert bad.status_code == 400


def test_edit_a_persons_roles(admin):
    url = "/setup/people/nobody/"
    data = formset_data(
        "roles",
        [{"school": "quangninh", "role": "editor"}, {"school": "hagiang", "role": "approver"}],
    )
    saved = admin.post(url, {**data, "scoring": "on", "is_active": "on"}, follow=True)
    assert saved.redirect_chain[-1][0] == url
    assert set(
        SchoolMembership.objects.filter(user__username="nobody").values_list(
            "school__schema_name", "role"
        )
    ) == {("quangninh", "editor"), ("hagiang", "approver")}
    membership = DepartmentMembership.objects.get(user__username="nobody")
    assert membership.can_manage_scoring and not membership.is_admin
    # Withdraw everything and deactivate.
    admin.post(url, formset_data("roles", []))
    assert not SchoolMembership.objects.filter(user__username="nobody").exists()
    assert not DepartmentMembership.objects.filter(user__username="nobody").exists()
    assert not User.objects.get(username="nobody").is_active


def test_a_refused_roles_change_changes_nothing(admin):
    url = "/setup/people/quangninh-editor/"
    data = formset_data(
        "roles",
        [{"school": "quangninh", "role": "editor"}, {"school": "quangninh", "role": "approver"}],
    )
    refused = admin.post(url, {**data, "is_active": "on", "admin": "on"})
    assert refused.status_code == 400
    assert any("một vai trò" in m for m in messages_of(refused))
    assert list(
        SchoolMembership.objects.filter(user__username="quangninh-editor").values_list(
            "school__schema_name", "role"
        )
    ) == [("quangninh", "editor")]
    assert not DepartmentMembership.objects.filter(user__username="quangninh-editor").exists()
    assert admin.get("/setup/people/khongco/").status_code == 404


# --- periods --------------------------------------------------------------------------


def test_edit_a_periods_dates_and_refuse_them_out_of_order(admin):
    period = Period.objects.get(code="2024-H1")
    data = {
        "2024-H1-opens_on": "2024-06-01",
        "2024-H1-deadline": "2024-07-20",
        "2024-H1-closes_on": "2099-12-31",
    }
    saved = admin.post("/setup/periods/2024-H1/", data, follow=True)
    assert saved.redirect_chain[-1][0] == "/setup/periods/"
    assert Period.objects.get(code="2024-H1").deadline == date(2024, 7, 20)
    data["2024-H1-deadline"] = "2100-01-01"
    refused = admin.post("/setup/periods/2024-H1/", data)
    assert refused.status_code == 400
    assert any("theo thứ tự" in m for m in messages_of(refused))
    assert Period.objects.get(code="2024-H1").deadline == date(2024, 7, 20)
    assert period.opens_on  # the period existed before


def test_extend_a_schools_deadline_with_a_reason(admin):
    period = Period.objects.get(code="2024-H1")
    later = (period.deadline + timedelta(days=10)).isoformat()
    data = {"period": "2024-H1", "school": "laichau", "deadline": later, "reason": "Lũ lụt"}
    saved = admin.post("/setup/periods/extensions/", data, follow=True)
    assert saved.redirect_chain[-1][0] == "/setup/periods/"
    extension = DeadlineExtension.objects.get(period=period, school__schema_name="laichau")
    assert extension.reason == "Lũ lụt" and extension.granted_by == "year-admin"
    earlier = {**data, "school": "sonla", "deadline": period.deadline.isoformat()}
    refused = admin.post("/setup/periods/extensions/", earlier)
    assert refused.status_code == 400
    no_reason = admin.post("/setup/periods/extensions/", {**data, "school": "sonla", "reason": ""})
    assert no_reason.status_code == 400
    assert not DeadlineExtension.objects.filter(school__schema_name="sonla").exists()


# --- mergers and history ---------------------------------------------------------------


def test_record_a_merger_and_refuse_a_school_merged_into_itself(admin):
    data = {"into": "laocai", "sources": ["sonla", "laichau"], "effective": "2025-H2"}
    saved = admin.post("/setup/mergers/", data, follow=True)
    assert saved.redirect_chain[-1][0] == "/setup/mergers/"
    assert set(
        SchoolLineage.objects.filter(successor__schema_name="laocai").values_list(
            "predecessor__schema_name", flat=True
        )
    ) == {"sonla", "laichau"}
    assert not School.objects.get(schema_name="sonla").is_active
    itself = admin.post(
        "/setup/mergers/", {"into": "caobang", "sources": ["caobang"], "effective": "2025"}
    )
    assert itself.status_code == 400
    again = admin.post(
        "/setup/mergers/", {"into": "caobang", "sources": ["sonla"], "effective": "2025"}
    )
    assert again.status_code == 409
    assert not SchoolLineage.objects.filter(successor__schema_name="caobang").exists()
    assert School.objects.get(schema_name="caobang").is_active


def test_the_history_shows_before_and_after_and_filters(admin):
    admin.post("/setup/schools/dienbien/", {"action": "rename", "name_vi": "Điện Biên mới"})
    admin.post("/setup/clusters/", {"year": "2026", "slug": "cum-moi", "name_vi": "Cụm mới"})
    page = admin.get("/setup/history/?type=school&target=dienbien")
    assert page.status_code == 200
    [row] = page.context["changes"]
    assert row["change"].actor == "year-admin" and row["change"].action == "school_update"
    assert "Điện Biên mới" in row["after"] and "Trường Chính trị tỉnh Điện Biên" in row["before"]
    everything = admin.get("/setup/history/")
    assert {r["change"].target_type for r in everything.context["changes"]} >= {
        "school",
        "cluster",
    }


def test_the_decision_may_be_an_xlsx_file(admin):
    book = Workbook()
    sheet = book.active
    for row in [("cluster", "school", "role"), (MIDLANDS, "backan", "lead")]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    dry = admin.post(
        "/setup/import/",
        {"year": "2027", "file": SimpleUploadedFile("qd.xlsx", buffer.getvalue())},
    )
    assert dry.status_code == 200
    assert [(r["school"], r["role"]) for r in dry.context["preview"]] == [("backan", "Cụm trưởng")]
    assert members_of(MIDLANDS, 2027) == set()


def test_a_malformed_member_row_is_refused_with_its_row_number(admin):
    url = f"/setup/clusters/{NORTH}/2024/"
    before = members_of(NORTH, 2024)
    refused = admin.post(url, formset_data("form", [{"school": "quangninh", "role": "boss"}]))
    assert refused.status_code == 400
    assert any(m.startswith("Dòng 1") for m in messages_of(refused))
    assert members_of(NORTH, 2024) == before


def test_the_set_up_pages_speak_english(admin):
    admin.cookies["django_language"] = "en"
    page = admin.get("/setup/?year=2024")
    assert b"Emulation clusters of 2024" in page.content
    assert b"Copy from last year" in page.content
    assert b"Edit members" in page.content
