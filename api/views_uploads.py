"""Spreadsheet templates and uploads (school host), bulk backfill (public host)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import (
    PublicHostOnly,
    SchoolHostOnly,
    request_access,
    request_tenant,
    request_user,
)
from api.views_submissions import api_actor
from catalogue.selectors import catalogue_for_year, period_get
from core import filetypes
from core.errors import DomainError, ForbiddenError
from core.language import current_language
from imports.services import bulk_process
from submissions.selectors import values_of
from submissions.spreadsheets import (
    UploadKind,
    UploadRefused,
    build_template_csv,
    build_template_xlsx,
    check_upload_size,
)
from submissions.uploads import marks_of, upload_process


class TemplateView(APIView):
    permission_classes = [SchoolHostOnly, *APIView.permission_classes]
    kind = "xlsx"

    @extend_schema(responses={200: OpenApiResponse(description="XLSX or CSV template")})
    def get(self, request: Request, period_code: str) -> HttpResponse:
        period = period_get(period_code)
        if not request_access(request).can_read_review(period.year):
            raise ForbiddenError(_("Bạn không có quyền xem báo cáo kỳ này của trường."))
        school = request_tenant(request)
        stored = values_of(period=period)
        build, content_type = (
            (build_template_xlsx, filetypes.XLSX)
            if self.kind == "xlsx"
            else (build_template_csv, filetypes.CSV)
        )
        body = build(
            catalogue=catalogue_for_year(period.year),
            school_name=school.name_vi,
            period_code=period.code,
            values=stored.values,
            marks=marks_of(stored),
            language=current_language(),
        )
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{school.schema_name}-{period.code}.{self.kind}"'
        )
        return response


class UploadInput(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=True)
    version = serializers.IntegerField(required=False, min_value=0)


def read_upload(request: Request, kind: UploadKind) -> tuple[bytes, str, bool, int | None]:
    data = UploadInput(data=request.data)
    data.is_valid(raise_exception=True)
    upload = data.validated_data["file"]
    try:
        check_upload_size(upload.size, kind=kind, filename=upload.name or "")
    except UploadRefused as refusal:
        raise DomainError(refusal.message(current_language())) from refusal
    return (
        upload.read(),
        upload.name,
        data.validated_data["dry_run"],
        data.validated_data.get("version"),
    )


class UploadView(APIView):
    permission_classes = [SchoolHostOnly, *APIView.permission_classes]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadInput})
    def post(self, request: Request, period_code: str) -> Response:
        period = period_get(period_code)
        if not request_access(request).can_edit:
            raise ForbiddenError(_("Chỉ cán bộ của trường mới được tải số liệu lên."))
        data, name, dry_run, version = read_upload(request, "school")
        result = upload_process(
            school=request_tenant(request),
            period=period,
            data=data,
            filename=name,
            actor=api_actor(request),
            dry_run=dry_run,
            expected_version=version,
            language=current_language(),
        )
        code = status.HTTP_400_BAD_REQUEST if result.errors else status.HTTP_200_OK
        return Response(result.as_dict(), status=code)


class BulkUploadView(APIView):
    permission_classes = [PublicHostOnly, *APIView.permission_classes]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadInput})
    def post(self, request: Request) -> Response:
        data, name, dry_run, _version = read_upload(request, "bulk")
        result = bulk_process(
            user=request_user(request),
            data=data,
            filename=name,
            dry_run=dry_run,
            language=current_language(),
        )
        code: int
        if result.forbidden:
            code = status.HTTP_403_FORBIDDEN
        elif result.stale:
            code = status.HTTP_409_CONFLICT
        elif result.errors:
            code = status.HTTP_400_BAD_REQUEST
        else:
            code = status.HTTP_200_OK
        return Response(result.as_dict(), status=code)
