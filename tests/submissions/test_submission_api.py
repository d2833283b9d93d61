"""Journey 1 over the API: save, stale save, submit, review, reopen, audit, isolation."""

from __future__ import annotations

import pytest

from tests.conftest import OPEN_PERIODS

URL = "/api/v1/submissions/2024-H1/"
COMPLETE = {
    "training.classes": "97",
    "training.learners": "3.864",
    "research.projects": 9,
    "research.projects.ministry": 0,
    "research.projects.provincial": 3,
    "research.projects.school": 6,
    "research.projects.faculty": 0,
    "research.conferences": 1,
    "research.conferences.provincial": 1,
}


def save(client, version, **changes):
    return client.patch(URL, {"version": version, **changes}, format="json")


def test_contract_fields_of_an_untouched_submission(world, api_client):
    body = api_client("dienbien-editor", "dienbien").get(URL).json()
    assert body["period"] == "2024-H1" and body["status"] == "not_started" and body["version"] == 0
    assert body["values"] == {} and body["narratives"] == {}


def test_save_returns_new_version_and_keeps_blank_distinct_from_zero(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    body = save(
        client,
        0,
        values={"training.classes": "15", "research.schemes": 0, "research.initiatives": None},
    ).json()
    assert body["version"] == 1
    assert body["values"] == {"training.classes": 15, "research.schemes": 0}
    assert "research.initiatives" not in body["values"]


def test_stale_save_is_refused_with_409_and_changes_nothing(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    save(client, 0, values={"training.classes": 15})
    refused = save(client, 0, values={"training.classes": 99})
    assert refused.status_code == 409
    assert "phiên bản" in refused.json()["detail"]
    assert client.get(URL).json()["values"]["training.classes"] == 15


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [("-3", "âm"), ("1,5", "1,5"), ("abc", "abc"), ("12.5", "12.5"), ("20212", "vượt xa")],
)
def test_bad_value_is_refused_in_vietnamese_and_nothing_is_saved(world, api_client, raw, fragment):
    client = api_client("dienbien-editor", "dienbien")
    save(client, 0, values={"training.learners": 1206})
    refused = save(client, 1, values={"training.learners": 1300, "training.classes": raw})
    assert refused.status_code == 400
    messages = " ".join(f["message"] for f in refused.json()["findings"])
    assert (fragment in messages and "Tổng số lớp" in messages) or fragment in messages
    assert client.get(URL).json()["values"] == {"training.learners": 1206}


def test_errors_come_in_english_when_asked(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    refused = client.patch(
        URL,
        {"version": 0, "values": {"training.classes": "-3"}},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert "negative" in refused.json()["findings"][0]["message"].lower()


def test_submit_is_blocked_with_findings_until_consistent_and_complete(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    save(client, 0, values={**COMPLETE, "research.projects": 10})
    blocked = client.post(URL + "submit/")
    assert blocked.status_code == 400
    findings = blocked.json()["findings"]
    assert {f["code"] for f in findings} == {"research.projects"}
    assert findings[0]["kind"] == "consistency" and "10" in findings[0]["message"]

    save(client, 1, values={"research.projects": 9})
    submitted = client.post(URL + "submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def test_consistency_finding_is_lifted_by_an_explanation(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    save(
        client,
        0,
        values={**COMPLETE, "research.projects": 10},
        explanations={"research.projects": "01 đề tài cấp khoa chưa tách được"},
    )
    assert client.post(URL + "submit/").status_code == 200


def test_edits_after_submit_are_refused(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    saved = save(client, 0, values=COMPLETE)
    assert saved.status_code == 200
    submitted = client.post(URL + "submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    version = submitted.json()["version"]
    # The current version, so only the lock (not a stale version) can refuse it.
    refused = save(client, version, values={"training.classes": 1})
    assert refused.status_code == 409
    assert "đã gửi" in refused.json()["detail"]
    after = client.get(URL).json()
    assert after["version"] == version and after["values"] == submitted.json()["values"]


def submitted_by(api_client, slug):
    client = api_client(f"{slug}-editor", slug)
    client.patch(URL, {"version": 0, "values": COMPLETE}, format="json")
    assert client.post(URL + "submit/").status_code == 200
    return client


def test_lead_school_accepts_on_the_members_host(world, api_client):
    submitted_by(api_client, "dienbien")
    accepted = api_client("quangninh-approver", "dienbien").post(URL + "accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_return_needs_a_comment_and_records_it(world, api_client):
    submitted_by(api_client, "dienbien")
    lead = api_client("quangninh-approver", "dienbien")
    assert lead.post(URL + "return/", {"comment": ""}).status_code == 400
    returned = lead.post(URL + "return/", {"comment": "Số học viên Sơn La cần kiểm tra lại"})
    assert returned.json()["status"] == "returned"
    assert (returned.json()["reviewed_by"], returned.json()["reviewed_role"]) == (
        "quangninh-approver",
        "lead",
    )
    assert returned.json()["review_comment"] == "Số học viên Sơn La cần kiểm tra lại"


@pytest.mark.parametrize(
    "username",
    [
        "dienbien-approver",
        "hagiang-approver",
        "langson-editor",
        "department",
        "thainguyen-approver",
    ],
)
def test_only_the_lead_may_accept(world, api_client, username):
    submitted_by(api_client, "dienbien")
    assert api_client(username, "dienbien").post(URL + "accept/").status_code == 403


def test_deputy_reads_a_members_submission_but_cannot_write(world, api_client):
    submitted_by(api_client, "dienbien")
    deputy = api_client("hagiang-approver", "dienbien")
    assert deputy.get(URL).status_code == 200
    assert deputy.patch(URL, {"version": 2, "values": {}}, format="json").status_code == 403


def test_lead_reaches_members_only_in_the_year_it_leads(world, api_client):
    # Quảng Ninh leads in 2024 only; in 2023 it was a plain member.
    assert (
        api_client("quangninh-approver", "dienbien").get("/api/v1/submissions/2023-H1/").status_code
        == 403
    )


def test_department_reads_but_cannot_write(world, api_client):
    department = api_client("department", "dienbien")
    assert department.get(URL).status_code == 200
    assert (
        department.patch(
            URL, {"version": 0, "values": {"training.classes": 1}}, format="json"
        ).status_code
        == 403
    )
    assert department.post(URL + "submit/").status_code == 403


def test_reopen_by_approver_or_department_with_reason(world, api_client):
    submitted_by(api_client, "dienbien")
    api_client("quangninh-approver", "dienbien").post(URL + "accept/")
    assert (
        api_client("dienbien-editor", "dienbien").post(URL + "reopen/", {"reason": "x"}).status_code
        == 403
    )
    # After acceptance the school's own approver may not reopen (the reviewer's side may).
    assert (
        api_client("dienbien-approver", "dienbien")
        .post(URL + "reopen/", {"reason": "x"})
        .status_code
        == 403
    )
    assert (
        api_client("department", "dienbien").post(URL + "reopen/", {"reason": ""}).status_code
        == 400
    )
    reopened = api_client("department", "dienbien").post(
        URL + "reopen/", {"reason": "Sửa số liệu học viên"}
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "draft"


def test_closed_period_is_locked(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    refused = client.patch(
        "/api/v1/submissions/2022-H1/",
        {"version": 0, "values": {"training.classes": 1}},
        format="json",
    )
    assert refused.status_code == 409 and "khóa" in refused.json()["detail"]


def test_audit_records_who_what_old_new_and_channel(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    save(client, 0, values={"training.classes": 15}, narratives={"limitations": "Thiếu giảng viên"})
    save(client, 1, values={"training.classes": 16})
    audit = client.get(URL + "audit/").json()
    value_rows = [row for row in audit if row["field"] == "training.classes"]
    assert [(row["old"], row["new"]) for row in value_rows] == [("15", "16"), (None, "15")]
    assert {row["channel"] for row in audit} == {"api"}
    assert {row["username"] for row in audit} == {"dienbien-editor"}
    assert any(row["kind"] == "narrative" and row["new"] == "Thiếu giảng viên" for row in audit)


def test_other_schools_user_can_neither_read_nor_write(world, api_client):
    outsider = api_client("backan-editor", "dienbien")
    assert outsider.get(URL).status_code == 403
    assert (
        outsider.patch(
            URL, {"version": 0, "values": {"training.classes": 1}}, format="json"
        ).status_code
        == 403
    )


def test_periods_and_indicators_contract(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    codes = {row["code"] for row in client.get("/api/v1/periods/").json()}
    assert set(OPEN_PERIODS) <= codes
    indicators = client.get("/api/v1/indicators/?year=2024").json()
    first = indicators[0]
    assert {"code", "label_vi", "label_en", "unit", "section", "parent", "kind"} <= set(first)
    assert "training.classes" in {row["code"] for row in indicators}


def test_a_value_far_from_the_schools_own_history_is_a_warning_with_the_history(world, api_client):
    client = api_client("dienbien-editor", "dienbien")
    earlier = "/api/v1/submissions/2023-H1/"
    client.patch(earlier, {"version": 0, "values": {"training.classes": 15}}, format="json")
    body = save(client, 0, values={"training.classes": 150}).json()
    outliers = [f for f in body["findings"] if f["kind"] == "outlier"]
    assert outliers and outliers[0]["code"] == "training.classes"
    assert outliers[0]["blocking"] is False and "2023-H1" in outliers[0]["message"]
