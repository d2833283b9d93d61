"""A school's submission of a period, on the school's host."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SchoolHostOnly, request_access, request_tenant
from catalogue.models import Period
from catalogue.selectors import period_get
from core.errors import ForbiddenError
from core.language import current_language
from submissions import selectors
from submissions.models import Channel
from submissions.services import (
    Actor,
    Changes,
    submission_findings,
    submission_reopen,
    submission_review,
    submission_submit,
    submission_update,
)


def api_actor(request: Request) -> Actor:
    return Actor(user_id=request.user.pk, username=request.user.get_username(), channel=Channel.API)


def submission_state(request: Request, period: Period) -> dict[str, object]:
    """The whole state of a school's submission for a period, as the API shows it."""
    language = current_language()
    submission = selectors.submission_of(period=period)
    current = selectors.values_of(period=period)
    findings = (
        submission_findings(school=request_tenant(request), period=period) if submission else []
    )
    return {
        "school": request_tenant(request).schema_name,
        "period": period.code,
        "status": submission.status if submission else "not_started",
        "version": submission.version if submission else 0,
        "catalogue_version": submission.catalogue_version if submission else None,
        "values": current.values,
        "not_applicable": sorted(current.not_applicable),
        "not_reported": sorted(current.not_reported),
        "explanations": current.explanations,
        "narratives": current.narratives,
        "submitted_at": submission.submitted_at if submission else None,
        "reviewed_by": submission.reviewed_by if submission else "",
        "reviewed_role": submission.reviewed_role if submission else "",
        "reviewed_school": submission.reviewed_school if submission else "",
        "review_comment": submission.review_comment if submission else "",
        "findings": [finding.as_dict(language) for finding in findings],
        "deadline": period.deadline,
        "closes_on": period.closes_on,
    }


class SubmissionInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=0)
    values = serializers.DictField(
        child=serializers.JSONField(allow_null=True), required=False, default=dict
    )
    narratives = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    explanations = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )
    not_applicable = serializers.DictField(
        child=serializers.BooleanField(), required=False, default=dict
    )
    # "Không có số liệu": the source did not state the figure (never counted as 0).
    not_reported = serializers.DictField(
        child=serializers.BooleanField(), required=False, default=dict
    )


class SubmissionOutput(serializers.Serializer):
    school = serializers.CharField()
    period = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    values = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    narratives = serializers.DictField(child=serializers.CharField())
    findings = serializers.ListField(child=serializers.DictField())


class SubmissionView(APIView):
    permission_classes = [SchoolHostOnly, *APIView.permission_classes]

    @extend_schema(responses=SubmissionOutput)
    def get(self, request: Request, period_code: str) -> Response:
        period = period_get(period_code)
        if not request_access(request).can_read_review(period.year):
            raise ForbiddenError(_("Bạn không có quyền xem báo cáo kỳ này của trường."))
        return Response(submission_state(request, period))

    @extend_schema(request=SubmissionInput, responses=SubmissionOutput)
    def patch(self, request: Request, period_code: str) -> Response:
        period = period_get(period_code)
        if not request_access(request).can_edit:
            raise ForbiddenError(_("Chỉ cán bộ của trường mới được sửa số liệu."))
        data = SubmissionInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission_update(
            school=request_tenant(request),
            period=period,
            expected_version=data.validated_data["version"],
            changes=Changes(
                values=data.validated_data["values"],
                narratives=data.validated_data["narratives"],
                explanations=data.validated_data["explanations"],
                not_applicable=data.validated_data["not_applicable"],
                not_reported=data.validated_data["not_reported"],
            ),
            actor=api_actor(request),
            language=current_language(),
        )
        return Response(submission_state(request, period))


class SubmitView(APIView):
    permission_classes = [SchoolHostOnly, *APIView.permission_classes]

    @extend_schema(request=None, responses=SubmissionOutput)
    def post(self, request: Request, period_code: str) -> Response:
        period = period_get(period_code)
        if not request_access(request).can_edit:
            raise ForbiddenError(_("Chỉ cán bộ của trường mới được gửi báo cáo."))
        version = request.data.get("version") if hasattr(request.data, "get") else None
        submission_submit(
            school=request_tenant(request),
            period=period,
            actor=api_actor(request),
            expected_version=int(version) if version not in (None, "") else None,
            language=current_language(),
        )
        return Response(submission_state(request, period))


class ReviewInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewView(APIView):
    permission_classes = [SchoolHostOnly, *APIView.permission_classes]
    accept = True

    @extend_schema(request=ReviewInput, responses=SubmissionOutput)
    def post(self, request: Request, period_code: str) -> Response:
        # Who may decide is the review policy's answer, applied by the service (as on
        # the pages): a refusal is a ForbiddenError naming the rule.
        period = period_get(period_code)
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission_review(
            school=request_tenant(request),
            period=period,
            actor=api_actor(request),
            accept=self.accept,
            comment=data.validated_data["comment"],
        )
        return Response(submission_state(request, period))


class ReopenInput(serializers.Serializer):
    # Blank is the service's refusal (after the review policy's), as on the page.
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReopenView(APIView):
    permission_classes = [SchoolHostOnly, *APIView.permission_classes]

    @extend_schema(request=ReopenInput, responses=SubmissionOutput)
    def post(self, request: Request, period_code: str) -> Response:
        period = period_get(period_code)
        data = ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        submission_reopen(
            school=request_tenant(request),
            period=period,
            actor=api_actor(request),
            reason=data.validated_data["reason"],
        )
        return Response(submission_state(request, period), status=status.HTTP_200_OK)


class AuditOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    username = serializers.CharField()
    channel = serializers.CharField()
    kind = serializers.CharField()
    field = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)
    comment = serializers.CharField()
    version = serializers.IntegerField()


class AuditView(APIView):
    permission_classes = [SchoolHostOnly, *APIView.permission_classes]

    @extend_schema(responses=AuditOutput(many=True))
    def get(self, request: Request, period_code: str) -> Response:
        period = period_get(period_code)
        if not request_access(request).can_read_review(period.year):
            raise ForbiddenError(_("Bạn không có quyền xem báo cáo kỳ này của trường."))
        return Response(AuditOutput(selectors.audit_of(period=period), many=True).data)
