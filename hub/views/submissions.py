"""School-host pages of a school's submission for one period.

Journey 1: a school's staff member types the half-year figures, saves drafts, reads
what the hub notices and submits; the cluster's lead school accepts or returns it;
an approver or the department reopens it. The pages call the same services as the
API (`api.views_submissions`), with `Channel.PAGE`, so the rules are the same.

Access is checked per period year on top of `hub.access.TenantAccessMiddleware`:
reading needs `can_read_review(year)`, editing `can_edit`, reviewing
`can_review(year)`, reopening `can_approve or is_department`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogue.models import Period
from catalogue.selectors import catalogue_for_year, period_get, periods_list
from catalogue.spec import UNITS, Catalogue, IndicatorSpec
from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from core.formatting import format_count, format_number
from core.language import current_language, pick
from submissions import selectors
from submissions.models import AuditEntry, Channel, NarrativeSection, Status, Submission
from submissions.numbers import parse_count
from submissions.services import (
    Actor,
    Changes,
    SubmissionInvalid,
    submission_findings,
    submission_lock_reason,
    submission_reopen,
    submission_review,
    submission_submit,
    submission_update,
)
from submissions.validation import Finding

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOT_STARTED = "not_started"
EDITABLE_STATUSES = (NOT_STARTED, Status.DRAFT, Status.RETURNED)

STATUS_LABELS: dict[str, StrOrPromise] = {
    NOT_STARTED: gettext_lazy("Chưa nhập"),
    Status.DRAFT: gettext_lazy("Bản nháp"),
    Status.SUBMITTED: gettext_lazy("Đã gửi"),
    Status.ACCEPTED: gettext_lazy("Đã chấp nhận"),
    Status.RETURNED: gettext_lazy("Trả lại"),
}
CHANNEL_LABELS: dict[str, StrOrPromise] = {
    Channel.PAGE: gettext_lazy("Trang web"),
    Channel.API: gettext_lazy("API"),
    Channel.UPLOAD: gettext_lazy("Tải tệp"),
    Channel.SYSTEM: gettext_lazy("Hệ thống"),
}
KIND_LABELS: dict[str, StrOrPromise] = {
    AuditEntry.Kind.VALUE: gettext_lazy("Số liệu"),
    AuditEntry.Kind.NOTE: gettext_lazy("Giải trình"),
    AuditEntry.Kind.NARRATIVE: gettext_lazy("Nội dung"),
    AuditEntry.Kind.STATUS: gettext_lazy("Trạng thái"),
}
NARRATIVE_LABELS: dict[str, StrOrPromise] = {
    NarrativeSection.HIGHLIGHTS: gettext_lazy("Kết quả nổi bật, cách làm hay"),
    NarrativeSection.LIMITATIONS: gettext_lazy("Hạn chế và nguyên nhân"),
    NarrativeSection.PROPOSALS: gettext_lazy("Kiến nghị, đề xuất với Học viện"),
    NarrativeSection.NEXT_TASKS: gettext_lazy("Nhiệm vụ trọng tâm kỳ tới"),
}
# How each way of splitting a total is named next to the live sum of its parts.
SPLIT_LABELS: dict[str, StrOrPromise] = {
    "main": gettext_lazy("các phần"),
    "programme": gettext_lazy("theo chương trình"),
    "plan": gettext_lazy("trong / ngoài kế hoạch"),
    "origin": gettext_lazy("chuyển sang / mở mới"),
    "mode": gettext_lazy("tập trung / không tập trung"),
    "level": gettext_lazy("theo cấp"),
    "audience": gettext_lazy("theo đối tượng"),
    "status": gettext_lazy("khai giảng / bế giảng"),
    "grade": gettext_lazy("theo hạng"),
    "sent": gettext_lazy("gửi / không gửi dự thi cấp tỉnh"),
    "organiser": gettext_lazy("tự tổ chức / phối hợp tổ chức"),
    "outlet": gettext_lazy("theo nơi đăng"),
}
# A figure's state besides a value, as the entry form's per-row choice offers it.
MARKS: dict[str, StrOrPromise] = {
    "": gettext_lazy("Có số liệu"),
    "not_applicable": gettext_lazy("Không áp dụng"),
    "not_reported": gettext_lazy("Không có số liệu"),
}
FINDING_KIND_LABELS: dict[str, StrOrPromise] = {
    "error": gettext_lazy("Lỗi"),
    "consistency": gettext_lazy("Không khớp"),
    "outlier": gettext_lazy("Cảnh báo"),
    "completeness": gettext_lazy("Còn thiếu"),
}
YES_NO: dict[str, StrOrPromise] = {
    "True": pgettext_lazy("flag", "có"),
    "False": pgettext_lazy("flag", "không"),
}


# --- helpers --------------------------------------------------------------------------


def _period_or_404(code: str) -> Period:
    try:
        return period_get(code)
    except NotFoundError as missing:
        raise Http404(missing.message) from missing


def _actor(request: HttpRequest) -> Actor:
    return Actor(
        user_id=request.user.pk, username=request.user.get_username(), channel=Channel.PAGE
    )


def _label(indicator: IndicatorSpec) -> str:
    return pick(indicator.label_vi, indicator.label_en)


def _unit(indicator: IndicatorSpec) -> str:
    vi, en = UNITS.get(indicator.unit, (indicator.unit, indicator.unit))
    return pick(vi, en)


def field_id(code: str) -> str:
    """HTML id of an indicator's number field ("training.classes" → "f-training-classes")."""
    return "f-" + code.replace(".", "-")


