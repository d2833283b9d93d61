from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from tenants.services import ProvisioningError, public_tenant_ensure, school_host, school_provision


class Command(BaseCommand):
    help = "Create a school: its schema, migrated, and its domain <slug>.HUB_DOMAIN."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="province in lowercase ASCII, e.g. quangninh")
        parser.add_argument("--name", required=True, help="official Vietnamese name")
        parser.add_argument("--short-name", default="")
        parser.add_argument("--province", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            public_tenant_ensure()
            school = school_provision(
                slug=options["slug"],
                name_vi=options["name"],
                short_name=options["short_name"] or options["name"],
                province=options["province"],
            )
        except ProvisioningError as error:
            raise CommandError(str(error)) from None
        except OperationalError as error:
            raise CommandError(
                f"The database cannot be reached: {str(error).splitlines()[0]}"
            ) from None
        self.stdout.write(
            f"{school.name_vi}: schema {school.schema_name}, host {school_host(school.schema_name)}"
        )
