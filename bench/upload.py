"""Uploads: one school's full template, and the department's long-format file.

* The template for one period with every indicator filled, as a school sends it
  back: `parse_values_upload` + `validate_entries`, then the whole
  `upload_process(dry_run=True)` against a real school (its schema, its stored
  upload, the diff with its current figures).
* A long-format file (school, period, indicator, value) for `bulk_schools` real
  schools × every indicator: `parse_bulk_upload` (XLSX and CSV) and the whole
  `bulk_process(dry_run=True)` as the department.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Mapping

from openpyxl import Workbook

from bench.sizes import Sizes
from bench.table import Goal, Table, repeat
from bench.world import Area, catalogue_of, full_values, period, provisioned_schools, purge
from catalogue.selectors import catalogue_for_year
from catalogue.spec import Catalogue
from imports.services import bulk_process
from submissions.services import Actor
from submissions.spreadsheets import (
    build_template_csv,
    build_template_xlsx,
    parse_bulk_upload,
    parse_values_upload,
)
from submissions.uploads import upload_process
from submissions.validation import validate_entries
from tenants.services import department_role_grant, user_ensure

PERIOD = "2030-Y"
AREA = Area("up", (PERIOD,))
UPLOAD_GOAL = Goal(0.300)
BULK_PARSE_GOAL = Goal(3.0)
BULK_HEADER = ("school", "period", "indicator", "value")


def run(sizes: Sizes) -> Table:
    table = Table("Upload: parse, validate, dry run")
    purge(AREA)
    try:
        _measure(sizes, table)
    finally:
        purge(AREA)
    return table


def _measure(sizes: Sizes, table: Table) -> None:
    rng = random.Random(2030)
    period_row = period(AREA, PERIOD)
    catalogue = catalogue_of(period_row)
    schools = provisioned_schools(AREA, max(1, sizes.bulk_schools))
    school = schools[0]
    values: dict[str, int | None] = dict(full_values(catalogue, rng))
    actor = Actor(user_id=None, username=AREA.username)

    def build() -> bytes:
        return build_template_xlsx(
            catalogue=catalogue, school_name=school.name_vi, period_code=PERIOD, values=values
        )

    build_times = repeat(sizes.upload_repeats, build, warmup=1)
    xlsx = build()
    csv_data = build_template_csv(
        catalogue=catalogue, school_name=school.name_vi, period_code=PERIOD, values=values
    )
    n = len(catalogue.indicators)
    table.add(f"build_template_xlsx, {n} indicators filled (download)", build_times)

    def parse_and_validate(data: bytes, filename: str) -> None:
        parsed = parse_values_upload(
            data=data, filename=filename, catalogue=catalogue, period_code=PERIOD
        )
        _values, findings = validate_entries(catalogue=catalogue, raw_values=parsed.values)
        if parsed.errors or findings or len(parsed.values) != n:
            raise RuntimeError(f"the template did not read back cleanly: {parsed.errors[:3]}")

    table.add(
        "parse_values_upload + validate_entries, XLSX template",
        repeat(sizes.upload_repeats, lambda: parse_and_validate(xlsx, "so-lieu.xlsx"), warmup=1),
    )
    table.add(
        "parse_values_upload + validate_entries, CSV template",
        repeat(sizes.upload_repeats, lambda: parse_and_validate(csv_data, "so-lieu.csv"), warmup=1),
    )

    def dry_run() -> None:
        result = upload_process(
            school=school,
            period=period_row,
            data=xlsx,
            filename="so-lieu.xlsx",
            actor=actor,
            dry_run=True,
        )
        if result.errors or len(result.changes) != n:
            raise RuntimeError(f"dry run refused the template: {result.errors[:3]}")

    table.add(
        "upload_process(dry_run=True), XLSX, real school",
        repeat(sizes.upload_repeats, dry_run, warmup=1),
        UPLOAD_GOAL,
    )

    rows = bulk_rows(
        [s.schema_name for s in schools], PERIOD, lambda: full_values(catalogue, rng), catalogue
    )
    bulk_xlsx, bulk_csv = bulk_file_xlsx(rows), bulk_file_csv(rows)
    label = f"{len(schools)} schools × {n} indicators = {len(rows)} rows"

    def parse_bulk(data: bytes, filename: str) -> None:
        parsed = parse_bulk_upload(
            data=data, filename=filename, catalogues_by_year=catalogue_for_year
        )
        if parsed.errors or len(parsed.rows) != len(rows):
            raise RuntimeError(f"the bulk file did not read back cleanly: {parsed.errors[:3]}")

    table.add(
        f"parse_bulk_upload, XLSX, {label}",
        repeat(sizes.bulk_repeats, lambda: parse_bulk(bulk_xlsx, "bulk.xlsx")),
        BULK_PARSE_GOAL,
    )
    table.add(
        f"parse_bulk_upload, CSV, {label}",
        repeat(sizes.bulk_repeats, lambda: parse_bulk(bulk_csv, "bulk.csv")),
        BULK_PARSE_GOAL,
    )

    user = user_ensure(username=AREA.username, password="")
    department_role_grant(user=user)

    def bulk_dry_run() -> None:
        result = bulk_process(user=user, data=bulk_xlsx, filename="bulk.xlsx", dry_run=True)
        if result.errors or len(result.changes) != len(rows):
            raise RuntimeError(f"bulk dry run refused the file: {result.errors[:3]}")

    table.add(
        f"bulk_process(dry_run=True), XLSX, {len(schools)} real schools",
        repeat(sizes.bulk_repeats, bulk_dry_run),
    )
    table.notes.append(
        f"template {len(xlsx) / 1024:.0f} kB; bulk file {len(bulk_xlsx) / 1024:.0f} kB XLSX, "
        f"{len(bulk_csv) / 1024:.0f} kB CSV"
    )


def bulk_rows(
    slugs: list[str],
    period_code: str,
    make_values: Callable[[], Mapping[str, int]],
    catalogue: Catalogue,
) -> list[tuple[str, str, str, int]]:
    rows = []
    for slug in slugs:
        values = make_values()
        rows += [(slug, period_code, i.code, values[i.code]) for i in catalogue.indicators]
    return rows


def bulk_file_xlsx(rows: list[tuple[str, str, str, int]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Số liệu")
    sheet.append(BULK_HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bulk_file_csv(rows: list[tuple[str, str, str, int]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(BULK_HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