def _shown_number(value: int | None) -> str:
    """A stored value as the number field shows it: readable and read back identically.

    Vietnamese gets the thousands dot (2.658). English gets plain digits: "2,658"
    would be refused as ambiguous by the server, and "2.658" misread by the person.
    """
    if value is None:
        return ""
    return (
        format_count(value, "vi", leading_zero=False) if current_language() == "vi" else str(value)
    )


def _read_count(catalogue: Catalogue, code: str, raw: str) -> int | None:
    """A typed value as the sums under the form read it (None when refused)."""
    indicator = catalogue.by_code.get(code)
    return parse_count(raw, unit=indicator.unit if indicator else None).value


def _editing_lock(submission: Submission | None, period: Period) -> str | None:
    """Why the figures cannot be changed now (submitted, accepted, period closed)."""
    return submission_lock_reason(
        submission or Submission(period=period, status=Status.DRAFT), period
    )


def period_rows(request: HttpRequest) -> list[dict[str, object]]:
    """The school home's list: every period the user may read, with the status."""
    access = request.access  # type: ignore[attr-defined]
    submissions = selectors.submissions_by_period()
    rows = []
    for period in reversed(periods_list()):
        if not access.can_read_review(period.year):
            continue
        submission = submissions.get(period.pk)
        status = submission.status if submission else NOT_STARTED
        locked = _editing_lock(submission, period) is not None
        rows.append(
            {
                "period": period,
                "label": period.label,
                "status": status,
                "status_label": STATUS_LABELS.get(status, status),
                "closed": locked and status in EDITABLE_STATUSES,
                "can_edit": access.can_edit and not locked,
                "can_review": access.can_review(period.year) and status == Status.SUBMITTED,
            }
        )
    return rows


# --- what the person typed --------------------------------------------------------------


