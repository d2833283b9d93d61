from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from aggregation.services import reconcile


class Command(BaseCommand):
    help = "Republish stale submissions and re-aggregate stale clusters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--inline", action="store_true", help="aggregate here instead of queueing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = reconcile(aggregate_inline=options["inline"])
        self.stdout.write(
            f"Republished {len(report.republished)}: {', '.join(report.republished) or '-'}"
        )
        self.stdout.write(
            f"Re-aggregated {len(report.reaggregated)}: {', '.join(report.reaggregated) or '-'}"
        )
