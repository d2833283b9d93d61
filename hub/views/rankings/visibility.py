"""The department's grant: may schools see every cluster's ranking of the period?"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalogue.selectors import period_get
from hub.http import HubRequest
from hub.views.errors import page
from rankings.access import department_access, require_manage
from rankings.services import ranking_visibility_set


@require_POST
@page
def visibility_page(request: HubRequest, period_code: str) -> HttpResponse:
    period = period_get(period_code)
    require_manage(department_access(request.user))
    opened = request.POST.get("open_to_schools") == "1"
    ranking_visibility_set(period=period, open_to_schools=opened, actor=request.user.get_username())
    messages.success(
        request,
        _("Các trường đã được xem bảng xếp hạng của mọi cụm.")
        if opened
        else _("Các trường chỉ xem được bảng xếp hạng của cụm mình."),
    )
    return redirect("rankings_period", period_code=period.code)
