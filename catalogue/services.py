from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from catalogue.models import Period, PeriodKind

PERIOD_CODE = re.compile(r"^(?P<year>\d{4})-(?P<kind>H1|Y|Q[1-4])$")


class PeriodCodeError(ValueError):
    pass


def parse_period_code(code: str) -> tuple[int, str]:
    match = PERIOD_CODE.match(code or "")
    if not match:
        raise PeriodCodeError(
            _("Mã kỳ báo cáo “%(code)s” không hợp lệ (ví dụ: 2024-H1, 2024-Y).") % {"code": code}
        )
    return int(match["year"]), match["kind"]


def default_dates(year: int, kind: str) -> tuple[date, date, date]:
    """Opening, deadline and closing dates the Academy's calendar usually sets."""
    if kind == PeriodKind.H1:
        return date(year, 6, 1), date(year, 6, 20), date(year, 7, 31)
    if kind == PeriodKind.Y:
        return date(year, 11, 1), date(year, 11, 20), date(year, 12, 31)
    quarter = int(kind[1])
    last_month = quarter * 3
    closes = date(year + 1, 1, 31) if quarter == 4 else date(year, last_month + 1, 28)
    return date(year, last_month, 1), date(year, last_month, 20), closes


def period_ensure(*, code: str) -> Period:
    year, kind = parse_period_code(code)
    opens_on, deadline, closes_on = default_dates(year, kind)
    period, _created = Period.objects.get_or_create(
        code=code,
        defaults={
            "year": year,
            "kind": kind,
            "opens_on": opens_on,
            "deadline": deadline,
            "closes_on": closes_on,
        },
    )
    return period
