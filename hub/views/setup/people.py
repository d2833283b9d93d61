"""/setup/people/ — the users with their roles; create a user, who then sets their own
password through a one-time link shown on their page (no shared password)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from administration import selectors, services
from core.errors import DomainError
from hub.http import HubRequest
from hub.views.setup.common import actor, admin_page, invalid, refused, school_role_label


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        label=gettext_lazy("Tên đăng nhập"),
        help_text=gettext_lazy("Chữ, chữ số và . @ + - _ (ví dụ: quangninh-editor)."),
    )
    full_name = forms.CharField(max_length=150, required=False, label=gettext_lazy("Họ và tên"))
    email = forms.EmailField(required=False, label=gettext_lazy("Thư điện tử"))


def _people() -> list[dict[str, Any]]:
    people = selectors.users_with_roles()
    for person in people:
        person["school_roles"] = [
            {**entry, "label": school_role_label(entry["role"])} for entry in person["schools"]
        ]
    return people


@require_http_methods(["GET", "POST"])
@admin_page
def index(request: HubRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = invalid(request, form)
        else:
            try:
                user = services.user_create(actor=actor(request), **form.cleaned_data)
            except DomainError as error:
                status = refused(request, error)
            else:
                messages.success(
                    request,
                    _(
                        "Đã tạo người dùng %(username)s. Giao cho họ đường dẫn đặt mật khẩu "
                        "bên dưới, rồi giao vai trò."
                    )
                    % {"username": user.username},
                )
                return redirect("setup_person", username=user.username)
    return render(
        request,
        "setup/people.html",
        {"people": _people(), "create_form": form, "section": "people"},
        status=status,
    )
