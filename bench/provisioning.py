"""Provisioning: `school_provision` — tenant row, schema cloned from the template with
its migrations faked, domain.

First a whole country's worth in one go, on one connection (what a loader command
does); then single new schools joining a hub that already has them, each on a fresh
connection (what the admin page does). Both matter because provisioning slows down
as schemas accumulate (see the notes printed with the table).
"""

from __future__ import annotations

import statistics
import time

from django.db import connection

from bench.sizes import Sizes
from bench.table import Goal, Table
from bench.world import Area, provision_one, purge
from tenants.services import public_tenant_ensure

AREA = Area("prov")
GOAL = Goal(0.5)
# The single schools are numbered after the batch's.
SINGLE_START = 1000


def run(sizes: Sizes) -> Table:
    table = Table("Provisioning: school_provision")
    purge(AREA)
    try:
        public_tenant_ensure()
        count = sizes.provision_batch
        batch = []
        for index in range(count):
            started = time.perf_counter()
            provision_one(AREA, index)
            batch.append(time.perf_counter() - started)
        table.add(f"{count} new schools in one go, one connection: total", [sum(batch)])
        table.add(f"  one school within those {count}", batch, GOAL)

        single = []
        for index in range(sizes.provision_single):
            connection.close()
            started = time.perf_counter()
            provision_one(AREA, SINGLE_START + index)
            single.append(time.perf_counter() - started)
        table.add(f"one new school, {count} already there, fresh connection", single, GOAL)

        tenth = max(1, count // 10)
        table.notes.append(
            f"within the {count}: first {tenth} median "
            f"{statistics.median(batch[:tenth]) * 1000:.0f} ms, last {tenth} median "
            f"{statistics.median(batch[-tenth:]) * 1000:.0f} ms"
        )
        started = time.perf_counter()
        purge(AREA)
        table.notes.append(
            f"dropping the {count + sizes.provision_single} schemas again took "
            f"{time.perf_counter() - started:.1f} s"
        )
    finally:
        purge(AREA)
    return table
