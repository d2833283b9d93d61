"""Rankings follow the snapshots: a new snapshot queues its period's ranking."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from aggregation.signals import snapshots_stored
from catalogue.models import Period
from rankings.services import rankings_request


@receiver(snapshots_stored, dispatch_uid="rankings.follow_snapshots")
def ranking_follows_snapshot(sender: Any, *, period: Period, **_: Any) -> None:
    rankings_request(period=period)
