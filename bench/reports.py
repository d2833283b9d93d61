"""Reports: a cluster's review report, as the report task builds it.

For each cluster size: synthetic schools with every indicator published for the
period and the year before, narratives in every section, one aggregation; then,
repeated, `report_context` (from the stored snapshot) and the DOCX, XLSX and PDF
builders — what `reviews.services.report_generate` does, minus saving the files.
"""

from __future__ import annotations

import random
import time
from datetime import date
from typing import Any

from aggregation.models import Snapshot
from aggregation.services import cluster_aggregate
from bench.sizes import Sizes
from bench.table import Goal, Table
from bench.world import (
    Area,
    analyze_facts,
    clusters,
    fact_rows,
    insert_facts,
    insert_publications,
    period,
    place,
    purge,
    synthetic_schools,
)
from catalogue.models import Period
from reviews.context import report_context
from reviews.models import Section
from reviews.reports import build_docx, build_pdf, build_xlsx
from reviews.services import cluster_narrative_save
from tenants.models import Cluster, School

PERIODS = ("2036-Y", "2037-Y")  # the year before, the one reported
AREA = Area("rep", PERIODS)
GOAL = Goal(5.0)
GOAL_FOR_SCHOOLS = 8
BUILDERS = (("DOCX", build_docx), ("XLSX", build_xlsx), ("PDF", build_pdf))


def run(sizes: Sizes) -> Table:
    table = Table("Reports: report_context + DOCX, XLSX, PDF for one cluster")
    purge(AREA)
    try:
        previous, current = (period(AREA, code) for code in PERIODS)
        cluster_rows = clusters(AREA, len(sizes.report_clusters))
        rng = random.Random(2037)
        start = 0
        for cluster, count in zip(cluster_rows, sizes.report_clusters, strict=True):
            schools = synthetic_schools(AREA, count, start=start)
            start += count
            place(schools, cluster, [previous.year, current.year])
            insert_facts(fact_rows(schools, [previous, current], rng))
            insert_publications(schools, previous)
            insert_publications(schools, current)
            analyze_facts()
            _narratives(cluster, schools, current)
            cluster_aggregate(cluster=cluster, period=current, force=True)
            snapshot = Snapshot.objects.get(cluster=cluster, period=current, basis="submitted")
            steps: dict[str, list[float]] = {"context": [], "DOCX": [], "XLSX": [], "PDF": []}
            totals: list[float] = []
            # The first build is untimed: it registers the PDF fonts, which a running
            # report worker has done long before.
            for attempt in range(sizes.report_repeats + 1):
                times, sizes_kb = _build_all(cluster, current, snapshot.data)
                if attempt:
                    for name, seconds in times.items():
                        steps[name].append(seconds)
                    totals.append(sum(times.values()))
            goal = GOAL if count == GOAL_FOR_SCHOOLS else None
            table.add(f"{count}-school cluster: context + DOCX + XLSX + PDF", totals, goal)
            table.add("  of which report_context (database)", steps["context"])
            for name, _builder in BUILDERS:
                table.add(f"  of which build_{name.lower()}", steps[name])
            table.notes.append(
                f"{count}-school report: "
                + ", ".join(f"{name} {kb:.0f} kB" for name, kb in sizes_kb.items())
            )
    finally:
        purge(AREA)
    return table


def _build_all(
    cluster: Cluster, period_row: Period, snapshot: dict[str, Any]
) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds per step and kB per file for one report."""
    times: dict[str, float] = {}
    sizes_kb: dict[str, float] = {}
    started = time.perf_counter()
    context = report_context(
        cluster=cluster,
        period=period_row,
        snapshot=snapshot,
        language="vi",
        number=1,
        issue_date=date(period_row.year, 12, 15),
    )
    times["context"] = time.perf_counter() - started
    for name, builder in BUILDERS:
        started = time.perf_counter()
        data = builder(context)
        times[name] = time.perf_counter() - started
        sizes_kb[name] = len(data) / 1024
    return times, sizes_kb


def _narratives(cluster: Cluster, schools: list[School], period_row: Period) -> None:
    """Two items per school in each section the schools feed, and an opening."""
    texts = {
        Section.LIMITATIONS: "Việc triển khai chuyển đổi số trong quản lý đào tạo còn chậm",
        Section.PROPOSALS: "Đề nghị Học viện hỗ trợ tài liệu bồi dưỡng cập nhật kiến thức",
        Section.NEXT_TASKS: "Tổ chức hội thảo khoa học cấp Cụm về công tác giảng dạy",
    }
    for section, text in texts.items():
        items = [
            {"text": f"{text} ({number}).", "school": school.schema_name, "month": 6}
            for school in schools
            for number in (1, 2)
        ]
        cluster_narrative_save(
            cluster=cluster,
            period=period_row,
            section=section,
            items=items,
            expected_version=0,
            username=AREA.username,
        )
    cluster_narrative_save(
        cluster=cluster,
        period=period_row,
        section=Section.OPENING,
        items=[{"text": "Thực hiện Kế hoạch công tác năm của Cụm thi đua."}],
        expected_version=0,
        username=AREA.username,
    )
