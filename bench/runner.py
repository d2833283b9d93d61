"""The benchmarks by name, and what the database needs before any of them runs.

Imported only once Django is set up (the benchmark modules import models).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.management import call_command
from django.db import connection

from bench import aggregation, provisioning, rankings, reports, upload
from bench.sizes import Sizes
from bench.table import Table
from bench.world import EVERY_AREA, purge, quiet
from tenants.services import public_tenant_ensure

Benchmark = Callable[[Sizes], Table]

# Every benchmark's area, and one matching any bench name (left by a renamed area).
AREAS = (
    upload.AREA,
    aggregation.E2E,
    aggregation.ONE_CLUSTER,
    aggregation.NATIONAL,
    provisioning.AREA,
    reports.AREA,
    EVERY_AREA,
)

BENCHMARKS: dict[str, Benchmark] = {
    "upload": upload.run,
    "aggregation": aggregation.run,
    "provisioning": provisioning.run,
    "reports": reports.run,
    "rankings": rankings.run,
}


def prepare_database() -> None:
    """Migrate, remove what an interrupted run left, ensure the public tenant and the
    template schema new schools are cloned from."""
    with quiet():
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    # Before the tenants are migrated: a leftover synthetic school has no schema to migrate.
    for area in AREAS:
        purge(area)
    with quiet():
        call_command("migrate_schemas", interactive=False, verbosity=0)
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    public_tenant_ensure()
