"""The hub's one time zone. Every time a user reads (page, API prose, DOCX, PDF,
XLSX) is shown in it; storage stays UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

HUB_TZ_NAME = "Asia/Ho_Chi_Minh"
HUB_TZ = ZoneInfo(HUB_TZ_NAME)


def local(moment: datetime) -> datetime:
    """`moment` in the hub's time zone (a naive value is taken to be UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(HUB_TZ)


def end_of_day(day: date) -> datetime:
    """The last moment of `day` in the hub's time zone: a deadline date counts whole."""
    return datetime.combine(day, time.max, tzinfo=HUB_TZ)
