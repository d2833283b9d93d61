from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aggregation.services import aggregation_request, cluster_aggregate
from catalogue.models import Period
from tenants.models import Cluster


class Command(BaseCommand):
    help = "Aggregate one cluster's figures for a period (queued, or here with --wait)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cluster", required=True, help="cluster slug")
        parser.add_argument("--period", required=True, help="period code, e.g. 2024-H1")
        parser.add_argument("--wait", action="store_true", help="compute now, in this process")

    def handle(self, *args: Any, **options: Any) -> None:
        cluster = Cluster.objects.filter(slug=options["cluster"]).first()
        if cluster is None:
            raise CommandError(f"No cluster with the slug {options['cluster']!r}.")
        period = Period.objects.filter(code=options["period"]).first()
        if period is None:
            raise CommandError(f"No period with the code {options['period']!r}.")
        if options["wait"]:
            cluster_aggregate(cluster=cluster, period=period, force=True)
            self.stdout.write(f"Aggregated {cluster.slug} {period.code}.")
        else:
            aggregation_request(cluster_id=cluster.pk, period=period)
            self.stdout.write(f"Queued the aggregation of {cluster.slug} {period.code}.")
