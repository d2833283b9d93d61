"""/staff/ on a school's host — the school's approver manages its own editors: the
school's people and roles, creating an editor (who sets their own password through a
one-time link shown here once), withdrawing the editor role and giving it back.

Only the host school's approvers: editors, department staff and everyone else get 403
(the department manages people on /setup/people/)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from administration import selectors, services
from core.errors import DomainError, ForbiddenError, NotFoundError
from hub.http import HubRequest
from hub.views.errors import page
from hub.views.setup.common import invalid, refused, school_role_label
from hub.views.setup.people import UserCreateForm

# The one-time link of the editor just created, kept in the session until shown once.
LINK_KEY = "staff_password_link"


def approver_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HubRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = request.access
        if access is None or not access.can_approve:
            raise PermissionDenied
        return page(view)(request, *args, **kwargs)

    return wrapped


def _people(request: HubRequest) -> list[dict[str, Any]]:
    people = selectors.school_staff(request.tenant)
    for person in people:
        person["label"] = school_role_label(person["role"]) if person["role"] else ""
        person["is_self"] = person["username"] == request.user.get_username()
    return people


@require_http_methods(["GET", "POST"])
@approver_page
def staff_page(request: HubRequest) -> HttpResponse:
    """GET lists; POST action=create makes an editor, action=withdraw|grant changes
    one person's editor role."""
    form = UserCreateForm(request.POST if request.POST.get("action") == "create" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                if not form.is_valid():
                    status = invalid(request, form)
                else:
                    editor = services.school_editor_create(
                        approver=cast(User, request.user),  # approver_page: signed in
                        school=request.tenant,
                        **form.cleaned_data,
                    )
                    messages.success(
                        request,
                        _(
                            "Đã tạo cán bộ nhập liệu %(username)s. Giao cho họ đường dẫn đặt "
                            "mật khẩu bên dưới."
                        )
                        % {"username": editor.username},
                    )
                    request.session[LINK_KEY] = {
                        "username": editor.username,
                        "link": request.build_absolute_uri(services.password_set_path(editor)),
                    }
                    return redirect("school_staff")
            elif action in ("withdraw", "grant"):
                username = request.POST.get("username", "")
                services.school_editor_set(
                    approver=cast(User, request.user),  # approver_page: signed in
                    school=request.tenant,
                    username=username,
                    grant=action == "grant",
                )
                messages.success(
                    request,
                    (
                        _("Đã giao lại vai trò cán bộ nhập liệu cho %(username)s.")
                        if action == "grant"
                        else _("Đã thu hồi vai trò cán bộ nhập liệu của %(username)s.")
                    )
                    % {"username": username},
                )
                return redirect("school_staff")
            else:
                messages.error(request, _("Dữ liệu gửi lên không hợp lệ."))
                status = 400
        except (ForbiddenError, NotFoundError):
            raise  # the hub's 403/404 pages (hub.views.errors.page)
        except DomainError as error:
            status = refused(request, error)
    return render(
        request,
        "staff/index.html",
        {
            "people": _people(request),
            "create_form": form,
            "new_link": request.session.pop(LINK_KEY, None),
        },
        status=status,
    )
