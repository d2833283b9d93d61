"""The data benchmarks build and remove: figures, periods, schools, clusters, facts.

Every benchmark works in its own `Area`: its schools are `bench<area>0001`..., its
clusters `bench-<area>-01`..., its periods years nobody else uses (2030-2037). `purge(area)`
removes all of it (dropping the schemas of provisioned schools), so a benchmark
calls it before it starts (leftovers of an interrupted run) and when it ends.

Synthetic schools are tenant rows without a schema: the academy view, cluster
snapshots and reports read only the public schema, and provisioning a thousand
schemas would measure provisioning instead. They are inserted with `bulk_create`,
which never calls `TenantMixin.save` and so never creates a schema (setting
`auto_create_schema = False` on an instance before `save()` has the same effect:
django-tenants reads the attribute through `self`).
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tenants.utils import schema_exists

from aggregation.models import DeclaredTotal, Fact, Publication
from catalogue.models import Period
from catalogue.selectors import catalogue_for_year
from catalogue.services import period_ensure
from catalogue.spec import Catalogue
from imports.models import BulkUpload
from tenants.models import Cluster, ClusterMembership, ClusterRole, School
from tenants.services import cluster_upsert, public_tenant_ensure, school_provision

ROLES_IN_ORDER = (ClusterRole.LEAD, ClusterRole.STANDING_DEPUTY, ClusterRole.DEPUTY)
FactRow = tuple[int, int, str, int, str, int]
# Facts deleted by a purge beyond which it vacuums the table itself.
VACUUM_AFTER = 10_000


@dataclass(frozen=True)
class Area:
    """One benchmark's namespace in the database: its schools, clusters, user and
    periods (years nobody else uses). `Area("")` covers every benchmark's schools,
    clusters and users."""

    name: str
    periods: tuple[str, ...] = ()

    @property
    def school_prefix(self) -> str:
        return f"bench{self.name}"

    @property
    def cluster_prefix(self) -> str:
        return f"bench-{self.name}-" if self.name else "bench-"

    @property
    def username(self) -> str:
        return f"bench-{self.name}-user" if self.name else "bench-"

    def school_slug(self, index: int) -> str:
        return f"{self.school_prefix}{index:04d}"

    def cluster_slug(self, index: int) -> str:
        return f"{self.cluster_prefix}{index:02d}"


EVERY_AREA = Area("")


# --------------------------------------------------------------------------- figures


def full_values(catalogue: Catalogue, rng: random.Random) -> dict[str, int]:
    """A value for every indicator of the catalogue that passes every check on submit.

    Roots get a modest random value; each split of a total shares it out at random
    (within the parts' bounds); every learners figure is the same multiple of its
    classes figure, so learners add up wherever classes do and never fall below them.
    """
    learners_of = {i.code: i.learners_code for i in catalogue.indicators if i.learners_code}
    derived = set(learners_of.values())
    values: dict[str, int] = {}

    def fill(code: str, value: int) -> None:
        values[code] = value
        for children in catalogue.splits.get(code, {}).values():
            parts = _partition(value, [child.max_value for child in children], rng)
            for child, part in zip(children, parts, strict=True):
                fill(child.code, part)

    for indicator in catalogue.indicators:
        if indicator.parent is None and indicator.code not in derived:
            bound = indicator.max_value
            fill(indicator.code, rng.randint(max(1, bound // 20), max(2, bound // 5)))
    factor = rng.randint(15, 35)
    for classes_code, learners_code in learners_of.items():
        values[learners_code] = values[classes_code] * factor
    # In catalogue order; a KeyError here means the catalogue grew a shape this misses.
    return {indicator.code: values[indicator.code] for indicator in catalogue.indicators}


def _partition(total: int, caps: Sequence[int], rng: random.Random) -> list[int]:
    weights = [rng.random() + 0.2 for _ in caps]
    scale = total / sum(weights)
    parts = [min(cap, int(weight * scale)) for weight, cap in zip(weights, caps, strict=True)]
    remainder = total - sum(parts)
    while remainder > 0:
        progressed = False
        for position, cap in enumerate(caps):
            if remainder and parts[position] < cap:
                parts[position] += 1
                remainder -= 1
                progressed = True
        if not progressed:
            raise ValueError(f"cannot share {total} among parts bounded by {list(caps)}")
    return parts


def leaf_code(catalogue: Catalogue) -> str:
    """An indicator no check ties to another (no parent, no parts, no learners pair),
    whose value a benchmark can change freely between submissions."""
    paired = {i.learners_code for i in catalogue.indicators} | {
        i.code for i in catalogue.indicators if i.learners_code
    }
    for indicator in sorted(catalogue.indicators, key=lambda i: -i.max_value):
        if (
            indicator.parent is None
            and indicator.code not in catalogue.splits
            and indicator.code not in paired
            and not indicator.required
        ):
            return indicator.code
    raise LookupError("the catalogue has no free-standing indicator")


# --------------------------------------------------------------------------- rows


def period(area: Area, code: str) -> Period:
    if code not in area.periods:
        raise ValueError(f"{code} is not one of {area.name}'s periods, so purge would keep it")
    return period_ensure(code=code)


def catalogue_of(period_row: Period) -> Catalogue:
    return catalogue_for_year(period_row.year)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Swallow what migrations print while a school's schema is created."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def synthetic_schools(area: Area, count: int, start: int = 0) -> list[School]:
    """Tenant rows without a schema (see the module docstring)."""
    rows = [
        School(
            schema_name=area.school_slug(index),
            name_vi=f"Trường Chính trị tỉnh Thử nghiệm {index:04d}",
            short_name=f"Thử nghiệm {index:04d}",
            province=f"Tỉnh {index:04d}",
        )
        for index in range(start, start + count)
    ]
    return School.objects.bulk_create(rows, batch_size=1000)


def provisioned_schools(area: Area, count: int, start: int = 0) -> list[School]:
    """Real schools, each with its own schema, through the hub's own service."""
    public_tenant_ensure()
    return [provision_one(area, index) for index in range(start, start + count)]


def provision_one(area: Area, index: int) -> School:
    with quiet():
        return school_provision(
            slug=area.school_slug(index),
            name_vi=f"Trường Chính trị tỉnh Thử nghiệm {index:04d}",
            short_name=f"Thử nghiệm {index:04d}",
            province=f"Tỉnh {index:04d}",
        )


def clusters(area: Area, count: int) -> list[Cluster]:
    return [
        cluster_upsert(
            slug=area.cluster_slug(index),
            name_vi=f"Cụm thi đua thử nghiệm số {index:02d}",
            name_en=f"Benchmark cluster {index:02d}",
        )
        for index in range(count)
    ]


def place(
    schools: Sequence[School], cluster: Cluster, years: Iterable[int], first_position: int = 0
) -> None:
    """Put `schools` in `cluster` for `years`. The cluster's first school leads and the
    next two deputise; `first_position` is how many schools the cluster already has."""
    ClusterMembership.objects.bulk_create(
        [
            ClusterMembership(
                school=school,
                cluster=cluster,
                year=year,
                role=ROLES_IN_ORDER[position]
                if position < len(ROLES_IN_ORDER)
                else ClusterRole.MEMBER,
            )
            for year in years
            for position, school in enumerate(schools, start=first_position)
        ],
        batch_size=2000,
    )


def fact_rows(
    schools: Sequence[School],
    periods: Sequence[Period],
    rng: random.Random,
    status: str = "submitted",
) -> Iterator[FactRow]:
    """Every indicator of the catalogue for every school and period."""
    for period_row in periods:
        catalogue = catalogue_of(period_row)
        for school in schools:
            for code, value in full_values(catalogue, rng).items():
                yield school.pk, period_row.pk, code, value, status, 1


def insert_facts(rows: Iterable[FactRow], now: datetime | None = None) -> int:
    """COPY rows into the fact table (what `submission_publish` writes, minus the ORM)."""
    stamp = now or timezone.now()
    columns = "school_id, period_id, indicator, value, status, version, published_at"
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {Fact._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, stamp))
                count += 1
    return count


