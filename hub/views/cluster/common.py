"""What every cluster page shares: who is looking (`Viewer`, opened by `open_viewer`
under the one access policy, `tenants.access`), the labels and small helpers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aggregation.models import Basis
from catalogue.models import Period
from catalogue.selectors import period_get
from core.language import pick
from hub.http import HubRequest, page_user
from hub.views.errors import http_errors
from reviews.models import JobStatus, Section
from submissions.models import Channel
from submissions.services import Actor
from tenants.access import (
    REPORT_GENERATORS,
    cluster_viewer_role,
    require_cluster_lead,
    require_cluster_reader,
    require_report_generator,
    school_in_cluster,
)
from tenants.models import Cluster, ClusterRole
from tenants.selectors import cluster_get
from tenants.services import school_host

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ROLE_LABELS: dict[str, StrOrPromise] = {
    "lead": gettext_lazy("Cụm trưởng"),
    "standing_deputy": gettext_lazy("Cụm phó thường trực"),
    "deputy": gettext_lazy("Cụm phó"),
    "member": gettext_lazy("Thành viên"),
    "department": gettext_lazy("Vụ Các trường chính trị"),
}
BASIS_LABELS: dict[str, StrOrPromise] = {
    Basis.SUBMITTED: gettext_lazy("đã gửi và đã chấp nhận"),
    Basis.ACCEPTED: gettext_lazy("chỉ đã chấp nhận"),
}
SECTION_LABELS: dict[str, StrOrPromise] = {
    Section.OPENING: gettext_lazy("Mở đầu"),
    Section.LIMITATIONS: gettext_lazy("Hạn chế và nguyên nhân"),
    Section.PROPOSALS: gettext_lazy("Kiến nghị, đề xuất với Học viện"),
    Section.NEXT_TASKS: gettext_lazy("Nhiệm vụ trọng tâm kỳ tới"),
    Section.SCORING: gettext_lazy("Kết quả chấm điểm, bình xét"),
}
JOB_LABELS: dict[str, StrOrPromise] = {
    JobStatus.QUEUED: gettext_lazy("Đang chờ"),
    JobStatus.RUNNING: gettext_lazy("Đang tạo"),
    JobStatus.DONE: gettext_lazy("Hoàn thành"),
    JobStatus.FAILED: gettext_lazy("Lỗi"),
}
# The report's language (the interface's own names for languages stay untranslated).
LANGUAGE_LABELS: dict[str, StrOrPromise] = {
    "vi": gettext_lazy("Bản tiếng Việt"),
    "en": gettext_lazy("Bản tiếng Anh"),
}


@dataclass(frozen=True)
class Viewer:
    """One user on one cluster's review for one period."""

    cluster: Cluster
    period: Period
    role: str
    on_school_host: bool

    @property
    def is_lead(self) -> bool:
        return self.role == ClusterRole.LEAD

    @property
    def can_generate(self) -> bool:
        return self.role in REPORT_GENERATORS

    @property
    def url_args(self) -> dict[str, str]:
        return {"cluster_slug": self.cluster.slug, "period_code": self.period.code}


def open_viewer(request: HubRequest, cluster_slug: str, period_code: str) -> Viewer:
    """The cluster and period named in the URL, and the user's role in them; 404 for
    an unknown cluster or period or a host outside the cluster, ForbiddenError (403)
    for a user who may not read the cluster's pages."""
    with http_errors():
        cluster = cluster_get(cluster_slug)
        period = period_get(period_code)
    tenant = request.tenant
    on_school_host = tenant.schema_name != settings.PUBLIC_SCHEMA_NAME
    if on_school_host and not school_in_cluster(school=tenant, cluster=cluster, year=period.year):
        raise Http404(_("Trường này không thuộc cụm trong năm %(year)s.") % {"year": period.year})
    role = cluster_viewer_role(user=page_user(request), cluster=cluster, year=period.year)
    with http_errors():
        role = require_cluster_reader(role, year=period.year)
    return Viewer(cluster=cluster, period=period, role=role, on_school_host=on_school_host)


def lead_only(viewer: Viewer) -> None:
    with http_errors():
        require_cluster_lead(viewer.role)


def generators_only(viewer: Viewer) -> None:
    with http_errors():
        require_report_generator(viewer.role)


def page_url(viewer: Viewer, anchor: str = "") -> str:
    url = reverse("cluster_review", kwargs=viewer.url_args)
    return f"{url}#{anchor}" if anchor else url


def page_actor(request: HubRequest) -> Actor:
    return Actor(
        user_id=request.user.pk, username=request.user.get_username(), channel=Channel.PAGE
    )


def newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def school_url(request: HubRequest, slug: str, path: str) -> str:
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    return f"{request.scheme}://{school_host(slug)}{suffix}{path}"


def cluster_name(cluster: Cluster) -> str:
    return pick(cluster.name_vi, cluster.name_en)
