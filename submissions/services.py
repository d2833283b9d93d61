"""Writes to a school's submissions. Every function takes the school explicitly and
runs inside its schema; every change is audited; every save is all-or-nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from catalogue.spec import Catalogue
from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from submissions.models import (
    AuditEntry,
    Channel,
    Narrative,
    NarrativeSection,
    Status,
    Submission,
    Value,
)
from submissions.numbers import WRONG_UNIT, parse_count
from submissions.selectors import history_for, values_of
from submissions.signals import submission_changed
from submissions.validation import Finding, blocking_findings, findings_for_submit, validate_entries
from tenants.access import cluster_seats, reviewer_standing
from tenants.models import School
from tenants.review_policy import ACCEPT, REOPEN, RETURN, Action, Decision, review_decision

logger = logging.getLogger(__name__)

EDITABLE = (Status.DRAFT, Status.RETURNED)


@dataclass(frozen=True)
class Actor:
    """Who makes a change and through which door."""

    user_id: int | None
    username: str
    channel: str = Channel.PAGE


@dataclass
class Changes:
    values: Mapping[str, object] = field(default_factory=dict)
    narratives: Mapping[str, str] = field(default_factory=dict)
    explanations: Mapping[str, str] = field(default_factory=dict)
    not_applicable: Mapping[str, bool] = field(default_factory=dict)
    # "Không có số liệu": the source did not state the figure (never 0).
    not_reported: Mapping[str, bool] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (
            self.values
            or self.narratives
            or self.explanations
            or self.not_applicable
            or self.not_reported
        )


class SubmissionInvalid(DomainError):
    """Refused input; `findings` says what and where."""

    def __init__(self, message: str, findings: list[Finding], language: str) -> None:
        super().__init__(message, findings=[f.as_dict(language) for f in findings])
        self.findings = findings


def submission_ensure(*, school: School, period: Period) -> Submission:
    with schema_context(school.schema_name):
        submission, _created = Submission.objects.get_or_create(
            period=period, defaults={"catalogue_version": catalogue_for_year(period.year).version}
        )
        return submission


def submission_lock_reason(submission: Submission, period: Period) -> str | None:
    """Why the submission cannot be edited now, or None when it can."""
    if submission.status == Status.ACCEPTED:
        return _("Báo cáo đã được chấp nhận nên không thể sửa; cần mở lại trước.")
    if submission.status == Status.SUBMITTED:
        return _("Báo cáo đã gửi nên không thể sửa; cần mở lại hoặc chờ trả lại.")
    reopened_late = (
        submission.reopened_at and timezone.localdate(submission.reopened_at) > period.closes_on
    )
    if timezone.localdate() > period.closes_on and not reopened_late:
        return _("Kỳ báo cáo đã khóa từ ngày %(date)s; cần mở lại trước.") % {
            "date": period.closes_on.strftime("%d/%m/%Y")
        }
    return None


def _audit(
    submission: Submission,
    actor: Actor,
    kind: str,
    field_name: str,
    old: object,
    new: object,
    comment: str = "",
) -> AuditEntry:
    return AuditEntry(
        submission=submission,
        user_id=actor.user_id,
        username=actor.username,
        channel=actor.channel,
        kind=kind,
        field=field_name,
        old=None if old is None else str(old),
        new=None if new is None else str(new),
        comment=comment,
        version=submission.version,
    )


def _unit_refusals(catalogue: Catalogue, raw_values: Mapping[str, object]) -> dict[str, Finding]:
    """Typed values whose counting word names another unit than the indicator's
    ("47 học viên" in a field of classes), refused as the other refusals are."""
    refused: dict[str, Finding] = {}
    for code, raw in raw_values.items():
        indicator = catalogue.by_code.get(code)
        if indicator is None or not isinstance(raw, str):
            continue
        problem = parse_count(raw, unit=indicator.unit).error
        if problem is None or problem.code != WRONG_UNIT:
            continue
        refused[code] = Finding(
            code=code,
            kind="error",
            blocking=True,
            message_vi=f"{indicator.label_vi}: {problem.message_vi}",
            message_en=f"{indicator.label_en}: {problem.message_en}",
            rule=problem.code,
        )
    return refused


def submission_update(
    *,
    school: School,
    period: Period,
    expected_version: int,
    changes: Changes,
    actor: Actor,
    language: str = "vi",
) -> tuple[Submission, list[AuditEntry]]:
    """Save values, notes and narratives of a draft; refuse a stale version (409).

    Nothing is written unless every value reads cleanly; unchanged input writes nothing
    and keeps the version.
    """
    catalogue = catalogue_for_year(period.year)
    wrong_units = _unit_refusals(catalogue, changes.values)
    parsed, errors = validate_entries(
        catalogue=catalogue,
        raw_values={code: raw for code, raw in changes.values.items() if code not in wrong_units},
    )
    errors += wrong_units.values()
    unknown_sections = set(changes.narratives) - set(NarrativeSection.values)
    for code in {
        *changes.explanations,
        *changes.not_applicable,
        *changes.not_reported,
    } - set(catalogue.by_code):
        errors.append(
            Finding(
                code=code,
                kind="error",
                blocking=True,
                message_vi=f"Không có chỉ tiêu “{code}” trong danh mục.",
                message_en=f"There is no indicator “{code}” in the catalogue.",
            )
        )
    if unknown_sections:
        raise DomainError(
            _("Mục nội dung không hợp lệ: %(sections)s")
            % {"sections": ", ".join(sorted(unknown_sections))}
        )
    if errors:
        raise SubmissionInvalid(_("Số liệu chưa hợp lệ; chưa có gì được lưu."), errors, language)

    with schema_context(school.schema_name), transaction.atomic():
        submission_ensure(school=school, period=period)
        submission = Submission.objects.select_for_update().get(period=period)
        if submission.version != expected_version:
            raise ConflictError(
                _(
                    "Báo cáo đã được người khác thay đổi (phiên bản %(current)s, bạn sửa từ "
                    "phiên bản %(yours)s). Hãy tải lại để xem thay đổi; chưa có gì được lưu."
                )
                % {"current": submission.version, "yours": expected_version},
                version=submission.version,
            )
        locked = submission_lock_reason(submission, period)
        if locked:
            raise ConflictError(locked, version=submission.version)

        existing = {row.code: row for row in Value.objects.filter(submission=submission)}
        entries: list[AuditEntry] = []
        touched: dict[str, Value] = {}

        def row_for(code: str) -> Value:
            if code not in touched:
                touched[code] = existing.get(code) or Value(submission=submission, code=code)
            return touched[code]

        for code, value in parsed.items():
            row = existing.get(code)
            old = row.value if row else None
            if row is None and value is None:
                continue
            if old != value:
                row_for(code).value = value
                entries.append(_audit(submission, actor, AuditEntry.Kind.VALUE, code, old, value))
        for code, text in changes.explanations.items():
            old_text = existing[code].explanation if code in existing else ""
            if old_text != text.strip():
                row_for(code).explanation = text.strip()
                entries.append(
                    _audit(
                        submission,
                        actor,
                        AuditEntry.Kind.NOTE,
                        f"{code}:explanation",
                        old_text,
                        text.strip(),
                    )
                )
        for mark, flags in (
            ("not_applicable", changes.not_applicable),
            ("not_reported", changes.not_reported),
        ):
            for code, flag in flags.items():
                old_flag = bool(getattr(existing[code], mark)) if code in existing else False
                if old_flag == bool(flag):
                    continue
                if code not in existing and code not in touched and not flag:
                    continue
                setattr(row_for(code), mark, bool(flag))
                entries.append(
                    _audit(
                        submission,
                        actor,
                        AuditEntry.Kind.NOTE,
                        f"{code}:{mark}",
                        old_flag,
                        bool(flag),
                    )
                )

        conflicts, cleared = _mark_conflicts(catalogue, changes, touched, submission, actor)
        if conflicts:
            raise SubmissionInvalid(
                _("Số liệu chưa hợp lệ; chưa có gì được lưu."), conflicts, language
            )
        entries += cleared

        narratives = {n.section: n for n in Narrative.objects.filter(submission=submission)}
        changed_narratives: list[Narrative] = []
        for section, text in changes.narratives.items():
            current = narratives.get(section)
            old_text = current.text if current else ""
            if old_text != text:
                narrative = current or Narrative(submission=submission, section=section)
                narrative.text = text
                changed_narratives.append(narrative)
                entries.append(
                    _audit(submission, actor, AuditEntry.Kind.NARRATIVE, section, old_text, text)
                )

        if not entries:
            return submission, []
        submission.version += 1
        for entry in entries:
            entry.version = submission.version
        for row in touched.values():
            row.save()
        for narrative in changed_narratives:
            narrative.save()
        submission.save(update_fields=["version", "updated_at"])
        AuditEntry.objects.bulk_create(entries)
        # Drafts are published too (a draft never counts in a snapshot) so the lead
        # school's board can show who has started, without looking into this schema.
        queue_publish(school=school, period=period)
        return submission, entries


def _mark_conflicts(
    catalogue: Catalogue,
    changes: Changes,
    touched: Mapping[str, Value],
    submission: Submission,
    actor: Actor,
) -> tuple[list[Finding], list[AuditEntry]]:
    """A figure has one state: a value, not applicable, or not reported.

    Marking one state clears the other mark, and a typed value clears "không có số
    liệu" (both recorded in the audit); a change that asks for two at once (a value and
    "không có số liệu", or both marks) is ambiguous and refused.
    """
    refused: list[Finding] = []
    cleared_entries: list[AuditEntry] = []
    for code, row in touched.items():
        asked_na = changes.not_applicable.get(code) is True
        asked_nr = changes.not_reported.get(code) is True
        if row.not_applicable and row.not_reported:
            if asked_na and asked_nr:
                refused.append(_mark_refusal(catalogue, code, both=True))
                continue
            cleared = "not_applicable" if asked_nr else "not_reported"
            setattr(row, cleared, False)
            cleared_entries.append(
                _audit(submission, actor, AuditEntry.Kind.NOTE, f"{code}:{cleared}", True, False)
            )
        if row.not_reported and row.value is not None:
            if asked_nr:
                refused.append(_mark_refusal(catalogue, code, both=False))
                continue
            # A value typed for a figure marked not reported: it is known now.
            row.not_reported = False
            cleared_entries.append(
                _audit(submission, actor, AuditEntry.Kind.NOTE, f"{code}:not_reported", True, False)
            )
    return refused, cleared_entries


def _mark_refusal(catalogue: Catalogue, code: str, *, both: bool) -> Finding:
    indicator = catalogue.by_code[code]
    if both:
        message_vi = (
            f"{indicator.label_vi}: chỉ chọn một trong “không áp dụng” và “không có số liệu”."
        )
        message_en = f"{indicator.label_en}: choose either “not applicable” or “not reported”."
    else:
        message_vi = (
            f"{indicator.label_vi}: đã có số liệu nên không thể đánh dấu “không có số liệu”; "
            "xóa số liệu hoặc bỏ đánh dấu."
        )
        message_en = (
            f"{indicator.label_en}: has a value, so it cannot be marked “not reported”; "
            "clear the value or remove the mark."
        )
    return Finding(
        code=code,
        kind="error",
        blocking=True,
        message_vi=message_vi,
        message_en=message_en,
        rule="ambiguous_mark",
    )


BACKFILL_CHANNELS = (Channel.SYSTEM,)


def submission_findings(*, school: School, period: Period, backfill: bool = False) -> list[Finding]:
    """What the hub notices about the current figures (shown live and before submit).

    ``backfill`` (a historical report or a system load): a required figure marked not
    reported does not block (`validation.check_completeness`)."""
    catalogue = catalogue_for_year(period.year)
    with schema_context(school.schema_name):
        current = values_of(period=period)
        history = history_for(period=period)
    return findings_for_submit(
        catalogue=catalogue,
        values=current.values,
        not_applicable=current.not_applicable,
        not_reported=current.not_reported,
        explanations=current.explanations,
        history=history,
        backfill=backfill,
    )


def _change_status(
    submission: Submission, actor: Actor, new_status: str, comment: str = ""
) -> AuditEntry:
    old_status = submission.status
    submission.status = new_status
    submission.version += 1
    entry = _audit(
        submission, actor, AuditEntry.Kind.STATUS, "status", old_status, new_status, comment
    )
    entry.save()
    return entry


def submission_submit(
    *,
    school: School,
    period: Period,
    actor: Actor,
    expected_version: int | None = None,
    language: str = "vi",
) -> Submission:
    """Submit to the cluster's lead school, unless something still blocks it."""
    findings = submission_findings(
        school=school, period=period, backfill=actor.channel in BACKFILL_CHANNELS
    )
    blocking = blocking_findings(findings)
    with schema_context(school.schema_name), transaction.atomic():
        submission = Submission.objects.select_for_update().filter(period=period).first()
        if submission is None:
            raise NotFoundError(_("Chưa có báo cáo cho kỳ %(period)s.") % {"period": period.code})
        if expected_version is not None and submission.version != expected_version:
            raise ConflictError(
                _("Báo cáo đã thay đổi từ lúc bạn mở (phiên bản %(current)s); hãy tải lại.")
                % {"current": submission.version},
                version=submission.version,
            )
        if submission.status not in EDITABLE:
            raise ConflictError(
                _("Chỉ gửi được báo cáo đang ở trạng thái nháp hoặc bị trả lại."),
                version=submission.version,
            )
        locked = submission_lock_reason(submission, period)
        if locked:
            raise ConflictError(locked, version=submission.version)
        if blocking:
            raise SubmissionInvalid(
                _(
                    "Chưa gửi được: còn %(count)s vấn đề. Với số liệu còn thiếu: nhập số "
                    "liệu, đánh dấu không áp dụng, hoặc đánh dấu không có số liệu kèm giải "
                    "trình. Với số liệu không khớp: sửa số liệu hoặc ghi giải trình."
                )
                % {"count": len(blocking)},
                blocking,
                language,
            )
        _change_status(submission, actor, Status.SUBMITTED)
        submission.submitted_at = timezone.now()
        submission.submitted_by = actor.username
        submission.save()
        queue_publish(school=school, period=period)
    return submission


