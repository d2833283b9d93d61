"""The year's scoring scheme: read by the department, edited by its scoring managers.

The edit is a Django formset (`forms.CriterionFormSet`) over the scheme's criteria;
`rankings.services.scheme_update` validates the whole (indicator codes of the year's
catalogue, valid combinations), refuses a stale version and queues the rankings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aggregation.models import Basis
from catalogue.selectors import catalogue_for_year
from core.errors import ConflictError, DomainError, ForbiddenError, NotFoundError
from core.language import pick
from hub.http import HubRequest
from hub.views.errors import page
from hub.views.rankings.common import common, export_url, wants_xlsx, xlsx
from hub.views.rankings.forms import BaseCriterionFormSet, SchemeForm, criterion_formset
from rankings.access import RankingAccess, department_access, require_department, require_manage
from rankings.build import CRITERION_FIELDS
from rankings.exports import scheme_export
from rankings.models import Direction, Normalisation, ScoringScheme
from rankings.scoring import LECTURERS_CODE
from rankings.selectors import (
    indicator_label,
    periods_of_year,
    scheme_dict,
    scheme_for_year,
    scheme_years_other,
)
from rankings.services import scheme_copy, scheme_update


@require_http_methods(["GET", "POST"])
@page
def scheme_page(request: HubRequest, year: int) -> HttpResponse:
    access = department_access(request.user)
    require_department(access)
    scheme = scheme_for_year(year=year)
    if request.method == "POST":
        require_manage(access)
        if request.POST.get("action") == "create":
            return _create(request, year)
        if scheme is None:
            raise NotFoundError(_("Năm %(year)s chưa có bảng điểm.") % {"year": year})
        return _update(request, year, scheme, access)
    if scheme is not None and wants_xlsx(request):
        return xlsx(scheme_export(scheme=scheme))
    return render(request, "department/scheme.html", _context(request, year, scheme, access))


def _create(request: HubRequest, year: int) -> HttpResponse:
    source = request.POST.get("from_year") or None
    try:
        from_year = int(source) if source else None
    except ValueError:
        return HttpResponseBadRequest("from_year")
    try:
        scheme_copy(year=year, from_year=from_year, actor=request.user.get_username())
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã tạo bảng điểm năm %(year)s.") % {"year": year})
    return redirect("rankings_scheme", year=year)


def _update(
    request: HubRequest, year: int, scheme: ScoringScheme, access: RankingAccess
) -> HttpResponse:
    scheme_form = SchemeForm(request.POST)
    formset = criterion_formset(indicators=_indicators(year), data=request.POST)
    if not (scheme_form.is_valid() and formset.is_valid()):
        if "version" in scheme_form.errors:
            return HttpResponseBadRequest("version")
        messages.error(request, _("Bảng điểm chưa lưu: hãy sửa các ô được đánh dấu."))
        context = _context(request, year, scheme, access, formset=formset)
        return render(request, "department/scheme.html", context, status=400)
    try:
        updated = scheme_update(
            year=year,
            expected_version=scheme_form.cleaned_data["version"],
            actor=request.user.get_username(),
            fields=scheme_form.fields_for(current_label_vi=scheme.label_vi),
            criteria=formset.criteria(),
        )
    except (ForbiddenError, NotFoundError):
        raise
    except DomainError as error:
        messages.error(request, error.message)
        context = _context(request, year, scheme, access, formset=formset)
        status = 409 if isinstance(error, ConflictError) else 400
        return render(request, "department/scheme.html", context, status=status)
    messages.success(
        request,
        _("Đã lưu bảng điểm (phiên bản %(version)s). Bảng xếp hạng đang được tính lại.")
        % {"version": updated.version},
    )
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("rankings_scheme", year=year)


def _indicators(year: int) -> list[tuple[str, str]]:
    """The indicators of the year's catalogue, the choices of numerator/denominator."""
    return [
        (spec.code, pick(spec.label_vi, spec.label_en))
        for spec in catalogue_for_year(year).indicators
    ]


def _context(
    request: HubRequest,
    year: int,
    scheme: ScoringScheme | None,
    access: RankingAccess,
    formset: BaseCriterionFormSet | None = None,
) -> dict[str, Any]:
    stored = scheme_dict(scheme) if scheme is not None else None
    catalogue = catalogue_for_year(year)
    rows = [
        {
            **item,
            "share": round(item["weight_share"] * 100, 1),
            "numerator_label": indicator_label(catalogue, item["numerator"]),
            "denominator_label": indicator_label(catalogue, item["denominator"] or ""),
        }
        for item in (stored["criteria"] if stored else [])
    ]
    forms: list[tuple[Any, dict[str, Any] | None]] = []
    new_forms: list[Any] = []
    if scheme is not None and access.can_manage:
        if formset is None:
            formset = criterion_formset(
                indicators=_indicators(year),
                initial=[{name: row[name] for name in CRITERION_FIELDS} for row in rows],
            )
        by_code = {row["code"]: row for row in rows}
        initial_count = formset.initial_form_count()
        for index, form in enumerate(formset.forms):
            if index < initial_count:
                forms.append((form, by_code.get(str(form["code"].value() or ""))))
            else:
                new_forms.append(form)
    return {
        **common(request, None, access),
        "year": year,
        "scheme": scheme,
        "scheme_label": stored["label"] if stored else "",
        "lecturers_label": indicator_label(catalogue, LECTURERS_CODE),
        "rows": rows,
        "formset": formset,
        "criterion_forms": forms,
        "new_forms": new_forms,
        "can_manage": access.can_manage,
        "directions": Direction.choices,
        "normalisations": Normalisation.choices,
        "bases": Basis.choices,
        "year_periods": periods_of_year(year=year),
        "other_years": scheme_years_other(year=year),
        "next": request.GET.get("next") or request.POST.get("next") or "",
        "export_url": export_url(request),
    }
