"""One truth on the board (issue 11, points 1 and 2): every "Cả cụm" cell and tile is
the sum of the column shown, or says it is a lower bound and why; unknown is "–",
never 0; the declared figures of seed 002 are in their own table with their gap."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from aggregation.models import Fact
from aggregation.services import cluster_aggregate
from tests.cluster_pages.conftest import PAGE
from tests.seeds import REQUIRED_TOTALS, seed_002_values


def tree(response):  # type: ignore[no-untyped-def]
    return lxml_html.fromstring(response.content.decode())


def text_of(element) -> str:  # type: ignore[no-untyped-def]
    return " ".join(element.text_content().split())


def board(page_client):  # type: ignore[no-untyped-def]
    return tree(page_client("quangninh-approver", "quangninh").get(PAGE))


def value_of(cell) -> int | None:  # type: ignore[no-untyped-def]
    raw = cell.get("data-value")
    return int(raw) if raw is not None else None


def assert_total_is_the_column(label: str, cells, total) -> None:  # type: ignore[no-untyped-def]
    values = [value_of(cell) for cell in cells]
    present = [v for v in values if v is not None]
    if not present:
        assert value_of(total) is None and text_of(total).startswith("–"), label
        return
    assert value_of(total) == sum(present), label
    short = [cell for cell in cells if cell.get("data-state") not in ("complete", "not_applicable")]
    if short:
        assert total.get("data-state") == "partial", label
        assert text_of(total).startswith("≥ "), label
        assert f"({len(short)} trường chưa đủ)" in text_of(total) or (
            len(short) == 1 and "(1 trường chưa đủ)" in text_of(total)
        ), label
    else:
        assert not text_of(total).startswith("≥"), label
    for cell in cells:
        if value_of(cell) is None:
            assert text_of(cell).startswith("–"), label  # unknown is never shown as 0
        elif cell.get("data-state") == "partial":
            assert text_of(cell).startswith("≥ ") and cell.get("title"), label


@pytest.fixture
def parts_only(half_year, world):  # type: ignore[no-untyped-def]
    """Seed 002 as a historical report publishes it: research projects and conferences
    only by level, their totals left blank (the board once showed 37 against 8)."""
    period = half_year["period"]
    Fact.objects.filter(period=period, indicator__in=REQUIRED_TOTALS).delete()
    cluster_aggregate(cluster=half_year["cluster"], period=period, force=True)
    return half_year


def test_each_summary_column_sums_to_its_total_or_is_marked(parts_only, page_client):
    page = board(page_client)
    keys = [th.get("data-key") for th in page.xpath("//table[@id='summary-table']/thead//th")[1:]]
    rows = page.xpath("//table[@id='summary-table']/tbody/tr")
    totals = page.xpath("//tr[@id='summary-total']/td")
    assert len(totals) == len(keys) and "research.projects" in keys
    for index, key in enumerate(keys):
        cells = [row.xpath("td")[index] for row in rows]
        assert_total_is_the_column(key, cells, totals[index])
        # The tile is the same cell as the column's "Cả cụm".
        tile = page.xpath(f"//li[@data-key='{key}']//span[contains(@class,'tile-value')]")
        if tile:
            assert text_of(tile[0]) == text_of(totals[index]), key


def test_projects_column_no_longer_disagrees_with_its_total(parts_only, page_client):
    page = board(page_client)
    keys = [th.get("data-key") for th in page.xpath("//table[@id='summary-table']/thead//th")[1:]]
    index = keys.index("research.projects")
    total = page.xpath("//tr[@id='summary-total']/td")[index]
    counted = [
        slug
        for slug in seed_002_values()
        if slug not in ("sonla", "laichau")  # the draft and the never-started school
    ]
    levels = sum(
        value
        for slug in counted
        for code, value in seed_002_values()[slug].items()
        if code.startswith("research.projects.")
    )
    assert levels > 8
    assert value_of(total) == levels
    assert text_of(total).startswith(f"≥ {levels} (")
    tile = page.xpath("//li[@data-key='research.projects']//span[contains(@class,'tile-value')]")
    assert text_of(tile[0]).startswith(f"≥ {levels} (")


def test_full_table_rows_sum_to_their_cluster_cell(parts_only, page_client):
    page = board(page_client)
    lines = page.xpath("//table[contains(@class,'indicator-table')]/tbody/tr")
    assert lines
    for line in lines:
        cells = line.xpath("td")
        assert_total_is_the_column(line.get("data-code"), cells[1:], cells[0])


def test_headline_tiles_and_declared_figures_in_their_own_rows(half_year, page_client):
    page = board(page_client)
    tiles = [li.get("data-key") for li in page.xpath("//ul[@class='tiles']/li")]
    assert tiles == [
        "training.classes",
        "training.learners",
        "theses",
        "articles",
        "research.projects",
        "research.conferences",
    ]
    # 2024's catalogue has no theses: said, not shown as 0.
    theses = page.xpath("//li[@data-key='theses']")[0]
    assert "không có trong danh mục năm 2024" in text_of(theses)
    assert "0" not in text_of(theses.xpath(".//span[contains(@class,'tile-value')]")[0])
    declared = page.xpath("//table[@id='declared-table']/tbody/tr")
    by_code = {row.get("data-code"): row for row in declared}
    assert "Số liệu do báo cáo cụm công bố, không chia theo trường" in text_of(
        page.xpath("//*[@id='declared-title']")[0]
    )
    classes = by_code["training.classes"]
    assert text_of(classes.xpath("td[contains(@class,'declared-value')]")[0]) == "238"
    computed = classes.xpath("td")[1]
    total = page.xpath("//tr[@id='summary-total']/td")[0]
    assert value_of(computed) == value_of(total) != 238
    assert text_of(classes.xpath("td[contains(@class,'gap')]")[0])
    assert "staff.training_attendances" in by_code
