"""/setup/schools/ — the schools with their hosts, status and predecessors; create a
school (provisioned by the worker: the page follows the job until it is done), rename,
deactivate and reactivate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from administration import selectors, services
from administration.models import ProvisioningJob, ProvisioningStatus
from core.errors import DomainError
from hub.http import HubRequest
from hub.views.setup.common import actor, admin_page, invalid, refused, show_datetime


class SchoolCreateForm(forms.Form):
    slug = forms.CharField(
        max_length=41,
        label=gettext_lazy("Mã trường"),
        help_text=gettext_lazy(
            "Chữ thường không dấu và chữ số, bắt đầu bằng chữ cái; là tên miền của trường."
        ),
    )
    name_vi = forms.CharField(max_length=255, label=gettext_lazy("Tên trường"))
    short_name = forms.CharField(max_length=120, required=False, label=gettext_lazy("Tên ngắn"))
    province = forms.CharField(
        max_length=120, required=False, label=gettext_lazy("Tỉnh, thành phố")
    )


class SchoolUpdateForm(forms.Form):
    ACTIONS = ("rename", "deactivate", "reactivate")
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    name_vi = forms.CharField(max_length=255, required=False, label=gettext_lazy("Tên trường"))

    def changes(self) -> dict[str, Any]:
        action = self.cleaned_data["action"]
        if action == "rename":
            return {"name_vi": self.cleaned_data["name_vi"]}
        return {"is_active": action == "reactivate"}


def status_label(status: str) -> str:
    labels: dict[str, str] = {
        ProvisioningStatus.QUEUED: _("Đang chờ"),
        ProvisioningStatus.RUNNING: _("Đang khởi tạo"),
        ProvisioningStatus.DONE: _("Hoàn thành"),
        ProvisioningStatus.FAILED: _("Lỗi"),
    }
    return labels.get(status, status)


def job_out(job: ProvisioningJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "slug": job.slug,
        "name_vi": job.name_vi,
        "status": job.status,
        "status_label": status_label(job.status),
        "message": job.message,
        "finished": job.finished,
        "created_by": job.created_by,
        "created_at": show_datetime(job.created_at),
        "poll_url": reverse("setup_school_job", args=[job.pk]),
    }


def _render(
    request: HubRequest, *, status: int = 200, create_form: SchoolCreateForm | None = None
) -> HttpResponse:
    predecessors = selectors.predecessors_by_school()
    schools = [
        {
            "school": school,
            "hosts": selectors.school_hosts(school),
            "predecessors": predecessors.get(school.schema_name, []),
        }
        for school in selectors.schools_list()
    ]
    jobs = [job_out(job) for job in selectors.provisioning_jobs()]
    return render(
        request,
        "setup/schools.html",
        {
            "schools": schools,
            "jobs": jobs,
            "polling": any(not job["finished"] for job in jobs),
            "create_form": create_form or SchoolCreateForm(),
            "section": "schools",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@admin_page
def index(request: HubRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request)
    form = SchoolCreateForm(request.POST)
    if not form.is_valid():
        return _render(request, status=invalid(request, form), create_form=form)
    try:
        job = services.school_provisioning_request(actor=actor(request), **form.cleaned_data)
    except DomainError as error:
        return _render(request, status=refused(request, error), create_form=form)
    messages.success(
        request,
        _("Đang khởi tạo trường %(name)s (%(slug)s); trang này tự cập nhật khi xong.")
        % {"name": job.name_vi, "slug": job.slug},
    )
    return redirect("setup_schools")


@require_POST
@admin_page
def update(request: HubRequest, slug: str) -> HttpResponse:
    school = selectors.school_by_slug(slug)
    form = SchoolUpdateForm(request.POST)
    if not form.is_valid():
        return _render(request, status=invalid(request, form))
    try:
        services.school_update(school=school, changes=form.changes(), actor=actor(request))
    except DomainError as error:
        return _render(request, status=refused(request, error))
    messages.success(
        request,
        {
            "rename": _("Đã đổi tên trường thành %(name)s."),
            "deactivate": _("Đã ngừng hoạt động %(name)s."),
            "reactivate": _("Đã cho %(name)s hoạt động trở lại."),
        }[form.cleaned_data["action"]]
        % {"name": school.name_vi},
    )
    return redirect("setup_schools")


@require_GET
@admin_page
def job_status(request: HubRequest, job_id: int) -> JsonResponse:
    """The small status the schools page polls while a school is being provisioned."""
    return JsonResponse(job_out(selectors.provisioning_job(job_id)))
