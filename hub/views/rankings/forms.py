"""The scheme editor's forms: the scheme's own fields and one form per criterion
(a Django formset, prefix "c": c-TOTAL_FORMS, c-0-weight, c-0-DELETE...).

Indicator codes are chosen from the catalogue of the scheme's year; the service
(`rankings.services.scheme_validate`) applies the same rule to whatever reaches it,
from this page or from the API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aggregation.models import Basis
from rankings.models import Direction, Normalisation

PREFIX = "c"


class DecimalInput(forms.TextInput):
    """Shows 20.0 as "20" and 12.5 as "12.5" (no grouping, so it reads back as typed)."""

    input_type = "text"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, float | int) and not isinstance(value, bool):
            return f"{value:.6f}".rstrip("0").rstrip(".")
        return super().format_value(value)


class DecimalField(forms.FloatField):
    """A number typed either way: "12,5" (Vietnamese) or "12.5"."""

    widget = DecimalInput

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        result = super().to_python(value)
        return None if result is None else float(result)


def translated(choices: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    # The models' choice labels are Vietnamese; the catalogue has their English.
    return [(value, gettext(label)) for value, label in choices]


class SchemeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    label_vi = forms.CharField(max_length=255, required=False)
    label_en = forms.CharField(max_length=255, required=False)
    basis = forms.ChoiceField(choices=Basis.choices)
    is_example = forms.BooleanField(required=False)

    def fields_for(self, *, current_label_vi: str) -> dict[str, Any]:
        """The scheme's own fields for `scheme_update` (a blank name keeps the old one)."""
        data = self.cleaned_data
        return {
            "label_vi": data["label_vi"].strip() or current_label_vi,
            "label_en": data["label_en"].strip(),
            "basis": data["basis"],
            "is_example": data["is_example"],
        }


class CriterionForm(forms.Form):
    weight = DecimalField(label=_("Trọng số"), min_value=0)
    direction = forms.ChoiceField(label=_("Chiều"), initial=Direction.HIGHER)
    normalisation = forms.ChoiceField(label=_("Chuẩn hóa"), initial=Normalisation.MINMAX_NATIONAL)
    cap = DecimalField(label=_("Mức trần (điểm)"), required=False)
    scale = DecimalField(label=_("Hệ số"), required=False, initial=1.0)
    code = forms.SlugField(label=_("Mã"), max_length=60)
    label_vi = forms.CharField(label=_("Tên (tiếng Việt)"), max_length=255)
    label_en = forms.CharField(label=_("Tên (tiếng Anh)"), max_length=255, required=False)
    numerator = forms.ChoiceField(label=_("Tử số (chỉ tiêu)"))
    denominator = forms.ChoiceField(label=_("Mẫu số (chỉ tiêu, nếu có)"), required=False)
    denominator_constant = DecimalField(label=_("hoặc mẫu số là hằng số"), required=False)

    def __init__(self, *args: Any, indicators: Sequence[tuple[str, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = {
            "direction": translated(Direction.choices),
            "normalisation": translated(Normalisation.choices),
            "numerator": [("", "—"), *indicators],
            "denominator": [("", "—"), *indicators],
        }
        for name, options in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options
        for name in ("weight", "cap", "scale", "denominator_constant"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.fields["weight"].widget.attrs["class"] = "weight"

    def criterion(self) -> dict[str, Any]:
        """The criterion as `rankings.services.scheme_update` takes it."""
        data = self.cleaned_data
        return {
            "code": data["code"],
            "label_vi": data["label_vi"],
            "label_en": data["label_en"],
            "numerator": data["numerator"],
            "denominator": data["denominator"] or None,
            "denominator_constant": data["denominator_constant"],
            "weight": data["weight"],
            "direction": data["direction"],
            "normalisation": data["normalisation"],
            "cap": data["cap"],
            "scale": data["scale"] if data["scale"] is not None else 1.0,
        }


class BaseCriterionFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Bỏ tiêu chí này")

    def criteria(self) -> list[dict[str, Any]]:
        """The kept criteria, in order: deleted rows and the untouched blank row left out."""
        return [
            form.criterion()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True
)


def criterion_formset(
    *,
    indicators: Sequence[tuple[str, str]],
    data: Any = None,
    initial: list[dict[str, Any]] | None = None,
) -> BaseCriterionFormSet:
    formset = CriterionFormSet(
        data, initial=initial, prefix=PREFIX, form_kwargs={"indicators": indicators}
    )
    assert isinstance(formset, BaseCriterionFormSet)
    return formset
