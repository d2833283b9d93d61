"""/setup/mergers/ — record that schools became one (into, from several, effective
e.g. 2025-H2, a note); the mergers recorded so far."""

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
from hub.views.setup.common import (
    actor,
    admin_page,
    invalid,
    refused,
    school_choices,
    set_choices,
    show_date,
)


class MergerForm(forms.Form):
    into = forms.ChoiceField(label=gettext_lazy("Trường tiếp nhận (tiếp tục hoạt động)"))
    sources = forms.MultipleChoiceField(
        label=gettext_lazy("Các trường được sáp nhập"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    effective = forms.CharField(
        max_length=10,
        label=gettext_lazy("Có hiệu lực từ"),
        help_text=gettext_lazy("Ví dụ 2025-H2 (từ 01/07/2025), 2025, hoặc 2025-07-01."),
    )
    note = forms.CharField(max_length=255, required=False, label=gettext_lazy("Ghi chú"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = selectors.schools_list()
        set_choices(self.fields["into"], school_choices(schools))
        set_choices(self.fields["sources"], school_choices(schools, blank=False))


@require_http_methods(["GET", "POST"])
@admin_page
def index(request: HubRequest) -> HttpResponse:
    form = MergerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = invalid(request, form)
        else:
            data = form.cleaned_data
            try:
                services.schools_merge(
                    into=selectors.school_by_slug(data["into"]),
                    sources=[selectors.school_by_slug(slug) for slug in data["sources"]],
                    effective=data["effective"],
                    note=data["note"],
                    actor=actor(request),
                )
            except DomainError as error:
                status = refused(request, error)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận sáp nhập %(sources)s vào %(into)s từ %(effective)s.")
                    % {
                        "sources": ", ".join(data["sources"]),
                        "into": data["into"],
                        "effective": data["effective"],
                    },
                )
                return redirect("setup_mergers")
    lineages = [
        {"lineage": lineage, "effective_from": show_date(lineage.effective_from)}
        for lineage in selectors.lineages_list()
    ]
    return render(
        request,
        "setup/mergers.html",
        {"form": form, "lineages": lineages, "section": "mergers"},
        status=status,
    )
