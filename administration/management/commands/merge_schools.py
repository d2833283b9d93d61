from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from administration.selectors import school_by_slug
from administration.services import schools_merge
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Record that schools A and B became school C from a period on (e.g. 2025-H2): C "
        "keeps its host and users; A's and B's history stays and shows as C's predecessors."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--into", required=True, help="the continuing school's slug")
        parser.add_argument("--from", dest="sources", nargs="+", required=True)
        parser.add_argument("--effective", required=True, help="first period as one, e.g. 2025-H2")
        parser.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            into = school_by_slug(options["into"])
            records = schools_merge(
                into=into,
                sources=[school_by_slug(slug) for slug in options["sources"]],
                effective=options["effective"],
                note=options["note"],
                actor="manage.py",
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        sources = ", ".join(record.predecessor.schema_name for record in records)
        self.stdout.write(f"{sources} → {into.schema_name} from {options['effective']}")