def _review_check(
    *, action: Action, school: School, period: Period, actor: Actor, submission: Submission
) -> Decision | None:
    """The review policy's answer for this actor, or None for the system (an actor
    without a user: seed loaders, bulk imports), to which it does not apply."""
    if actor.user_id is None:
        return None
    decision = review_decision(
        action=action,
        user=reviewer_standing(user_id=actor.user_id),
        seats=cluster_seats(school=school, year=period.year),
        accepted=submission.status == Status.ACCEPTED,
        closed=timezone.localdate() > period.closes_on,
    )
    if not decision.allowed:
        raise ForbiddenError(decision.message, rule=decision.rule)
    return decision


def submission_review(
    *,
    school: School,
    period: Period,
    actor: Actor,
    accept: bool,
    comment: str = "",
) -> Submission:
    """Accept or return a submitted report, as `review_policy` allows (the lead for a
    member, the standing deputy or the department for the lead's own; approvers
    only). Returning needs a comment. Records the reviewer and the side they act for."""
    with schema_context(school.schema_name), transaction.atomic():
        submission = Submission.objects.select_for_update().filter(period=period).first()
        if submission is None:
            raise NotFoundError(_("Chưa có báo cáo cho kỳ %(period)s.") % {"period": period.code})
        decision = _review_check(
            action=ACCEPT if accept else RETURN,
            school=school,
            period=period,
            actor=actor,
            submission=submission,
        )
        if submission.status != Status.SUBMITTED:
            raise ConflictError(_("Chỉ duyệt được báo cáo đã gửi và chưa được duyệt."))
        if not accept and not comment.strip():
            raise DomainError(_("Khi trả lại báo cáo cần ghi rõ lý do."))
        _change_status(submission, actor, Status.ACCEPTED if accept else Status.RETURNED, comment)
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = actor.username
        submission.reviewed_role = decision.role if decision else ""
        submission.reviewed_school = decision.school if decision else ""
        submission.review_comment = comment.strip()
        submission.save()
        queue_publish(school=school, period=period)
    return submission


