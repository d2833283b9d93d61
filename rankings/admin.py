"""Django admin for the department's scoring schemes.

Only superusers and department staff with `can_manage_scoring` (who must also be
`is_staff` to enter the admin) may change schemes. The admin saves the rows, then
calls `ranking_services.scheme_touch`, which validates the whole scheme, bumps its
version and queues the year's rankings: the same path as the API and the pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from rankings.build import CRITERION_FIELDS, criterion_from_mapping
from rankings.models import Ranking, RankingVisibility, ScoringCriterion, ScoringScheme
from rankings.services import SchemeInvalid, scheme_touch
from tenants.models import DepartmentMembership


def manages_scoring(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(
        user.is_staff
        and DepartmentMembership.objects.filter(user=user, can_manage_scoring=True).exists()
    )


class ScoringPermission:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return manages_scoring(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_scoring(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return manages_scoring(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_scoring(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return manages_scoring(request)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = ScoringCriterion
        fields = ["position", *CRITERION_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            criterion_from_mapping({name: data.get(name) for name in CRITERION_FIELDS})
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError(str(error)) from None
        return data


class CriterionFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise ValidationError("Bảng điểm cần ít nhất một tiêu chí.")
        codes = [item["code"] for item in kept]
        if len(set(codes)) != len(codes):
            raise ValidationError("Mã tiêu chí phải khác nhau trong một bảng điểm.")
        if sum(float(item.get("weight") or 0) for item in kept) <= 0:
            raise ValidationError("Tổng trọng số phải lớn hơn 0.")


class CriterionInline(ScoringPermission, admin.TabularInline):
    model = ScoringCriterion
    form = CriterionForm
    formset = CriterionFormSet
    extra = 0
    ordering = ["position", "code"]


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(ScoringPermission, admin.ModelAdmin):
    list_display = [
        "year",
        "version",
        "label_vi",
        "is_example",
        "basis",
        "updated_at",
        "updated_by",
    ]
    readonly_fields = ["version", "updated_at", "updated_by"]
    fields = [
        "year",
        "version",
        "label_vi",
        "label_en",
        "is_example",
        "basis",
        "description",
        "updated_at",
        "updated_by",
    ]
    inlines = [CriterionInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        try:
            scheme_touch(scheme_id=form.instance.pk, actor=request.user.get_username())
        except SchemeInvalid as error:
            # The formsets validated each line and the whole; this is a last guard.
            transaction.set_rollback(True)
            messages.error(request, error.message)


@admin.register(Ranking)
class RankingAdmin(ScoringPermission, admin.ModelAdmin):
    list_display = ["period", "scheme", "scheme_version", "basis", "computed_at", "duration_ms"]
    list_filter = ["period"]
    readonly_fields = [field.name for field in Ranking._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RankingVisibility)
class RankingVisibilityAdmin(ScoringPermission, admin.ModelAdmin):
    list_display = ["period", "open_to_schools", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.updated_by = request.user.get_username()[:150]
        super().save_model(request, obj, form, change)
