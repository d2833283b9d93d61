from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from administration.decision_file import read_rows
from administration.services import clusters_import
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Set a year's clusters from the Academy's decision: a CSV or XLSX with the columns "
        "cluster, school, role (lead, standing_deputy, deputy, member). Every named "
        "cluster's members become the listed ones; nothing changes if any row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="check and show, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            rows = read_rows(name=path.name, data=path.read_bytes())
            plan = clusters_import(
                rows=rows, year=options["year"], actor="manage.py", dry_run=options["dry_run"]
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        for slug, lines in plan.clusters.items():
            members = ", ".join(f"{line.school} ({line.role})" for line in lines)
            self.stdout.write(f"{slug} {plan.year}: {members}")
        if plan.problems:
            raise CommandError("Nothing changed:\n- " + "\n- ".join(plan.problems))
        self.stdout.write("Applied." if plan.applied else "Dry run: nothing changed.")