@dataclass
class Typed:
    """The entry form as posted, kept to show it back when it is refused."""

    version: int
    values: dict[str, str] = field(default_factory=dict)
    not_applicable: set[str] = field(default_factory=set)
    not_reported: set[str] = field(default_factory=set)
    # Rows whose state the form named (the per-row choice, or the older checkbox).
    stated: set[str] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)
    narratives: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_post(cls, post: QueryDict, catalogue: Catalogue) -> Typed | None:
        try:
            version = int(post.get("version", ""))
        except ValueError:
            return None
        typed = cls(version=version)
        for code in catalogue.by_code:
            if f"value__{code}" in post:
                typed.values[code] = post.get(f"value__{code}", "")
            mark = post.get(f"mark__{code}")
            if mark is not None:
                typed.stated.add(code)
                if mark == "not_applicable":
                    typed.not_applicable.add(code)
                elif mark == "not_reported":
                    typed.not_reported.add(code)
            if post.get(f"na__{code}"):
                typed.not_applicable.add(code)
            if f"note__{code}" in post:
                typed.notes[code] = _newlines(post.get(f"note__{code}", ""))
        for section in NarrativeSection.values:
            if f"narrative__{section}" in post:
                typed.narratives[section] = _newlines(post.get(f"narrative__{section}", ""))
        return typed

    def changes(self) -> Changes:
        return Changes(
            values=dict(self.values),
            narratives=dict(self.narratives),
            explanations=dict(self.notes),
            # Every indicator on the form says its state; only differences from what
            # is stored are written.
            not_applicable={
                code: code in self.not_applicable
                for code in {*self.values, *self.not_applicable, *self.stated}
            },
            not_reported={
                code: code in self.not_reported for code in {*self.stated, *self.not_reported}
            },
        )


def _newlines(text: str) -> str:
    # Browsers send textarea lines as CRLF; store them as the API does.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- what the page shows ----------------------------------------------------------------


def _finding_view(finding: Finding) -> dict[str, object]:
    return {
        "code": finding.code,
        "anchor": field_id(finding.code),
        "kind": finding.kind,
        "kind_label": FINDING_KIND_LABELS.get(finding.kind, finding.kind),
        "message": finding.message(current_language()),
        "blocking": finding.blocking,
        "explained": finding.explained,
    }


@dataclass
class Row:
    indicator: IndicatorSpec
    depth: int
    raw: str
    value: int | None
    not_applicable: bool
    not_reported: bool
    note: str
    findings: list[dict[str, object]]
    errors: list[dict[str, object]]
    sums: list[dict[str, object]]

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def anchor(self) -> str:
        return field_id(self.indicator.code)

    @property
    def label(self) -> str:
        return _label(self.indicator)

    @property
    def unit(self) -> str:
        return _unit(self.indicator)

    @property
    def mark(self) -> str:
        """The row's state besides a value: "not_applicable", "not_reported" or ""."""
        if self.not_applicable:
            return "not_applicable"
        return "not_reported" if self.not_reported else ""

    @property
    def marks(self) -> list[tuple[str, StrOrPromise]]:
        return list(MARKS.items())

    @property
    def definition(self) -> str:
        """What counts (and what does not), from the catalogue: the field's help."""
        return pick(self.indicator.definition_vi, self.indicator.definition_en or None)

    @property
    def show_note(self) -> bool:
        """An explanation box for a disagreement (or a surprising value) on this row, or
        for a figure marked not reported (its explanation unblocks it)."""
        return (
            bool(self.note)
            or self.not_reported
            or any(f["kind"] in ("consistency", "outlier") for f in self.findings)
        )

    @property
    def describedby(self) -> str:
        ids = []
        if self.errors:
            ids.append(f"{self.anchor}-errors")
        if self.findings:
            ids.append(f"{self.anchor}-findings")
        return " ".join(ids)


