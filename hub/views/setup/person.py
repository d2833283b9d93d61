"""/setup/people/<username>/ — one person's roles: their school roles (a formset),
the department's admin and scoring roles, whether the account is active; and, while
they have not set a password yet, the one-time link with which they set it."""

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
from administration.services import DepartmentRole
from core.errors import DomainError
from hub.http import HubRequest
from hub.views.setup.common import (
    actor,
    admin_page,
    invalid,
    refused,
    school_choices,
    school_role_choices,
    set_choices,
)

MAX_ROWS = 40


class SchoolRoleForm(forms.Form):
    school = forms.ChoiceField(label=gettext_lazy("Trường"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Vai trò"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["school"], choices)
        set_choices(self.fields["role"], school_role_choices())


SchoolRoleFormSet = forms.formset_factory(
    SchoolRoleForm, extra=2, can_delete=True, max_num=MAX_ROWS, validate_max=True
)


class AccountForm(forms.Form):
    department = forms.BooleanField(required=False, label=gettext_lazy("Cán bộ của Vụ"))
    admin = forms.BooleanField(
        required=False, label=gettext_lazy("Quản trị viên (thiết lập năm học)")
    )
    scoring = forms.BooleanField(required=False, label=gettext_lazy("Quản trị bảng điểm"))
    is_active = forms.BooleanField(required=False, label=gettext_lazy("Tài khoản đang hoạt động"))

    def department_role(self) -> DepartmentRole | None:
        data = self.cleaned_data
        if not (data["department"] or data["admin"] or data["scoring"]):
            return None
        return DepartmentRole(admin=data["admin"], scoring=data["scoring"])


@require_http_methods(["GET", "POST"])
@admin_page
def edit(request: HubRequest, username: str) -> HttpResponse:
    person = selectors.user_by_username(username)
    roles = services.roles_of(person)
    # Every school (a deactivated one too) so that an existing role is shown and removable.
    choices = school_choices(selectors.schools_list())
    status = 200
    if request.method == "POST":
        formset = SchoolRoleFormSet(request.POST, form_kwargs={"choices": choices}, prefix="roles")
        account = AccountForm(request.POST)
        if not formset.is_valid():
            status = invalid(request, formset)
        elif not account.is_valid():
            status = invalid(request, account)
        else:
            school_roles = [
                (form.cleaned_data["school"], form.cleaned_data["role"])
                for form in formset.forms
                if form.cleaned_data
                and form.cleaned_data.get("school")
                and not form.cleaned_data.get("DELETE")
            ]
            try:
                services.user_roles_replace(
                    user=person,
                    school_roles=school_roles,
                    department=account.department_role(),
                    is_active=account.cleaned_data["is_active"],
                    actor=actor(request),
                )
            except DomainError as error:
                status = refused(request, error)
            else:
                messages.success(
                    request, _("Đã lưu vai trò của %(username)s.") % {"username": person.username}
                )
                return redirect("setup_person", username=person.username)
    else:
        department = roles["department"]
        formset = SchoolRoleFormSet(
            initial=roles["schools"], form_kwargs={"choices": choices}, prefix="roles"
        )
        account = AccountForm(
            initial={
                "department": department is not None,
                "admin": bool(department and department["admin"]),
                "scoring": bool(department and department["scoring"]),
                "is_active": roles["is_active"],
            }
        )
    link = (
        None
        if person.has_usable_password()
        else request.build_absolute_uri(services.password_set_path(person))
    )
    return render(
        request,
        "setup/person.html",
        {
            "person": person,
            "formset": formset,
            "account": account,
            "password_link": link,
            "section": "people",
        },
        status=status,
    )
