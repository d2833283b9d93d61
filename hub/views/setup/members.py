"""/setup/clusters/<slug>/<year>/ — a cluster's schools and roles for a year, edited
as a formset (a school among the active schools, its role; rows added and removed) and
saved as a whole by one `cluster_members_replace`: all of it or nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from administration import selectors, services
from administration.services import MemberLine
from core.errors import DomainError
from core.language import pick
from hub.http import HubRequest
from hub.views.setup.common import (
    actor,
    admin_page,
    cluster_role_choices,
    invalid,
    refused,
    set_choices,
)
from tenants.models import ClusterRole

MAX_ROWS = 80


class MemberForm(forms.Form):
    school = forms.ChoiceField(label=gettext_lazy("Trường"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Vai trò"), initial=ClusterRole.MEMBER)

    def __init__(self, *args: Any, school_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["school"], school_choices)
        set_choices(self.fields["role"], cluster_role_choices())


MemberFormSet = forms.formset_factory(
    MemberForm, extra=0, can_delete=True, max_num=MAX_ROWS, validate_max=True
)


def _school_choices(members: list[dict[str, Any]]) -> list[tuple[str, str]]:
    choices = [
        (school.schema_name, f"{school.name_vi} ({school.schema_name})")
        for school in selectors.active_schools()
    ]
    known = {slug for slug, _label in choices}
    # A member deactivated since stays listed, so that the page shows (and can remove) it.
    choices += [
        (m["school"], f"{m['name']} ({m['school']})") for m in members if m["school"] not in known
    ]
    return [("", "—"), *choices]


def _extra_rows(request: HubRequest, members: list[dict[str, Any]]) -> int:
    try:
        wanted = int(request.GET.get("rows", ""))
    except ValueError:
        wanted = 0
    default = 3 if members else 6
    return max(default, min(wanted, MAX_ROWS - len(members)))


@require_http_methods(["GET", "POST"])
@admin_page
def edit(request: HubRequest, slug: str, year: int) -> HttpResponse:
    cluster = selectors.cluster_by_slug(slug)
    members = selectors.cluster_members(cluster=cluster, year=year)
    choices = _school_choices(members)
    status = 200
    if request.method == "POST":
        formset = MemberFormSet(request.POST, form_kwargs={"school_choices": choices})
        if not formset.is_valid():
            status = invalid(request, formset)
        else:
            lines = [
                MemberLine(school=form.cleaned_data["school"], role=form.cleaned_data["role"])
                for form in formset.forms
                if form.cleaned_data
                and form.cleaned_data.get("school")
                and not form.cleaned_data.get("DELETE")
            ]
            try:
                services.cluster_members_replace(
                    cluster=cluster, year=year, members=lines, actor=actor(request)
                )
            except DomainError as error:
                status = refused(request, error)
            else:
                messages.success(
                    request,
                    _("Đã lưu %(count)s trường của %(cluster)s năm %(year)s.")
                    % {"count": len(lines), "cluster": cluster.name_vi, "year": year},
                )
                return redirect(f"{reverse('setup_year')}?year={year}")
    else:
        formset = MemberFormSet(
            initial=[{"school": m["school"], "role": m["role"]} for m in members],
            form_kwargs={"school_choices": choices},
        )
        formset.extra = _extra_rows(request, members)
    return render(
        request,
        "setup/members.html",
        {
            "cluster": cluster,
            "cluster_name": pick(cluster.name_vi, cluster.name_en or cluster.name_vi),
            "year": year,
            "formset": formset,
            "more_rows": formset.extra + 5,
            "section": "year",
        },
        status=status,
    )