def _tree(indicators: Iterable[IndicatorSpec]) -> list[tuple[IndicatorSpec, int]]:
    """Indicators of one section, each followed by its children (catalogue order)."""
    items = list(indicators)
    codes = {item.code for item in items}
    children: dict[str | None, list[IndicatorSpec]] = defaultdict(list)
    for item in items:
        children[item.parent if item.parent in codes else None].append(item)
    ordered: list[tuple[IndicatorSpec, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for item in children.get(parent, []):
            ordered.append((item, depth))
            walk(item.code, depth + 1)

    walk(None, 0)
    return ordered


def _sums(
    catalogue: Catalogue,
    indicator: IndicatorSpec,
    values: Mapping[str, int | None],
    not_applicable: set[str],
) -> list[dict[str, object]]:
    """Each split of a total with the sum of its parts (as the server sees them)."""
    sums: list[dict[str, object]] = []
    declared = values.get(indicator.code)
    for split, children in catalogue.splits.get(indicator.code, {}).items():
        parts = [
            0
            if child.code in not_applicable and values.get(child.code) is None
            else values.get(child.code)
            for child in children
        ]
        present = [part for part in parts if part is not None]
        total = sum(present) if present else None
        complete = len(present) == len(parts)
        mismatch = (
            declared is not None
            and total is not None
            and ((complete and total != declared) or total > declared)
        )
        sums.append(
            {
                "split": split,
                "label": SPLIT_LABELS.get(split, SPLIT_LABELS["main"]),
                "total": total,
                "complete": complete,
                "mismatch": mismatch,
                "declared": declared,
            }
        )
    return sums


def _sections(
    catalogue: Catalogue,
    current: selectors.CurrentValues,
    findings: list[Finding],
    errors: list[Finding],
    typed: Typed | None,
) -> list[dict[str, object]]:
    by_code: dict[str, list[dict[str, object]]] = defaultdict(list)
    for finding in findings:
        by_code[finding.code].append(_finding_view(finding))
    errors_by_code: dict[str, list[dict[str, object]]] = defaultdict(list)
    for finding in errors:
        errors_by_code[finding.code].append(_finding_view(finding))

    if typed is None:
        raws = {code: _shown_number(value) for code, value in current.values.items()}
        values: dict[str, int | None] = dict(current.values)
        not_applicable = set(current.not_applicable)
        not_reported = set(current.not_reported)
        notes = dict(current.explanations)
    else:
        raws = dict(typed.values)
        values = {code: _read_count(catalogue, code, raw) for code, raw in typed.values.items()}
        not_applicable = set(typed.not_applicable)
        not_reported = set(typed.not_reported) | (
            set(current.not_reported) - typed.stated - set(typed.values)
        )
        notes = {**current.explanations, **typed.notes}

    sections: list[dict[str, object]] = []
    for section in catalogue.sections:
        members = [i for i in catalogue.indicators if i.section == section.code]
        rows = [
            Row(
                indicator=indicator,
                depth=depth,
                raw=raws.get(indicator.code, ""),
                value=values.get(indicator.code),
                not_applicable=indicator.code in not_applicable,
                not_reported=indicator.code in not_reported,
                note=notes.get(indicator.code, ""),
                findings=by_code.get(indicator.code, []),
                errors=errors_by_code.get(indicator.code, []),
                sums=_sums(catalogue, indicator, values, not_applicable),
            )
            for indicator, depth in _tree(members)
        ]
        sections.append(
            {
                "code": section.code,
                "label": pick(section.label_vi, section.label_en),
                "rows": rows,
            }
        )
    return sections


def _render_page(
    request: HttpRequest,
    period: Period,
    *,
    typed: Typed | None = None,
    errors: list[Finding] | None = None,
    problem: str = "",
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    tenant = request.tenant  # type: ignore[attr-defined]
    catalogue = catalogue_for_year(period.year)
    submission = selectors.submission_of(period=period)
    current = selectors.values_of(period=period)
    findings = submission_findings(school=tenant, period=period) if submission else []
    lock = _editing_lock(submission, period)
    editable = access.can_edit and lock is None
    status_code = submission.status if submission else NOT_STARTED
    narratives = typed.narratives if typed is not None and typed.narratives else current.narratives
    context = {
        "period": period,
        "period_label": period.label,
        "submission": submission,
        "status": status_code,
        "status_label": STATUS_LABELS.get(status_code, status_code),
        "version": typed.version
        if typed is not None
        else (submission.version if submission else 0),
        "sections": _sections(catalogue, current, findings, errors or [], typed),
        "narratives": [
            {
                "section": section,
                "label": NARRATIVE_LABELS[section],
                "text": narratives.get(section, ""),
                "id": f"narrative-{section}",
            }
            for section in NarrativeSection.values
        ],
        "errors": [_finding_view(error) for error in errors or []],
        "blocking": [_finding_view(f) for f in findings if f.blocking],
        "warnings": [_finding_view(f) for f in findings if not f.blocking and not f.explained],
        "problem": problem,
        "conflict": conflict,
        "editable": editable,
        "lock": lock if access.can_edit else "",
        "can_review": access.can_review(period.year)
        and submission is not None
        and submission.status == Status.SUBMITTED,
        # Submitted, accepted, or past the closing date: only reopening unlocks it.
        "can_reopen": submission is not None
        and lock is not None
        and access.can_reopen(
            period.year, accepted=submission.status == Status.ACCEPTED, closes_on=period.closes_on
        ),
        "language": current_language(),
    }
    return render(request, "submissions/form.html", context, status=status)


# --- pages -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submission_page(request: HttpRequest, period_code: str) -> HttpResponse:
    """The entry form (or its read-only view); POST saves a draft, or saves and submits."""
    period = _period_or_404(period_code)
    access = request.access  # type: ignore[attr-defined]
    if not access.can_read_review(period.year):
        raise PermissionDenied
    if request.method != "POST":
        return _render_page(request, period)
    if not access.can_edit:
        raise PermissionDenied

    typed = Typed.from_post(request.POST, catalogue_for_year(period.year))
    if typed is None:
        return HttpResponseBadRequest(_("Thiếu phiên bản của báo cáo."))
    action = request.POST.get("action", "save")
    try:
        submission, entries = submission_update(
            school=request.tenant,  # type: ignore[attr-defined]
            period=period,
            expected_version=typed.version,
            changes=typed.changes(),
            actor=_actor(request),
            language=current_language(),
        )
    except SubmissionInvalid as error:
        return _render_page(
            request, period, typed=typed, errors=error.findings, problem=error.message, status=400
        )
    except ConflictError as error:
        return _render_page(
            request, period, typed=typed, problem=error.message, conflict=True, status=409
        )
    except DomainError as error:
        return _render_page(request, period, typed=typed, problem=error.message, status=400)

    if entries:
        messages.success(
            request,
            _("Đã lưu bản nháp (phiên bản %(version)s, %(count)s thay đổi).")
            % {"version": submission.version, "count": len(entries)},
        )
    elif action == "save":
        messages.info(request, _("Không có thay đổi nào để lưu."))
    if action == "submit-confirmed":
        return _submit(request, period, submission.version)
    if action == "submit":
        return redirect("submission_confirm", period_code=period.code)
    return redirect("submission", period_code=period.code)


def _submit(request: HttpRequest, period: Period, version: int | None) -> HttpResponse:
    try:
        submission_submit(
            school=request.tenant,  # type: ignore[attr-defined]
            period=period,
            actor=_actor(request),
            expected_version=version,
            language=current_language(),
        )
    except DomainError as error:
        # Blocking findings are listed at the top of the form and next to each field.
        messages.error(request, error.message)
        return redirect("submission", period_code=period.code)
    messages.success(
        request,
        _("Đã gửi báo cáo %(period)s đến trường cụm trưởng.") % {"period": period.label},
    )
    return redirect("submission", period_code=period.code)


@require_http_methods(["GET", "POST"])
def submission_confirm(request: HttpRequest, period_code: str) -> HttpResponse:
    """The confirmation step before submitting (the page form's fallback without script)."""
    period = _period_or_404(period_code)
    access = request.access  # type: ignore[attr-defined]
    if not (access.can_read_review(period.year) and access.can_edit):
        raise PermissionDenied
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponseBadRequest(_("Thiếu phiên bản của báo cáo."))
        return _submit(request, period, version)
    submission = selectors.submission_of(period=period)
    if submission is None:
        messages.info(request, _("Chưa có số liệu nào cho kỳ này."))
        return redirect("submission", period_code=period.code)
    findings = submission_findings(school=request.tenant, period=period)  # type: ignore[attr-defined]
    return render(
        request,
        "submissions/confirm.html",
        {
            "period": period,
            "period_label": period.label,
            "submission": submission,
            "status_label": STATUS_LABELS.get(submission.status, submission.status),
            "lock": _editing_lock(submission, period),
            "blocking": [_finding_view(f) for f in findings if f.blocking],
            "warnings": [_finding_view(f) for f in findings if not f.blocking and not f.explained],
        },
    )


@require_POST
def submission_review_page(request: HttpRequest, period_code: str) -> HttpResponse:
    """The lead school's decision: accept, or return with a comment."""
    period = _period_or_404(period_code)
    if not request.access.can_review(period.year):  # type: ignore[attr-defined]
        raise PermissionDenied
    decision = request.POST.get("decision")
    if decision not in ("accept", "return"):
        return HttpResponseBadRequest(_("Quyết định không hợp lệ."))
    try:
        submission_review(
            school=request.tenant,  # type: ignore[attr-defined]
            period=period,
            actor=_actor(request),
            accept=decision == "accept",
            comment=_newlines(request.POST.get("comment", "")),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Đã chấp nhận báo cáo.")
            if decision == "accept"
            else _("Đã trả lại báo cáo kèm nhận xét."),
        )
    return redirect("submission", period_code=period.code)


@require_POST
def submission_reopen_page(request: HttpRequest, period_code: str) -> HttpResponse:
    """Back to draft, with a reason (an approver of the school or the department)."""
    period = _period_or_404(period_code)
    access = request.access  # type: ignore[attr-defined]
    if not access.can_read_review(period.year):  # who may reopen: review_policy, in the service
        raise PermissionDenied
    try:
        submission_reopen(
            school=request.tenant,  # type: ignore[attr-defined]
            period=period,
            actor=_actor(request),
            reason=_newlines(request.POST.get("reason", "")),
        )
    except ForbiddenError as refused:  # the review policy's refusal: 403, as over the API
        raise PermissionDenied(refused.message) from refused
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã mở lại báo cáo; trường có thể sửa số liệu."))
    return redirect("submission", period_code=period.code)


def _audit_text(entry: AuditEntry, text: str | None) -> str:
    if text is None or text == "":
        return ""
    if entry.kind == AuditEntry.Kind.VALUE:
        try:
            return format_number(int(text), current_language())
        except ValueError:
            return text
    if entry.kind == AuditEntry.Kind.STATUS:
        return str(STATUS_LABELS.get(text, text))
    if entry.kind == AuditEntry.Kind.NOTE and entry.field.endswith(
        (":not_applicable", ":not_reported")
    ):
        return str(YES_NO.get(text, text))
    return text


def _audit_what(entry: AuditEntry, catalogue: Catalogue) -> str:
    if entry.kind == AuditEntry.Kind.STATUS:
        return str(KIND_LABELS[AuditEntry.Kind.STATUS])
    if entry.kind == AuditEntry.Kind.NARRATIVE:
        return str(NARRATIVE_LABELS.get(entry.field, entry.field))
    code, _sep, detail = entry.field.partition(":")
    indicator = catalogue.by_code.get(code)
    name = _label(indicator) if indicator else code
    if detail == "explanation":
        return _("%(indicator)s (giải trình)") % {"indicator": name}
    if detail == "not_applicable":
        return _("%(indicator)s (không áp dụng)") % {"indicator": name}
    if detail == "not_reported":
        return _("%(indicator)s (không có số liệu)") % {"indicator": name}
    return name


@require_GET
def submission_history(request: HttpRequest, period_code: str) -> HttpResponse:
    """The audit trail: who changed what, when, through which door, old → new."""
    period = _period_or_404(period_code)
    if not request.access.can_read_review(period.year):  # type: ignore[attr-defined]
        raise PermissionDenied
    catalogue = catalogue_for_year(period.year)
    entries = [
        {
            "at": entry.at,
            "username": entry.username,
            "channel": CHANNEL_LABELS.get(entry.channel, entry.channel),
            "kind": entry.kind,
            "kind_label": KIND_LABELS.get(entry.kind, entry.kind),
            "what": _audit_what(entry, catalogue),
            "code": entry.field.partition(":")[0],
            "old": _audit_text(entry, entry.old),
            "new": _audit_text(entry, entry.new),
            "comment": entry.comment,
            "version": entry.version,
        }
        for entry in selectors.audit_of(period=period)
    ]
    submission = selectors.submission_of(period=period)
    status_code = submission.status if submission else NOT_STARTED
    return render(
        request,
        "submissions/history.html",
        {
            "period": period,
            "period_label": period.label,
            "status": status_code,
            "status_label": STATUS_LABELS.get(status_code, status_code),
            "entries": entries,
        },
    )
