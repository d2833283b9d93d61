"""Declared cluster totals: the figures a cluster report published for the cluster as
a whole, with their source, entered in a formset by the lead's approver or the
department (deputies read them). The API twin is `api.views_declared`; both call
`aggregation.services.declared_totals_replace` (all or nothing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aggregation.selectors import declared_changes, declared_totals
from aggregation.services import declared_totals_replace
from catalogue.selectors import catalogue_for_year
from core.errors import DomainError, ForbiddenError
from core.language import pick
from hub.http import HubRequest
from hub.views.cluster.common import (
    ROLE_LABELS,
    Viewer,
    cluster_name,
    open_viewer,
    page_url,
)
from tenants.access import can_write_declared, require_declared_writer

EXTRA_ROWS = 3


class DeclaredForm(forms.Form):
    """One declared total. The rules (catalogue, whole number, source) are the
    service's; the form only reads the row."""

    indicator = forms.ChoiceField(label=gettext_lazy("Chỉ tiêu"), required=False)
    value = forms.IntegerField(label=gettext_lazy("Giá trị công bố"), required=False)
    source = forms.CharField(label=gettext_lazy("Nguồn"), max_length=255, required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]


DeclaredFormSet = forms.formset_factory(DeclaredForm, extra=EXTRA_ROWS, can_delete=True)


def declared_url(viewer: Viewer) -> str:
    return reverse("cluster_declared", kwargs=viewer.url_args)


def indicator_choices(viewer: Viewer) -> list[tuple[str, str]]:
    catalogue = catalogue_for_year(viewer.period.year)
    return [
        (indicator.code, f"{pick(indicator.label_vi, indicator.label_en)} ({indicator.code})")
        for indicator in catalogue.indicators
    ]


def rows_from(formset: Any) -> list[dict[str, Any]]:
    """The rows kept: neither marked for deletion nor left blank."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if not data or data.get("DELETE"):
            continue
        if not data.get("indicator") and data.get("value") is None and not data.get("source"):
            continue
        rows.append(
            {
                "indicator": data.get("indicator") or "",
                "value": data.get("value"),
                "source": data.get("source") or "",
            }
        )
    return rows


def cluster_declared_page(request: HubRequest, cluster_slug: str, period_code: str) -> HttpResponse:
    viewer = open_viewer(request, cluster_slug, period_code)
    cluster, period = viewer.cluster, viewer.period
    can_edit = can_write_declared(user=request.user, cluster=cluster, year=period.year)
    choices = indicator_choices(viewer)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            require_declared_writer(user=request.user, cluster=cluster, year=period.year)
        except ForbiddenError as refused:
            raise PermissionDenied(refused.message) from refused
        formset = DeclaredFormSet(request.POST, form_kwargs={"choices": choices})
        if formset.is_valid():
            try:
                declared_totals_replace(
                    cluster=cluster,
                    period=period,
                    items=rows_from(formset),
                    actor=request.user.get_username(),
                )
            except DomainError as refused:
                problems = [refused.message, *refused.extra.get("problems", [])]
            else:
                messages.success(request, _("Đã lưu số liệu công bố của cụm."))
                return redirect(declared_url(viewer))
        else:
            problems = [_("Số liệu công bố của cụm chưa hợp lệ; không có gì được lưu.")]
        status = 400
    else:
        formset = DeclaredFormSet(
            initial=[
                {"indicator": row.indicator, "value": row.value, "source": row.source}
                for row in declared_totals(cluster=cluster, period=period)
            ],
            form_kwargs={"choices": choices},
        )
    labels = dict(choices)
    return render(
        request,
        "cluster/declared.html",
        {
            "viewer": viewer,
            "cluster": cluster,
            "period": period,
            "cluster_name": cluster_name(cluster),
            "period_label": period.label,
            "role_label": ROLE_LABELS.get(viewer.role, viewer.role),
            "can_edit": can_edit,
            "formset": formset,
            "problems": problems,
            "rows": [
                {"row": row, "label": labels.get(row.indicator, row.indicator)}
                for row in declared_totals(cluster=cluster, period=period)
            ],
            "changes": declared_changes(cluster=cluster, period=period),
            "board_url": page_url(viewer, "figures"),
        },
        status=status,
    )
