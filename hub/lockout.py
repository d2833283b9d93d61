"""What a locked-out sign-in gets: the reason and when to try again, in the user's
language; JSON on the API, the sign-in page elsewhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKED_STATUS = 429


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Tài khoản tạm khóa vì nhập sai mật khẩu %(count)s lần. "
        "Hãy thử lại sau %(minutes)s phút hoặc nhờ quản trị viên mở khóa."
    ) % {"count": settings.AXES_FAILURE_LIMIT, "minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=LOCKED_STATUS)
    return render(
        request,
        "registration/login.html",
        {"locked_message": lockout_message(), "form": None},
        status=LOCKED_STATUS,
    )