def analyze_facts() -> None:
    """Refresh the planner's statistics after a bulk load, as autovacuum would have
    by the time a real table of this size is read."""
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Fact._meta.db_table}")


def insert_publications(
    schools: Sequence[School], period_row: Period, status: str = "submitted"
) -> None:
    now = timezone.now()
    Publication.objects.bulk_create(
        [
            Publication(
                school=school,
                period=period_row,
                version=1,
                status=status,
                submitted_at=now,
                changed_at=now,
            )
            for school in schools
        ],
        batch_size=2000,
    )


# --------------------------------------------------------------------------- clean-up


def purge(area: Area) -> None:
    """Remove everything `area` created: facts, memberships, schools (with their schemas
    and files), clusters (with their snapshots, narratives and report jobs), users."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    schools = School.objects.filter(schema_name__startswith=area.school_prefix)
    cluster_rows = Cluster.objects.filter(slug__startswith=area.cluster_prefix)
    school_ids = list(schools.values_list("pk", flat=True))
    # Raw DELETEs: django-tenants connects a post_delete receiver for every model
    # (tenant_delete_callback), which turns off Django's fast delete, so a queryset
    # delete would load every row (388,000 facts) before deleting them by primary key.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Fact._meta.db_table} WHERE school_id = ANY(%s)", [school_ids])
        facts_deleted = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {Publication._meta.db_table} WHERE school_id = ANY(%s)", [school_ids]
        )
    if facts_deleted > VACUUM_AFTER:
        # The bench's PostgreSQL stops right after a run, before autovacuum would.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Fact._meta.db_table}")
    DeclaredTotal.objects.filter(cluster__in=cluster_rows).delete()
    ClusterMembership.objects.filter(Q(school__in=schools) | Q(cluster__in=cluster_rows)).delete()
    slugs = list(schools.values_list("schema_name", flat=True))
    if slugs and not connection.in_atomic_block:
        # A connection that created many schemas drops each one in ~0.5 s (its catalog
        # caches grow with every schema it touched); a fresh one takes ~10 ms.
        connection.close()
    for slug in slugs:
        if schema_exists(slug):
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{slug}" CASCADE')
        shutil.rmtree(os.path.join(settings.MEDIA_ROOT, slug), ignore_errors=True)
    schools.delete()
    cluster_rows.delete()
    if area.periods:
        # Raw, in a savepoint: the ORM's collector would look for submissions in the
        # public schema, which has none; a period still referenced is simply kept.
        with (
            contextlib.suppress(IntegrityError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                f"DELETE FROM {Period._meta.db_table} WHERE code = ANY(%s)", [list(area.periods)]
            )
    for upload in BulkUpload.objects.filter(uploaded_by__startswith=area.username):
        upload.file.delete(save=False)
        upload.delete()
    User.objects.filter(username__startswith=area.username).delete()
