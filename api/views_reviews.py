"""The cluster report (lead school's host, or the public host for the department)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.views_clusters import open_cluster
from core import filetypes
from core.language import current_language
from reviews.models import JobStatus, ReportJob, Section
from reviews.selectors import narratives_of, report_is_out_of_date, report_job_of, report_jobs
from reviews.services import cluster_narrative_save, cluster_narratives_prefill, report_request
from tenants.access import require_cluster_lead, require_cluster_reader, require_report_generator


class ReportInput(serializers.Serializer):
    language = serializers.ChoiceField(choices=["vi", "en"], default="vi")


def job_state(request: Request, job: ReportJob) -> dict[str, object]:
    links = {}
    if job.status == JobStatus.DONE:
        base = request.build_absolute_uri(
            f"/api/v1/clusters/{job.cluster.slug}/periods/{job.period.code}/reports/{job.pk}/"
        )
        links = {kind: f"{base}{kind}/" for kind in ("docx", "xlsx", "pdf")}
    return {
        "id": job.pk,
        "number": job.number,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "language": job.language,
        "basis": job.basis,
        "fingerprint": job.fingerprint,
        "out_of_date": report_is_out_of_date(job),
        "requested_by": job.requested_by,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        **links,
    }


class ReportListView(APIView):
    @extend_schema(request=ReportInput)
    def post(self, request: Request, cluster_slug: str, period_code: str) -> Response:
        opened = open_cluster(request, cluster_slug, period_code)
        cluster, period = opened.cluster, opened.period
        require_report_generator(opened.role)
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = report_request(
            cluster=cluster,
            period=period,
            language=data.validated_data["language"],
            username=request.user.get_username(),
        )
        return Response(job_state(request, job), status=status.HTTP_201_CREATED)

    def get(self, request: Request, cluster_slug: str, period_code: str) -> Response:
        opened = open_cluster(request, cluster_slug, period_code)
        cluster, period = opened.cluster, opened.period
        require_cluster_reader(opened.role, year=period.year)
        jobs = report_jobs(cluster=cluster, period=period)
        return Response([job_state(request, job) for job in jobs])


def readable_job(request: Request, cluster_slug: str, period_code: str, job_id: int) -> ReportJob:
    opened = open_cluster(request, cluster_slug, period_code)
    cluster, period = opened.cluster, opened.period
    require_cluster_reader(opened.role, year=period.year)
    job = report_job_of(cluster=cluster, period=period, job_id=job_id)
    if job is None:
        raise Http404
    return job


class ReportDetailView(APIView):
    def get(self, request: Request, cluster_slug: str, period_code: str, job_id: int) -> Response:
        return Response(
            job_state(request, readable_job(request, cluster_slug, period_code, job_id))
        )


# The report's files (core.filetypes names their content types).
CONTENT_TYPES = {kind: filetypes.CONTENT_TYPES[kind] for kind in ("docx", "xlsx", "pdf")}


class ReportFileView(APIView):
    def get(
        self, request: Request, cluster_slug: str, period_code: str, job_id: int, kind: str
    ) -> FileResponse:
        job = readable_job(request, cluster_slug, period_code, job_id)
        stored = getattr(job, kind, None) if kind in CONTENT_TYPES else None
        if not stored:
            raise Http404
        language = current_language()
        name = (
            f"bao-cao-{job.cluster.slug}-{job.period.code}-{job.number:02d}.{kind}"
            if language == "vi"
            else stored.name.rsplit("/", 1)[-1]
        )
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[kind]
        )


class NarrativeInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    items = serializers.ListField(child=serializers.DictField())


class NarrativesView(APIView):
    """The report's editable sections, each with its version: the cluster's readers
    read them here; the lead writes one at a time (NarrativeSectionView)."""

    def get(self, request: Request, cluster_slug: str, period_code: str) -> Response:
        opened = open_cluster(request, cluster_slug, period_code)
        cluster, period = opened.cluster, opened.period
        require_cluster_reader(opened.role, year=period.year)
        existing = narratives_of(cluster=cluster, period=period)
        return Response(
            {
                section: {
                    "version": existing[section].version if section in existing else 0,
                    "items": existing[section].items if section in existing else [],
                }
                for section in Section.values
            }
        )


class NarrativeSectionView(APIView):
    """One section of the report's text: the lead saves it (a stale version is refused);
    reading is the whole set's (NarrativesView), so GET here is 405."""

    @extend_schema(request=NarrativeInput)
    def put(self, request: Request, cluster_slug: str, period_code: str, section: str) -> Response:
        opened = open_cluster(request, cluster_slug, period_code)
        cluster, period = opened.cluster, opened.period
        require_cluster_lead(opened.role)
        data = NarrativeInput(data=request.data)
        data.is_valid(raise_exception=True)
        narrative = cluster_narrative_save(
            cluster=cluster,
            period=period,
            section=section,
            items=data.validated_data["items"],
            expected_version=data.validated_data["version"],
            username=request.user.get_username(),
        )
        return Response({"version": narrative.version, "items": narrative.items})


class NarrativesPrefillView(APIView):
    def post(self, request: Request, cluster_slug: str, period_code: str) -> Response:
        opened = open_cluster(request, cluster_slug, period_code)
        cluster, period = opened.cluster, opened.period
        require_cluster_lead(opened.role)
        filled = cluster_narratives_prefill(
            cluster=cluster, period=period, username=request.user.get_username()
        )
        return Response({"filled": filled})
