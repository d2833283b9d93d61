"""The bulk backfill page (hub.views.uploads, hub host): the department any school, a
lead school its own cluster, nobody else; dry run, confirm, refusals, English."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django_tenants.utils import schema_context

from catalogue.models import Period
from imports.models import BulkUpload
from submissions.models import AuditEntry, Channel, Submission, Value
from submissions.services import Actor, Changes, submission_update
from tenants.models import School

PAGE = "/uploads/bulk/"


def text(response: HttpResponse) -> str:
    return response.content.decode()


def bulk_file(rows: list[tuple[str, str, str, object]]) -> bytes:
    lines = ["trường,kỳ,chỉ tiêu,giá trị", *(",".join(str(part) for part in row) for row in rows)]
    return "\n".join(lines).encode("utf-8")


def stored_values(slug: str, code: str) -> dict[str, int | None]:
    with schema_context(slug):
        return dict(
            Value.objects.filter(submission__period__code=code).values_list("code", "value")
        )


def save(slug: str, code: str, values: dict[str, object]) -> None:
    with schema_context(slug):
        submission = Submission.objects.filter(period__code=code).first()
        version = submission.version if submission else 0
    submission_update(
        school=School.objects.get(schema_name=slug),
        period=Period.objects.get(code=code),
        expected_version=version,
        changes=Changes(values=dict(values)),
        actor=Actor(user_id=None, username=f"{slug}-editor", channel=Channel.PAGE),
    )


def dry_run(client, data: bytes, name: str = "bo-sung.csv", **extra):  # type: ignore[no-untyped-def]
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data)}, **extra)


def upload_id(html: str) -> str:
    found = re.search(r'<input type="hidden" name="upload" value="(\d+)">', html)
    assert found, "no confirm form"
    return found.group(1)


def confirm(client, html: str):  # type: ignore[no-untyped-def]
    return client.post(PAGE, {"action": "confirm", "upload": upload_id(html)})


BACKFILL = [
    ("laocai", "2023-H1", "training.classes", 22),
    ("laocai", "2023-H1", "training.learners", "1.254"),
    ("thainguyen", "2023-H1", "training.classes", 40),
    ("thainguyen", "2023-Y", "training.classes", 75),
]


def test_department_backfills_schools_grouped_by_school_and_period(world, page_client):
    save("laocai", "2023-H1", {"training.classes": 20})
    client = page_client("department")
    page = text(client.get(PAGE))
    assert "Mọi trường và mọi kỳ" in page and 'accept=".xlsx,.csv"' in page

    response = dry_run(client, bulk_file(BACKFILL))
    assert response.status_code == 200
    html = text(response)
    assert "Chạy thử: 4 giá trị sẽ thay đổi khi xác nhận." in html
    groups = re.findall(
        r'<section class="change-group" data-school="([^"]+)" data-period="([^"]+)"(.*?)</section>',
        html,
        re.S,
    )
    assert [(school, period) for school, period, _body in groups] == [
        ("laocai", "2023-H1"),
        ("thainguyen", "2023-H1"),
        ("thainguyen", "2023-Y"),
    ]
    laocai = groups[0][2]
    assert "Trường Chính trị tỉnh Lào Cai" in laocai and "6 tháng đầu năm 2023" in laocai
    assert '<span class="old">20</span> → <span class="new">22</span>' in laocai
    assert '<span class="new">1.254</span>' in laocai
    assert stored_values("laocai", "2023-H1") == {"training.classes": 20}

    done = confirm(client, html)
    assert done.status_code == 302 and done["Location"] == PAGE
    assert "Đã cập nhật 4 giá trị cho 2 trường." in text(client.get(PAGE))
    assert stored_values("laocai", "2023-H1") == {
        "training.classes": 22,
        "training.learners": 1254,
    }
    assert stored_values("thainguyen", "2023-Y") == {"training.classes": 75}
    with schema_context("thainguyen"):
        channels = set(AuditEntry.objects.values_list("channel", "username"))
    assert channels == {("upload", "department")}
    assert BulkUpload.objects.filter(applied=True, uploaded_by="department").count() == 1


def test_lead_school_backfills_its_own_cluster_only(world, page_client):
    client = page_client("quangninh-approver")
    page = text(client.get(PAGE))
    scope = re.search(r'<table class="scope-table">.*?</table>', page, re.S)
    assert scope and "2024" in scope.group(0) and "laocai" in scope.group(0)
    assert "backan" not in scope.group(0)

    outside = bulk_file(
        [
            ("laocai", "2024-H1", "training.classes", 24),
            ("backan", "2024-H1", "training.classes", 9),
        ]
    )
    refused = dry_run(client, outside)
    assert refused.status_code == 403
    html = text(refused)
    forbidden = re.search(r'<div class="notice forbidden" id="forbidden">.*?</div>', html, re.S)
    assert forbidden and "không được nhập: backan." in forbidden.group(0)
    assert "Bạn không được nhập số liệu cho trường “backan” kỳ 2024-H1." in html
    assert 'name="action" value="confirm"' not in html

    own = text(dry_run(client, bulk_file([("laocai", "2024-H1", "training.classes", 24)])))
    assert confirm(client, own).status_code == 302
    assert stored_values("laocai", "2024-H1") == {"training.classes": 24}
    assert stored_values("backan", "2024-H1") == {}


@pytest.mark.parametrize("username", ["dienbien-editor", "laocai-approver", "nobody"])
def test_users_of_schools_that_lead_no_cluster_get_403(world, page_client, username):
    client = page_client(username)
    assert client.get(PAGE).status_code == 403
    data = bulk_file([("dienbien", "2024-H1", "training.classes", 3)])
    assert dry_run(client, data).status_code == 403
    assert stored_values("dienbien", "2024-H1") == {}


def test_a_bad_row_lists_its_place_and_nothing_is_saved(world, page_client):
    client = page_client("department")
    data = bulk_file(
        [
            ("laocai", "2023-H1", "training.classes", 22),
            ("thainguyen", "2023-H1", "training.classes", "12a"),
        ]
    )
    response = dry_run(client, data)
    assert response.status_code == 400
    html = text(response)
    problem = re.search(
        r'<tr class="problem is-error" data-sheet="[^"]*" data-row="3" data-column="giá trị"', html
    )
    assert problem, html
    assert 'name="action" value="confirm"' not in html and 'class="change-group"' not in html
    assert stored_values("laocai", "2023-H1") == {}


def test_a_change_after_the_dry_run_is_shown_again_not_applied(world, page_client):
    client = page_client("department")
    shown = text(dry_run(client, bulk_file(BACKFILL[:2])))
    save("laocai", "2023-H1", {"training.classes": 30})  # the school, meanwhile
    response = confirm(client, shown)
    assert response.status_code == 409
    html = text(response)
    assert "Số liệu đã thay đổi từ lúc chạy thử; chưa có gì được lưu." in html
    assert '<span class="old">30</span> → <span class="new">22</span>' in html
    assert stored_values("laocai", "2023-H1") == {"training.classes": 30}
    # The new dry run can be confirmed.
    assert confirm(client, html).status_code == 302
    assert stored_values("laocai", "2023-H1") == {
        "training.classes": 22,
        "training.learners": 1254,
    }


def test_confirming_twice_writes_once(world, page_client):
    client = page_client("department")
    shown = text(dry_run(client, bulk_file(BACKFILL[:1])))
    assert confirm(client, shown).status_code == 302
    twice = confirm(client, shown)
    assert twice.status_code == 409 and "Tệp này đã được cập nhật" in text(twice)
    with schema_context("laocai"):
        assert AuditEntry.objects.count() == 1


def test_someone_elses_dry_run_cannot_be_confirmed(world, page_client):
    shown = text(dry_run(page_client("department"), bulk_file(BACKFILL[:1])))
    assert confirm(page_client("quangninh-approver"), shown).status_code == 404
    assert stored_values("laocai", "2023-H1") == {}


def test_bulk_page_in_english(world, page_client):
    client = page_client("department")
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert "Bulk backfill" in text(client.get(PAGE, **english))
    html = text(dry_run(client, bulk_file(BACKFILL[:2]), **english))
    assert "First half of 2023" in html and "Learners, all programmes" in html
    assert '<span class="new">1,254</span>' in html and "Confirm and apply" in html


def test_a_bulk_file_over_its_limit_is_told_the_bulk_limit(world, page_client):
    client = page_client("department")
    response = dry_run(client, b"x" * (21 * 1024 * 1024), name="lon.csv")
    assert response.status_code == 400
    assert "Tệp “lon.csv” nặng 21 MB, vượt giới hạn 20 MB của tệp nhập hàng loạt." in text(response)
    assert not BulkUpload.objects.exists()
