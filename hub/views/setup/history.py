"""/setup/history/ — every change the department made: who, when, what, before and
after; filtered by kind of target and by target."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from administration import selectors
from hub.http import HubRequest
from hub.views.setup.common import admin_page, set_choices, show_datetime

LIMIT = 300


class HistoryFilter(forms.Form):
    type = forms.ChoiceField(required=False, label=gettext_lazy("Loại"))
    target = forms.CharField(required=False, max_length=200, label=gettext_lazy("Đối tượng"))

    def __init__(self, *args: Any, types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["type"], [("", "—"), *((t, t) for t in types)])


def _shown(value: Any) -> str:
    if value in (None, "", [], {}):
        return ""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


@require_GET
@admin_page
def index(request: HubRequest) -> HttpResponse:
    form = HistoryFilter(request.GET or None, types=selectors.history_types())
    type_, target = "", ""
    if form.is_bound and form.is_valid():
        type_, target = form.cleaned_data["type"], form.cleaned_data["target"].strip()
    changes = [
        {
            "change": change,
            "at": show_datetime(change.at),
            "before": _shown(change.before),
            "after": _shown(change.after),
        }
        for change in selectors.history(
            target_type=type_ or None, target=target or None, limit=LIMIT
        )
    ]
    return render(
        request,
        "setup/history.html",
        {"form": form, "changes": changes, "limit": LIMIT, "section": "history"},
        status=200 if not form.is_bound or form.is_valid() else 400,
    )
