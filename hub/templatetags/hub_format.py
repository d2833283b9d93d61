"""Template filters that write values the way the current language does.

`{{ value|number }}`: 12378 → "12.378" in Vietnamese, "12,378" in English; blank
(None or "") stays blank. `{% school_periods as rows %}` gives the school home its
list of periods with the school's status in each.
"""

from __future__ import annotations

from typing import Any

from django import template

from core.formatting import format_number
from core.language import current_language

register = template.Library()


@register.filter
def number(value: object) -> str:
    if value is None or value == "" or isinstance(value, bool):
        return ""
    if isinstance(value, str):
        try:
            return format_number(int(value), current_language())
        except ValueError:
            return value
    if isinstance(value, int | float):
        return format_number(value, current_language())
    return str(value)


@register.simple_tag(takes_context=True)
def school_periods(context: dict[str, Any]) -> list[dict[str, object]]:
    from hub.views.submissions import period_rows

    request = context.get("request")
    if request is None or getattr(request, "access", None) is None:
        return []
    return period_rows(request)
