"""/setup/periods/ — the periods with their opening, deadline and closing dates, each
editable; a later deadline for one school, with the reason it was given."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from administration import selectors, services
from catalogue.selectors import period_get
from core.errors import DomainError
from hub.http import HubRequest
from hub.views.setup.common import (
    actor,
    admin_page,
    invalid,
    refused,
    school_choices,
    set_choices,
    show_date,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    opens_on = forms.DateField(label=gettext_lazy("Ngày mở"), widget=DATE)
    deadline = forms.DateField(label=gettext_lazy("Hạn nộp"), widget=DATE)
    closes_on = forms.DateField(label=gettext_lazy("Ngày khóa"), widget=DATE)


class ExtensionForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Kỳ báo cáo"))
    school = forms.ChoiceField(label=gettext_lazy("Trường"))
    deadline = forms.DateField(label=gettext_lazy("Hạn mới"), widget=DATE)
    reason = forms.CharField(
        label=gettext_lazy("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        set_choices(
            self.fields["period"],
            [(period.code, period.code) for period in selectors.periods_list()],
        )
        set_choices(self.fields["school"], school_choices(selectors.active_schools()))


def _render(
    request: HubRequest, *, status: int = 200, extension_form: ExtensionForm | None = None
) -> HttpResponse:
    periods = [
        {
            "period": period,
            "label": period.label,
            "opens_on": show_date(period.opens_on),
            "deadline": show_date(period.deadline),
            "closes_on": show_date(period.closes_on),
            "form": PeriodForm(
                initial={
                    "opens_on": period.opens_on,
                    "deadline": period.deadline,
                    "closes_on": period.closes_on,
                },
                prefix=period.code,
            ),
        }
        for period in selectors.periods_list()
    ]
    extensions = [
        {"extension": extension, "deadline": show_date(extension.deadline)}
        for extension in selectors.extensions_list()
    ]
    return render(
        request,
        "setup/periods.html",
        {
            "periods": periods,
            "extensions": extensions,
            "extension_form": extension_form or ExtensionForm(),
            "section": "periods",
        },
        status=status,
    )


@require_GET
@admin_page
def index(request: HubRequest) -> HttpResponse:
    return _render(request)


@require_POST
@admin_page
def update(request: HubRequest, code: str) -> HttpResponse:
    period = period_get(code)
    form = PeriodForm(request.POST, prefix=period.code)
    if not form.is_valid():
        return _render(request, status=invalid(request, form))
    try:
        services.period_update(period=period, actor=actor(request), **form.cleaned_data)
    except DomainError as error:
        return _render(request, status=refused(request, error))
    messages.success(request, _("Đã lưu các ngày của kỳ %(period)s.") % {"period": period.code})
    return redirect("setup_periods")


@require_POST
@admin_page
def extend(request: HubRequest) -> HttpResponse:
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        return _render(request, status=invalid(request, form), extension_form=form)
    data = form.cleaned_data
    try:
        services.deadline_extend(
            period=period_get(data["period"]),
            school=selectors.school_by_slug(data["school"]),
            deadline=data["deadline"],
            reason=data["reason"],
            actor=actor(request),
        )
    except DomainError as error:
        return _render(request, status=refused(request, error), extension_form=form)
    messages.success(
        request,
        _("Đã gia hạn cho %(school)s đến %(deadline)s (kỳ %(period)s).")
        % {
            "school": data["school"],
            "deadline": show_date(data["deadline"]),
            "period": data["period"],
        },
    )
    return redirect("setup_periods")
