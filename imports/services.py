"""Bulk backfill: many schools and periods from one long-format file, all or nothing.

Who may touch which school: the department any school; a lead school's users the
schools of the cluster it leads, in the period's year or the current year (a lead
backfills its members' earlier periods). Nobody else.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from catalogue.selectors import catalogue_for_year
from core.errors import ConflictError
from imports.models import BulkUpload
from imports.selectors import bulk_allowed_schools, periods_by_code, schools_by_slug
from submissions.models import Channel, Status
from submissions.selectors import submission_of, values_of
from submissions.services import Actor, SubmissionInvalid, submission_update
from submissions.spreadsheets import MAX_BULK_BYTES, parse_bulk_upload
from submissions.uploads import diff_values, mark_changes, marks_of, problem_dict


@dataclass
class BulkResult:
    changes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    schools: list[str] = field(default_factory=list)
    # Schools the user may not touch: the whole file is refused (403 on the API).
    forbidden: list[str] = field(default_factory=list)
    # The figures changed since the dry run the user confirmed: nothing was applied.
    stale: bool = False
    applied: bool = False
    unchanged: bool = False
    upload_id: int | None = None
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "changes": self.changes,
            "errors": self.errors,
            "warnings": self.warnings,
            "schools": self.schools,
            "forbidden": self.forbidden,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "upload_id": self.upload_id,
            "message": self.message,
        }


def _error(row: int | None, message: str) -> dict[str, Any]:
    return {"sheet": None, "row": row, "column": None, "code": None, "message": message}


def bulk_process(
    *,
    user: User,
    data: bytes,
    filename: str,
    dry_run: bool,
    language: str = "vi",
    expected_changes: list[dict[str, Any]] | None = None,
) -> BulkResult:
    """Dry-run or apply a long-format file. With `expected_changes` (what a dry run
    showed), applying goes ahead only if the file still makes exactly those changes;
    the versions read while comparing are the ones the saves require, so a change
    made in between is refused rather than overwritten."""
    parsed = parse_bulk_upload(data=data, filename=filename, catalogues_by_year=catalogue_for_year)
    result = BulkResult(
        errors=[problem_dict(p, language) for p in parsed.errors],
        warnings=[problem_dict(p, language) for p in parsed.warnings],
    )
    groups: dict[tuple[str, str], dict[str, int | None]] = defaultdict(dict)
    first_row: dict[tuple[str, str], int] = {}
    # Cells saying "không có số liệu" / "không áp dụng" (a backfill of a report that
    # does not state a figure): the mark, never a 0.
    group_marks: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in parsed.rows:
        groups[(row.school, row.period)][row.code] = row.value
        if row.mark:
            group_marks[(row.school, row.period)][row.code] = row.mark
        first_row.setdefault((row.school, row.period), row.row_number)

    schools = schools_by_slug(key[0] for key in groups)
    periods = periods_by_code(key[1] for key in groups)
    allowed_by_year: dict[int, set[str] | None] = {}
    for (slug, code), _values in groups.items():
        row_number = first_row[(slug, code)]
        if slug not in schools:
            result.errors.append(
                _error(row_number, _("Không có trường mã “%(slug)s”.") % {"slug": slug})
            )
            continue
        if code not in periods:
            result.errors.append(
                _error(row_number, _("Không có kỳ báo cáo %(code)s.") % {"code": code})
            )
            continue
        year = periods[code].year
        if year not in allowed_by_year:
            allowed_by_year[year] = bulk_allowed_schools(user=user, year=year)
        allowed = allowed_by_year[year]
        if allowed is not None and slug not in allowed:
            result.forbidden.append(slug)
            result.errors.append(
                _error(
                    row_number,
                    _("Bạn không được nhập số liệu cho trường “%(slug)s” kỳ %(code)s.")
                    % {"slug": slug, "code": code},
                )
            )
    result.schools = sorted({slug for slug, _code in groups})

    versions: dict[tuple[str, str], int] = {}
    if not result.errors:
        for (slug, code), values in groups.items():
            school, period = schools[slug], periods[code]
            with schema_context(school.schema_name):
                submission = submission_of(period=period)
                stored = values_of(period=period)
            versions[(slug, code)] = submission.version if submission else 0
            if submission is not None and submission.status not in (Status.DRAFT, Status.RETURNED):
                result.errors.append(
                    _error(
                        first_row[(slug, code)],
                        _(
                            "Báo cáo của “%(slug)s” kỳ %(code)s đã gửi hoặc đã chấp nhận; "
                            "cần mở lại trước."
                        )
                        % {"slug": slug, "code": code},
                    )
                )
                continue
            result.changes += [
                {"school": slug, "period": code, **change}
                for change in diff_values(
                    stored.values, values, marks_of(stored), group_marks.get((slug, code))
                )
            ]
    result.upload_id = _store(
        user=user, data=data, filename=filename, dry_run=dry_run, result=result
    )
    if result.errors:
        result.changes = []
        result.message = _("Tệp có lỗi; chưa có gì được lưu.")
        return result
    if not result.changes:
        result.unchanged = True
        result.message = _("Tệp không thay đổi số liệu nào so với hiện tại.")
        return result
    if dry_run:
        result.message = _("Chạy thử: %(count)s giá trị sẽ thay đổi khi xác nhận.") % {
            "count": len(result.changes)
        }
        return result
    if expected_changes is not None and _change_keys(expected_changes) != _change_keys(
        result.changes
    ):
        result.stale = True
        result.message = _(
            "Số liệu đã thay đổi từ lúc chạy thử; chưa có gì được lưu. "
            "Kết quả chạy thử mới ở dưới: hãy xem lại rồi xác nhận."
        )
        return result

    actor = Actor(user_id=user.pk, username=user.get_username(), channel=Channel.UPLOAD)
    try:
        # One transaction over every school's schema: a failure anywhere undoes all.
        with transaction.atomic():
            for (slug, code), values in groups.items():
                submission_update(
                    school=schools[slug],
                    period=periods[code],
                    expected_version=versions[(slug, code)],
                    changes=mark_changes(values, group_marks.get((slug, code), {})),
                    actor=actor,
                    language=language,
                )
    except SubmissionInvalid as invalid:
        result.errors += [_error(None, f.message(language)) for f in invalid.findings]
        result.message = _("Tệp có lỗi; chưa có gì được lưu.")
        return result
    except ConflictError as conflict:
        result.stale = True
        result.message = conflict.message
        return result
    result.applied = True
    result.message = _("Đã cập nhật %(count)s giá trị cho %(schools)s trường.") % {
        "count": len(result.changes),
        "schools": len(result.schools),
    }
    if result.upload_id is not None:
        BulkUpload.objects.filter(pk=result.upload_id).update(
            applied=True, summary=result.as_dict()
        )
    return result


def _change_keys(changes: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    return {(c["school"], c["period"], c["code"], c["old"], c["new"]) for c in changes}


def _store(
    *, user: User, data: bytes, filename: str, dry_run: bool, result: BulkResult
) -> int | None:
    if len(data) > MAX_BULK_BYTES:
        return None
    digest = hashlib.sha256(data).hexdigest()
    upload = BulkUpload(
        original_name=filename[:255],
        sha256=digest,
        size=len(data),
        uploaded_by=user.get_username(),
        dry_run=dry_run,
        summary=result.as_dict(),
    )
    upload.file.save(f"{digest[:12]}-bulk", ContentFile(data), save=False)
    upload.save()
    return upload.pk
