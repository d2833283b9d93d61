"""Helpers for the rankings tests: seed 002's figures as fact rows, and committed data
for the tests that use a real worker or a browser (cleaned up afterwards)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html.parser import HTMLParser

import pytest
from django.db import connection

from aggregation.models import Fact, Publication
from catalogue.models import Period
from rankings.models import Ranking, RankingVisibility, ScoringScheme
from tenants.models import School

# Illustrative figures for the two midlands schools of the test world (no seed gives
# theirs for 2024-H1): used where every school must have figures.
MIDLANDS_FIGURES = {
    "thainguyen": {
        "training.classes": 40,
        "training.learners": 2100,
        "research.projects": 5,
        "research.conferences": 2,
        "staff.lecturers": 45,
        "publications.journal_articles": 12,
    },
    "backan": {
        "training.classes": 12,
        "training.learners": 640,
        "research.projects": 1,
        "research.conferences": 1,
        "staff.lecturers": 20,
    },
}


def insert_facts(
    period: Period, figures: dict[str, dict[str, int]], status: str = "submitted", version: int = 1
) -> None:
    schools = {
        school.schema_name: school for school in School.objects.filter(schema_name__in=figures)
    }
    Fact.objects.bulk_create(
        [
            Fact(
                school=schools[slug],
                period=period,
                indicator=code,
                value=value,
                status=status,
                version=version,
            )
            for slug, values in figures.items()
            for code, value in values.items()
        ]
    )


def clean_period(period: Period) -> None:
    Ranking.objects.filter(period=period).delete()
    RankingVisibility.objects.filter(period=period).delete()
    Fact.objects.filter(period=period).delete()
    Publication.objects.filter(period=period).delete()


@pytest.fixture
def committed(db, django_db_setup, django_db_blocker) -> Iterator[Callable[[str], Period]]:  # type: ignore[no-untyped-def]
    """committed("2024-H1") → the period, with database access outside any test
    transaction; its facts, rankings and grants, and the schemes of the years used,
    are deleted afterwards.

    A module using it overrides `db` with `committed_db` (below): pytest-django sets
    up the test database only for tests that ask for a fixture named `db`, and its own
    `db` would wrap the test in a transaction the worker cannot see into."""
    used: list[Period] = []
    with django_db_blocker.unblock():
        # Provisioning the world may leave the connection in a school's schema.
        connection.set_schema_to_public()

        def get(code: str) -> Period:
            period = Period.objects.get(code=code)
            clean_period(period)
            ScoringScheme.objects.filter(year=period.year).delete()
            used.append(period)
            return period

        try:
            yield get
        finally:
            connection.set_schema_to_public()
            for period in used:
                clean_period(period)
                ScoringScheme.objects.filter(year=period.year).delete()


def committed_db_fixture(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Body of a module-level `db` override: the committed test database, no transaction."""
    with django_db_blocker.unblock():
        yield


class _FormReader(HTMLParser):
    """What a browser would post from the first <form> with `css_class`: inputs
    (checked boxes only), the selected option of each select, textareas."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class = css_class
        self.inside = False
        self.done = False
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.done:
            self.inside = self.css_class in found.get("class", "").split()
        if not self.inside or ("name" not in found and tag != "option"):
            return
        if tag == "input":
            if found.get("type") in ("checkbox", "radio") and "checked" not in found:
                return
            self.fields[found["name"]] = found.get("value", "")
        elif tag == "select":
            self.select = found["name"]
            self.first_option = None
        elif tag == "option" and self.select is not None:
            if self.first_option is None:
                self.first_option = found.get("value", "")
                self.fields.setdefault(self.select, self.first_option)
            if "selected" in found:
                self.fields[self.select] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        if tag == "form" and self.inside:
            self.inside = False
            self.done = True


def form_fields(html: str, css_class: str) -> dict[str, str]:
    reader = _FormReader(css_class)
    reader.feed(html)
    assert reader.done, f"no form.{css_class} in the page"
    return reader.fields
