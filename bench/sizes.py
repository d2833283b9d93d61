"""How big each benchmark is: the full run, `--quick`, and the smoke test's tiny one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    # upload: one school's template, then a long-format file for many schools
    upload_repeats: int
    bulk_schools: int
    bulk_repeats: int
    # aggregation: a real worker, one cluster's snapshot, the academy-wide view
    e2e_schools: int
    e2e_submissions: int
    cluster_schools: int
    cluster_repeats: int
    national_steps: tuple[int, ...]
    national_periods: int
    national_repeats: int
    # provisioning: schools with their own schema
    provision_single: int
    provision_batch: int
    # reports: cluster sizes, repeats of each builder
    report_clusters: tuple[int, ...]
    report_repeats: int
    # rankings: synthetic schools scored on a synthetic scheme
    ranking_schools: int
    ranking_criteria: int
    ranking_periods: int
    ranking_repeats: int


FULL = Sizes(
    upload_repeats=10,
    bulk_schools=63,
    bulk_repeats=3,
    e2e_schools=8,
    e2e_submissions=50,
    cluster_schools=8,
    cluster_repeats=20,
    national_steps=(100, 250, 500, 1000),
    national_periods=4,
    national_repeats=5,
    provision_single=10,
    provision_batch=63,
    report_clusters=(8, 12),
    report_repeats=3,
    ranking_schools=1000,
    ranking_criteria=20,
    ranking_periods=4,
    ranking_repeats=5,
)

QUICK = Sizes(
    upload_repeats=3,
    bulk_schools=12,
    bulk_repeats=1,
    e2e_schools=4,
    e2e_submissions=8,
    cluster_schools=8,
    cluster_repeats=5,
    national_steps=(100, 250),
    national_periods=2,
    national_repeats=2,
    provision_single=3,
    provision_batch=6,
    report_clusters=(8,),
    report_repeats=1,
    ranking_schools=1000,
    ranking_criteria=20,
    ranking_periods=4,
    ranking_repeats=2,
)

# The smoke test's: each benchmark runs end to end in a few seconds.
TINY = Sizes(
    upload_repeats=1,
    bulk_schools=2,
    bulk_repeats=1,
    e2e_schools=2,
    e2e_submissions=2,
    cluster_schools=3,
    cluster_repeats=1,
    national_steps=(4, 8),
    national_periods=2,
    national_repeats=1,
    provision_single=1,
    provision_batch=2,
    report_clusters=(3,),
    report_repeats=1,
    ranking_schools=30,
    ranking_criteria=20,
    ranking_periods=2,
    ranking_repeats=1,
)
