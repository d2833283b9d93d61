"""Uploads of a school's figures: dry run first, then apply all or nothing.

The original file is kept (in the school's own media folder) with who sent it and
what it did; the values go through the same validation, audit and optimistic
locking as the form (`submission_update` with the upload channel).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from submissions.models import Channel, Submission, Upload
from submissions.selectors import CurrentValues, submission_of, values_of
from submissions.services import (
    Actor,
    Changes,
    SubmissionInvalid,
    submission_lock_reason,
    submission_update,
)
from submissions.spreadsheets import MAX_BYTES, UploadProblem, parse_values_upload
from submissions.validation import validate_entries
from tenants.models import School


@dataclass
class UploadResult:
    changes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    applied: bool = False
    unchanged: bool = False
    upload_id: int | None = None
    version: int = 0
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "changes": self.changes,
            "errors": self.errors,
            "warnings": self.warnings,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "upload_id": self.upload_id,
            "version": self.version,
            "message": self.message,
        }


def problem_dict(problem: UploadProblem, language: str) -> dict[str, Any]:
    return {
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "code": problem.code,
        "message": problem.message(language),
    }


def diff_values(
    current: Mapping[str, int | None],
    incoming: Mapping[str, int | None],
    current_marks: Mapping[str, str] | None = None,
    incoming_marks: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Indicator, old, new for every value the file would change (blank stays blank).

    With marks ("not_reported" / "not_applicable"), a change of a figure's state is a
    change too; ``old_mark`` / ``new_mark`` then say which ("" for a plain value)."""
    was = current_marks or {}
    now = incoming_marks or {}
    changes: list[dict[str, Any]] = []
    for code, value in incoming.items():
        old_value = current.get(code)
        old_mark = was.get(code, "")
        new_mark = now.get(code, "")
        # A blank cell leaves a mark alone; a number clears "không có số liệu".
        mark_after = new_mark or (
            "" if value is not None and old_mark == "not_reported" else old_mark
        )
        if old_value == value and mark_after == old_mark:
            continue
        if code not in current and value is None and not new_mark:
            continue
        change: dict[str, Any] = {"code": code, "old": old_value, "new": value}
        if old_mark or mark_after:
            change.update(old_mark=old_mark, new_mark=mark_after)
        changes.append(change)
    return changes


def marks_of(current: CurrentValues) -> dict[str, str]:
    """The stored marks of a submission, code → "not_reported" | "not_applicable"."""
    marks = dict.fromkeys(current.not_reported, "not_reported")
    marks.update(dict.fromkeys(current.not_applicable, "not_applicable"))
    return marks


def mark_changes(incoming: Mapping[str, int | None], marks: Mapping[str, str]) -> Changes:
    """The values of a file and the states its cells name, as one change: a cell saying
    "không có số liệu" sets that mark (and clears the other); a number clears
    "không có số liệu" (the services do it). A blank cell leaves the marks alone."""
    return Changes(
        values=dict(incoming),
        not_reported={code: True for code, mark in marks.items() if mark == "not_reported"},
        not_applicable={
            **{code: False for code, mark in marks.items() if mark == "not_reported"},
            **{code: True for code, mark in marks.items() if mark == "not_applicable"},
        },
    )


def upload_process(
    *,
    school: School,
    period: Period,
    data: bytes,
    filename: str,
    actor: Actor,
    dry_run: bool,
    expected_version: int | None = None,
    language: str = "vi",
) -> UploadResult:
    """Read, check and (unless a dry run) apply an uploaded file. Any error: nothing saved."""
    actor = Actor(actor.user_id, actor.username, Channel.UPLOAD)
    catalogue = catalogue_for_year(period.year)
    parsed = parse_values_upload(
        data=data, filename=filename, catalogue=catalogue, period_code=period.code
    )
    result = UploadResult(
        errors=[problem_dict(p, language) for p in parsed.errors],
        warnings=[problem_dict(p, language) for p in parsed.warnings],
    )
    if parsed.ok:
        _values, findings = validate_entries(catalogue=catalogue, raw_values=parsed.values)
        result.errors += [
            {
                "sheet": None,
                "row": None,
                "column": None,
                "code": f.code,
                "message": f.message(language),
            }
            for f in findings
        ]
    with schema_context(school.schema_name):
        submission = submission_of(period=period)
        current_version = submission.version if submission else 0
        result.version = current_version
        locked = submission_lock_reason(submission or Submission(period=period), period)
        if locked:
            # Said at the dry run already: changes that could never be applied are no use.
            result.errors.append(
                {"sheet": None, "row": None, "column": None, "code": None, "message": locked}
            )
        stored = values_of(period=period)
        result.changes = (
            diff_values(stored.values, parsed.values, marks_of(stored), parsed.marks)
            if parsed.ok
            else []
        )
        result.upload_id = _store(
            school=school,
            period=period,
            data=data,
            filename=filename,
            actor=actor,
            dry_run=dry_run,
            result=result,
        )
    if result.errors:
        result.message = _("Tệp có lỗi; chưa có gì được lưu.")
        return result
    if not result.changes:
        result.unchanged = True
        result.message = _("Tệp không thay đổi số liệu nào so với hiện tại.")
        return result
    if dry_run:
        result.message = _("Chạy thử: %(count)s chỉ tiêu sẽ thay đổi khi xác nhận.") % {
            "count": len(result.changes)
        }
        return result
    version = current_version if expected_version is None else expected_version
    try:
        submission_after, _entries = submission_update(
            school=school,
            period=period,
            expected_version=version,
            changes=mark_changes(parsed.values, parsed.marks),
            actor=actor,
            language=language,
        )
    except SubmissionInvalid as invalid:
        result.errors += [
            {
                "sheet": None,
                "row": None,
                "column": None,
                "code": f.code,
                "message": f.message(language),
            }
            for f in invalid.findings
        ]
        return result
    result.applied = True
    result.version = submission_after.version
    result.message = _("Đã cập nhật %(count)s chỉ tiêu từ tệp.") % {"count": len(result.changes)}
    if result.upload_id is not None:
        with schema_context(school.schema_name):
            Upload.objects.filter(pk=result.upload_id).update(
                applied=True, summary=result.as_dict()
            )
    return result


def _store(
    *,
    school: School,
    period: Period,
    data: bytes,
    filename: str,
    actor: Actor,
    dry_run: bool,
    result: UploadResult,
) -> int | None:
    """Keep the original file with who sent it; a file over the size limit is not kept."""
    if len(data) > MAX_BYTES:
        return None
    with transaction.atomic():
        upload = Upload(
            period=period,
            original_name=filename[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            uploaded_by=actor.username,
            dry_run=dry_run,
            summary=result.as_dict(),
        )
        upload.file.save(
            f"{period.code}-{upload.sha256[:12]}-{_safe_name(filename)}",
            ContentFile(data),
            save=False,
        )
        upload.save()
    return upload.pk


def kept_bytes(file: FieldFile, sha256: str) -> bytes | None:
    """A kept original, as received; None if it is gone or no longer the same bytes."""
    try:
        with file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def _safe_name(filename: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename.rsplit("/", 1)[-1])
    return keep[-80:] or "upload"
