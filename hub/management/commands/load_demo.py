from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hub.demo import (
    aggregate_everything,
    demo_logins,
    load_figures,
    load_structure,
    open_demo_periods,
)
from tenants.services import school_host


class Command(BaseCommand):
    help = "Load the demo clusters, schools, users and seed figures (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list-logins", action="store_true", help="only print the demo logins")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_PASSWORD:
            raise CommandError(
                "No DEMO_PASSWORD is set: the demo's logins need one chosen on purpose."
            )
        if not options["list_logins"]:
            counts = load_structure()
            open_demo_periods(today=timezone.localdate())
            figures = load_figures()
            snapshots = aggregate_everything()
            self.stdout.write(
                f"Demo loaded: {counts['clusters']} clusters, {counts['schools']} schools, "
                f"{counts['memberships']} yearly memberships, {figures['submitted']} submitted "
                f"reports and {figures['drafts']} draft(s) from the seed documents, "
                f"{snapshots} cluster snapshot(s) computed."
            )
        port = settings.PORT
        self.stdout.write(f"Password for every demo login: {settings.DEMO_PASSWORD}")
        for login in demo_logins():
            where = (
                f"http://{school_host(login.school)}:{port}/"
                if login.school
                else f"http://{settings.HUB_DOMAIN}:{port}/"
            )
            self.stdout.write(f"  {login.username:<22} {login.role:<28} {where}")