def submission_reopen(*, school: School, period: Period, actor: Actor, reason: str) -> Submission:
    """Back to draft, with a reason, as `review_policy` allows: the school's approver or
    the department before acceptance; the reviewer's side or the department after it;
    only the department after the closing date."""
    with schema_context(school.schema_name), transaction.atomic():
        submission = Submission.objects.select_for_update().filter(period=period).first()
        if submission is None:
            raise NotFoundError(_("Chưa có báo cáo cho kỳ %(period)s.") % {"period": period.code})
        _review_check(
            action=REOPEN, school=school, period=period, actor=actor, submission=submission
        )
        if not reason.strip():
            raise DomainError(_("Cần ghi lý do mở lại báo cáo."))
        if submission.status == Status.DRAFT and timezone.localdate() <= period.closes_on:
            raise ConflictError(_("Báo cáo đang là bản nháp, không cần mở lại."))
        _change_status(submission, actor, Status.DRAFT, reason.strip())
        submission.reopened_at = timezone.now()
        submission.save()
        queue_publish(school=school, period=period)
    return submission


def queue_publish(*, school: School, period: Period) -> None:
    """Announce the change; aggregation publishes it after commit."""
    submission_changed.send(sender=Submission, school=school, period=period)


def submission_record_historical(
    *,
    school: School,
    period: Period,
    values: Mapping[str, object],
    narratives: Mapping[str, str],
    source: str,
    actor: Actor,
) -> Submission:
    """Enter a report that was already submitted on paper (a seed document), as submitted,
    by the same rules as anyone (no submitted record with an open blocking finding).

    Values go through the same validation and audit as the form. A required figure the
    source does not state is marked not reported ("không có số liệu"), never 0 and never
    "không áp dụng"; in a backfill that does not block. What the hub finds in the figures
    (a total that does not add up) is not fixed or hidden: each such finding is explained
    by a note naming the source ("as stated in ..."), so it stays on every page as an
    explained finding. If anything still blocks, the report stays a draft.
    Idempotent: an existing submission is kept.
    """
    with schema_context(school.schema_name):
        existing = Submission.objects.filter(period=period).first()
    if existing is not None and existing.version > 0:
        return existing
    catalogue = catalogue_for_year(period.year)
    unstated = {
        indicator.code: True
        for indicator in catalogue.indicators
        if indicator.required and values.get(indicator.code) in (None, "")
    }
    submission, _entries = submission_update(
        school=school,
        period=period,
        expected_version=0,
        changes=Changes(
            values=dict(values),
            narratives=dict(narratives),
            not_reported=unstated,
            # The source is the explanation: said on the record, so every page (not only
            # this backfill) reads the mark as explained.
            explanations=dict.fromkeys(
                unstated,
                _("Tài liệu gốc (%(source)s) không nêu số liệu này.") % {"source": source},
            ),
        ),
        actor=actor,
    )
    findings = submission_findings(school=school, period=period, backfill=True)
    disagreements = {
        finding.code for finding in blocking_findings(findings) if finding.kind == "consistency"
    }
    if disagreements:
        note = _(
            "Số liệu giữ nguyên như tài liệu gốc (%(source)s); chênh lệch có sẵn trong đó."
        ) % {"source": source}
        submission, _entries = submission_update(
            school=school,
            period=period,
            expected_version=submission.version,
            changes=Changes(explanations=dict.fromkeys(sorted(disagreements), note)),
            actor=actor,
        )
        findings = submission_findings(school=school, period=period, backfill=True)
    if blocking_findings(findings):
        logger.warning(
            "Historical report %s %s kept as a draft: %s",
            school.schema_name,
            period.code,
            [finding.code for finding in blocking_findings(findings)],
        )
        return submission
    with schema_context(school.schema_name), transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        _change_status(
            submission,
            actor,
            Status.SUBMITTED,
            _("Nhập từ tài liệu: %(source)s") % {"source": source},
        )
        submission.submitted_at = timezone.now()
        submission.submitted_by = actor.username
        submission.save()
        queue_publish(school=school, period=period)
    return submission
