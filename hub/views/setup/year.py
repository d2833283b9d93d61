"""/setup/?year=YYYY — the year's clusters with their members and roles; copy last
year's, create a cluster, import the Academy's decision (dry run, then confirm).

The decision file is read once: its rows are kept in the session between the dry run
and the confirmation, so the confirmation applies exactly what the dry run showed (and
is checked again as a whole when applied)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from administration import selectors, services
from administration.decision_file import read_rows
from core.errors import DomainError
from core.language import pick
from hub.http import HubRequest
from hub.views.setup.common import (
    actor,
    admin_page,
    cluster_role_label,
    invalid,
    refused,
)
from tenants.models import ClusterRole

SESSION_KEY = "setup_import"


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=gettext_lazy("Năm"))


class ClusterCreateForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    slug = forms.SlugField(
        max_length=80,
        label=gettext_lazy("Mã cụm"),
        help_text=gettext_lazy("Chữ thường không dấu, chữ số và dấu gạch, ví dụ cum-tay-bac."),
    )
    name_vi = forms.CharField(max_length=255, label=gettext_lazy("Tên cụm (tiếng Việt)"))
    name_en = forms.CharField(max_length=255, required=False, label=gettext_lazy("Tên tiếng Anh"))
    region = forms.CharField(max_length=120, required=False, label=gettext_lazy("Khu vực"))


class CopyForm(forms.Form):
    year = forms.IntegerField(min_value=2001, max_value=2100, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    file = forms.FileField(label=gettext_lazy("Tệp quyết định (CSV hoặc XLSX)"))


def _year(request: HubRequest) -> int:
    form = YearForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return int(form.cleaned_data["year"])
    return timezone.localdate().year


def _posted_year(request: HubRequest) -> int:
    form = YearForm(request.POST)
    return int(form.cleaned_data["year"]) if form.is_valid() else timezone.localdate().year


def _year_url(year: int) -> str:
    return f"{reverse('setup_year')}?year={year}"


def _cluster_rows(year: int) -> list[dict[str, Any]]:
    rows = []
    for cluster in selectors.clusters_of_year(year=year):
        by_role: dict[str, list[dict[str, Any]]] = {role: [] for role in ClusterRole.values}
        for member in cluster["members"]:
            by_role[member["role"]].append(member)
        rows.append(
            {
                **cluster,
                "name": pick(cluster["name_vi"], cluster["name_en"] or cluster["name_vi"]),
                "lead": by_role[ClusterRole.LEAD],
                "standing_deputy": by_role[ClusterRole.STANDING_DEPUTY],
                "deputies": by_role[ClusterRole.DEPUTY],
                "members_only": by_role[ClusterRole.MEMBER],
                "count": len(cluster["members"]),
            }
        )
    return rows


def _preview(plan: services.ImportPlan) -> list[dict[str, str]]:
    return [
        {"cluster": slug, "school": line.school, "role": cluster_role_label(line.role)}
        for slug, lines in plan.clusters.items()
        for line in lines
    ]


def _render(
    request: HubRequest,
    year: int,
    *,
    status: int = 200,
    create_form: ClusterCreateForm | None = None,
    import_form: ImportForm | None = None,
    plan: services.ImportPlan | None = None,
    file_name: str = "",
) -> HttpResponse:
    context = {
        "year": year,
        "previous_year": year - 1,
        "next_year": year + 1,
        "clusters": _cluster_rows(year),
        "create_form": create_form or ClusterCreateForm(initial={"year": year}),
        "import_form": import_form or ImportForm(initial={"year": year}),
        "plan": plan,
        "preview": _preview(plan) if plan else [],
        "file_name": file_name,
        "section": "year",
    }
    return render(request, "setup/year.html", context, status=status)


@require_GET
@admin_page
def index(request: HubRequest) -> HttpResponse:
    return _render(request, _year(request))


@require_POST
@admin_page
def cluster_create(request: HubRequest) -> HttpResponse:
    form = ClusterCreateForm(request.POST)
    if not form.is_valid():
        return _render(
            request, _posted_year(request), status=invalid(request, form), create_form=form
        )
    year = form.cleaned_data["year"]
    data = form.cleaned_data
    try:
        cluster = services.cluster_create(
            slug=data["slug"],
            name_vi=data["name_vi"],
            name_en=data["name_en"],
            region=data["region"],
            actor=actor(request),
        )
    except DomainError as error:
        return _render(request, year, status=refused(request, error), create_form=form)
    messages.success(
        request,
        _("Đã tạo cụm %(cluster)s. Thêm các trường của cụm cho năm %(year)s.")
        % {"cluster": cluster.name_vi, "year": year},
    )
    return redirect("setup_members", slug=cluster.slug, year=year)


@require_POST
@admin_page
def copy_year(request: HubRequest) -> HttpResponse:
    form = CopyForm(request.POST)
    if not form.is_valid():
        return _render(request, _posted_year(request), status=invalid(request, form))
    year = form.cleaned_data["year"]
    try:
        copied = services.clusters_copy_year(from_year=year - 1, to_year=year, actor=actor(request))
    except DomainError as error:
        return _render(request, year, status=refused(request, error))
    if copied:
        messages.success(
            request,
            _("Đã chép %(count)s cụm của năm %(from)s sang năm %(to)s.")
            % {"count": len(copied), "from": year - 1, "to": year},
        )
    else:
        messages.info(
            request,
            _(
                "Không có cụm nào để chép: năm %(from)s không có thành viên, "
                "hoặc các cụm đã có thành viên năm %(to)s."
            )
            % {"from": year - 1, "to": year},
        )
    return redirect(_year_url(year))


@require_POST
@admin_page
def import_preview(request: HubRequest) -> HttpResponse:
    """The dry run: the decision read and checked as a whole, nothing changed."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(
            request, _posted_year(request), status=invalid(request, form), import_form=form
        )
    year, upload = form.cleaned_data["year"], form.cleaned_data["file"]
    try:
        rows = read_rows(name=upload.name or "", data=upload.read())
        plan = services.clusters_import(rows=rows, year=year, actor=actor(request), dry_run=True)
    except DomainError as error:
        request.session.pop(SESSION_KEY, None)
        return _render(request, year, status=refused(request, error), import_form=form)
    if plan.ok:
        request.session[SESSION_KEY] = {"year": year, "name": upload.name, "rows": rows}
    else:
        request.session.pop(SESSION_KEY, None)
    return _render(
        request,
        year,
        status=200 if plan.ok else 400,
        import_form=form,
        plan=plan,
        file_name=upload.name or "",
    )


@require_POST
@admin_page
def import_confirm(request: HubRequest) -> HttpResponse:
    """Apply the decision the dry run showed (kept in the session)."""
    form = CopyForm(request.POST)  # only the year
    kept = request.session.get(SESSION_KEY)
    if not form.is_valid() or not kept or kept.get("year") != form.cleaned_data["year"]:
        messages.error(request, _("Không còn tệp đã chạy thử: hãy tải tệp quyết định lên lại."))
        return _render(request, _posted_year(request), status=400)
    year = kept["year"]
    try:
        plan = services.clusters_import(
            rows=kept["rows"], year=year, actor=actor(request), dry_run=False
        )
    except DomainError as error:
        return _render(request, year, status=refused(request, error))
    if not plan.applied:
        for problem in plan.problems:
            messages.error(request, problem)
        return _render(request, year, status=400, plan=plan, file_name=kept.get("name", ""))
    request.session.pop(SESSION_KEY, None)
    messages.success(
        request,
        _("Đã áp dụng quyết định: %(count)s cụm của năm %(year)s.")
        % {"count": len(plan.clusters), "year": year},
    )
    return redirect(_year_url(year))
