"""What every set-up page shares: who may open it, who is acting, how a refusal and a
success are shown, and the display of dates and times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from administration.selectors import is_department_admin
from core.errors import ConflictError, DomainError
from core.formatting import format_date, format_datetime
from core.language import current_language
from core.timezone import local
from hub.http import HubRequest
from hub.views.errors import page
from tenants.models import ClusterRole, School, SchoolRole

View = Callable[..., HttpResponse]


def admin_page(view: View) -> View:
    """Only the department's administrators (DepartmentMembership.is_admin), on the
    hub's own host; anyone signed out is sent to sign in, anyone else gets 403."""

    @wraps(view)
    def wrapped(request: HubRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.tenant.schema_name != settings.PUBLIC_SCHEMA_NAME:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_department_admin(request.user):
            raise PermissionDenied
        return page(view)(request, *args, **kwargs)

    return wrapped


def actor(request: HubRequest) -> str:
    return request.user.get_username()


def refused(request: HubRequest, error: DomainError) -> int:
    """Show the refusal as messages on the page; the status the page answers with."""
    problems = error.extra.get("problems") or [str(error)]
    for problem in problems:
        messages.error(request, problem)
    return 409 if isinstance(error, ConflictError) else 400


def invalid(request: HubRequest, form: forms.BaseForm | forms.BaseFormSet) -> int:
    """A form that did not validate: its errors as messages, status 400."""
    if isinstance(form, forms.BaseFormSet):
        errors = [str(e) for e in form.non_form_errors()]
        for index, item in enumerate(form.forms, start=1):
            for field, field_errors in item.errors.items():
                errors.extend(
                    _("Dòng %(row)s, %(field)s: %(error)s")
                    % {"row": index, "field": field, "error": e}
                    for e in field_errors
                )
    else:
        errors = []
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            errors.extend(f"{label}: {e}" if label else str(e) for e in field_errors)
    for error in errors or [_("Dữ liệu gửi lên không hợp lệ.")]:
        messages.error(request, error)
    return 400


def show_date(value: date | None) -> str:
    return format_date(value, current_language()) if value else ""


def show_datetime(value: datetime | None) -> str:
    return format_datetime(local(value), current_language()) if value else ""


def cluster_role_choices() -> list[tuple[str, str]]:
    return [
        (ClusterRole.LEAD, _("Cụm trưởng")),
        (ClusterRole.STANDING_DEPUTY, _("Cụm phó thường trực")),
        (ClusterRole.DEPUTY, _("Cụm phó")),
        (ClusterRole.MEMBER, _("Thành viên")),
    ]


def cluster_role_label(role: str) -> str:
    return dict(cluster_role_choices()).get(role, role)


def school_role_choices() -> list[tuple[str, str]]:
    return [
        (SchoolRole.EDITOR, _("Cán bộ nhập liệu")),
        (SchoolRole.APPROVER, _("Lãnh đạo phê duyệt")),
    ]


def school_role_label(role: str) -> str:
    return dict(school_role_choices()).get(role, role)


def school_choices(schools: list[School], *, blank: bool = True) -> list[tuple[str, str]]:
    choices = [
        (school.schema_name, f"{school.name_vi} ({school.schema_name})") for school in schools
    ]
    return [("", "—"), *choices] if blank else choices


def set_choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    """Fill a choice field's options when the form is made (they come from the database)."""
    cast(forms.ChoiceField, field).choices = choices
