"""Catalogue version 2025: a definition for every indicator, the new codes of issue 11
(theses, articles and their outlets, the degree subtotal, co-organised classes, the two
intermediate programmes), and the hub's readers of the catalogue on a 2025 period.

The pure tests read catalogue/data through catalogue.spec; the others go through the
services (a 2025-H1 submission saved and validated), the API, the spreadsheet
template, the report builders and the rankings' example scheme.
"""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings
from openpyxl import load_workbook

from aggregation.transforms import consistency_findings, school_table
from catalogue.models import Period
from catalogue.services import period_ensure
from catalogue.spec import (
    DATA_DIR,
    Catalogue,
    CatalogueError,
    check_catalogue,
    load_catalogue,
    parse_catalogue,
)
from rankings.models import ScoringScheme
from rankings.services import scheme_copy, scheme_ensure_example
from reviews.reports import SchoolFigures, build_docx, build_paragraphs, build_pdf, build_xlsx
from submissions.services import (
    Actor,
    Changes,
    SubmissionInvalid,
    submission_findings,
    submission_update,
)
from submissions.spreadsheets import build_template_csv, build_template_xlsx, parse_values_upload
from tests.reports import seed002

SOURCES = Path(settings.BASE_DIR) / "demo" / "sources"
ACTOR = Actor(user_id=None, username="catalogue-test", channel="system")
VIETNAMESE_LETTER = re.compile("[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]", re.IGNORECASE)
# The innermost “…” quotations (an outer one holding a nested title is checked by its
# title and the fragments around it are covered by the other quotations).
QUOTATION = re.compile("“([^“”]*)”")

# A real half-year report restated for 2025: seed 000's Q2 2022 (25 intermediate
# classes/1.793 learners, 03 advanced/184, 10 short courses/569 = 38/2.546), with the
# intermediate programmes, co-organised classes, theses and articles filled in.
H1_2025 = {
    "training.classes": 38,
    "training.learners": 2546,
    "training.degree.classes": 28,
    "training.degree.learners": 1977,
    "training.intermediate.classes": 25,
    "training.intermediate.learners": 1793,
    "training.intermediate.political_theory.classes": 15,
    "training.intermediate.political_theory.learners": 1000,
    "training.intermediate.political_theory_administration.classes": 10,
    "training.intermediate.political_theory_administration.learners": 793,
    "training.advanced.classes": 3,
    "training.advanced.learners": 184,
    "training.postgraduate.classes": 0,
    "training.postgraduate.learners": 0,
    "training.short_courses.classes": 10,
    "training.short_courses.learners": 569,
    "training.co_organised.classes": 3,
    "training.co_organised.learners": 184,
    "training.own.classes": 35,
    "training.own.learners": 2362,
    "theses": 12,
    "articles": 30,
    "articles.journal": 2,
    "articles.bulletin": 2,
    "articles.conference_papers": 26,
    "research.projects": 4,
    "research.conferences": 2,
    "research.conferences.provincial": 1,
    "research.conferences.school": 1,
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(2025)


def _normalised(text: str) -> str:
    return " ".join(text.split())


# --- definitions -----------------------------------------------------------------------


def test_every_2025_indicator_has_both_definitions(catalogue: Catalogue) -> None:
    assert catalogue.version == 2025
    for indicator in catalogue.indicators:
        vi, en = indicator.definition_vi, indicator.definition_en
        assert vi.strip() and en.strip(), indicator.code
        assert VIETNAMESE_LETTER.search(vi), indicator.code
        assert vi != en, indicator.code
        # long enough to say what counts (not a restated label)
        assert len(vi) > len(indicator.label_vi) + 20, indicator.code
        assert len(en) > len(indicator.label_en) + 20, indicator.code


def test_the_check_refuses_a_2025_catalogue_without_a_definition(catalogue: Catalogue) -> None:
    first = catalogue.indicators[0]
    blank = dataclasses.replace(first, definition_en=" ")
    broken = dataclasses.replace(catalogue, indicators=(blank, *catalogue.indicators[1:]))
    with pytest.raises(CatalogueError, match=rf"{re.escape(first.code)}: definition_en is empty"):
        check_catalogue(broken)
    # Older versions may go without: their structure is frozen, definitions optional.
    older = parse_catalogue(DATA_DIR / "indicators-2024.yaml")
    check_catalogue(dataclasses.replace(older, indicators=(blank, *older.indicators[1:])))


def test_the_check_refuses_a_successor_that_is_not_retired_or_unknown(
    catalogue: Catalogue,
) -> None:
    with pytest.raises(CatalogueError, match="has a successor but is not retired"):
        check_catalogue(
            dataclasses.replace(catalogue, successors=(("research.schemes", "articles"),))
        )
    with pytest.raises(CatalogueError, match=re.escape("successor 'articles.books' is unknown")):
        check_catalogue(
            dataclasses.replace(
                catalogue, successors=(("publications.journal_articles", "articles.books"),)
            )
        )


def test_example_quotations_are_found_in_the_real_reports(catalogue: Catalogue) -> None:
    """Every quotation in a definition's example is the reports' own wording (“...” marks
    a cut), so a school can recognise its own sentences."""
    sources = _normalised(
        " ".join(path.read_text(encoding="utf-8") for path in sorted(SOURCES.glob("*.txt")))
    )
    checked = 0
    for indicator in catalogue.indicators:
        for text, marker in (
            (indicator.definition_vi, "Ví dụ:"),
            (indicator.definition_en, "Example:"),
        ):
            if marker not in text:
                continue
            example = text[text.index(marker) :]
            for quotation in QUOTATION.findall(example):
                for fragment in quotation.split("..."):
                    fragment = _normalised(fragment).strip(" .;")
                    if len(fragment) < 8:
                        continue
                    assert fragment in sources, (indicator.code, fragment)
                    checked += 1
    assert checked > 80


def test_definitions_of_the_new_codes_say_what_counts(catalogue: Catalogue) -> None:
    conference = catalogue["articles.conference_papers"]
    assert "26 bài viết" in conference.definition_vi
    assert "26 bài viết" in conference.definition_en
    assert "publications.journal_articles" in catalogue["articles.journal"].definition_en
    theses = catalogue["theses"].definition_vi
    assert "Không tính" in theses and "tiểu luận học phần" in theses
    degree = catalogue["training.degree.classes"]
    assert "training.classes" in degree.definition_en
    assert "Không tính" in catalogue["training.co_organised.classes"].definition_vi
    # a headline of newly opened classes is not the classes total
    assert "training.classes.new" in catalogue["training.classes"].definition_vi


# --- the new structure -------------------------------------------------------------------


def _split(catalogue: Catalogue, parent: str, name: str) -> list[str]:
    return [child.code for child in catalogue.splits[parent][name]]


def test_the_new_splits(catalogue: Catalogue) -> None:
    assert _split(catalogue, "training.classes", "programme") == [
        "training.degree.classes",
        "training.short_courses.classes",
    ]
    assert _split(catalogue, "training.degree.classes", "programme") == [
        "training.intermediate.classes",
        "training.advanced.classes",
        "training.postgraduate.classes",
    ]
    assert _split(catalogue, "training.degree.learners", "programme") == [
        "training.intermediate.learners",
        "training.advanced.learners",
        "training.postgraduate.learners",
    ]
    assert _split(catalogue, "training.classes", "organiser") == [
        "training.co_organised.classes",
        "training.own.classes",
    ]
    assert _split(catalogue, "training.intermediate.classes", "programme") == [
        "training.intermediate.political_theory.classes",
        "training.intermediate.political_theory_administration.classes",
    ]
    assert _split(catalogue, "articles", "outlet") == [
        "articles.journal",
        "articles.bulletin",
        "articles.conference_papers",
    ]
    assert catalogue["theses"].parent is None and catalogue["theses"].unit == "thesis"
    # kept from 2022: faculty-level conferences and seminars
    assert "research.conferences.faculty" in _split(catalogue, "research.conferences", "level")
    assert "research.seminars.faculty" in _split(catalogue, "research.seminars", "level")
    # the example figures add up in every split
    for parent, groups in catalogue.splits.items():
        for children in groups.values():
            parts = [H1_2025.get(child.code) for child in children]
            if H1_2025.get(parent) is not None and None not in parts:
                assert sum(p for p in parts if p is not None) == H1_2025[parent], parent


# --- the main entry path on a 2025 period --------------------------------------------------


@pytest.fixture
def period_2025(world) -> Period:
    period = period_ensure(code="2025-H1")
    Period.objects.filter(pk=period.pk).update(closes_on=date(2099, 12, 31))
    period.refresh_from_db()
    return period


def _consistency(findings) -> dict[str, list]:
    found: dict[str, list] = {}
    for finding in findings:
        if finding.kind == "consistency":
            found.setdefault(finding.code, []).append(finding)
    return found


def test_a_2025_report_entered_as_written_adds_up(world, period_2025) -> None:
    school = world.schools["thainguyen"]
    submission_update(
        school=school,
        period=period_2025,
        expected_version=0,
        changes=Changes(values=H1_2025),
        actor=ACTOR,
    )
    findings = submission_findings(school=school, period=period_2025)
    assert _consistency(findings) == {}
    assert not [f for f in findings if f.kind == "error"]


def test_a_degree_headline_alone_adds_up_with_the_short_courses(world, period_2025) -> None:
    """A report whose headline counts degree classes only: the degree subtotal is typed
    as written, the programmes left blank, and classes = degree + short courses."""
    school = world.schools["thainguyen"]
    values = {
        "training.classes": 38,
        "training.learners": 2546,
        "training.degree.classes": 28,
        "training.degree.learners": 1977,
        "training.short_courses.classes": 10,
        "training.short_courses.learners": 569,
    }
    submission_update(
        school=school,
        period=period_2025,
        expected_version=0,
        changes=Changes(values=values),
        actor=ACTOR,
    )
    assert _consistency(submission_findings(school=school, period=period_2025)) == {}


def test_sums_that_do_not_add_up_are_flagged_at_every_level(world, period_2025) -> None:
    school = world.schools["thainguyen"]
    values = {
        **H1_2025,
        "training.degree.classes": 29,  # 25 + 3 + 0 = 28
        "articles": 31,  # 2 + 2 + 26 = 30
        "training.intermediate.political_theory.classes": 16,  # 16 + 10 = 26, not 25
    }
    submission_update(
        school=school,
        period=period_2025,
        expected_version=0,
        changes=Changes(values=values),
        actor=ACTOR,
    )
    flagged = _consistency(submission_findings(school=school, period=period_2025))
    assert {"training.degree.classes", "articles", "training.intermediate.classes"} <= set(flagged)
    # classes = degree + short courses: 29 + 10 against the declared 38
    assert "training.classes" in flagged
    degree = flagged["training.degree.classes"][0]
    assert "28" in degree.message_vi and "29" in degree.message_vi


def test_a_blank_degree_subtotal_rolls_up_from_the_programmes(world, period_2025) -> None:
    school = world.schools["thainguyen"]
    values = {
        key: value
        for key, value in H1_2025.items()
        if key not in {"training.degree.classes", "training.degree.learners"}
    }
    submission_update(
        school=school,
        period=period_2025,
        expected_version=0,
        changes=Changes(values=values),
        actor=ACTOR,
    )
    assert _consistency(submission_findings(school=school, period=period_2025)) == {}
    # and one programme off by one shows at the classes total, through the subtotal
    submission_update(
        school=school,
        period=period_2025,
        expected_version=1,
        changes=Changes(values={"training.advanced.classes": 4}),
        actor=ACTOR,
    )
    flagged = _consistency(submission_findings(school=school, period=period_2025))
    assert "training.classes" in flagged


def test_the_retired_journal_articles_code_is_refused_in_2025_only(world, period_2025) -> None:
    school = world.schools["thainguyen"]
    with pytest.raises(SubmissionInvalid) as refused:
        submission_update(
            school=school,
            period=period_2025,
            expected_version=0,
            changes=Changes(values={"publications.journal_articles": 2}),
            actor=ACTOR,
        )
    assert [f.code for f in refused.value.findings] == ["publications.journal_articles"]
    assert "2025" in refused.value.findings[0].message_vi
    submission_update(
        school=school,
        period=Period.objects.get(code="2024-H1"),
        expected_version=0,
        changes=Changes(values={"publications.journal_articles": 2}),
        actor=ACTOR,
    )


# --- the API -------------------------------------------------------------------------------


def test_indicators_api_gives_the_definitions(world, api_client, catalogue) -> None:
    client = api_client("thainguyen-editor", "thainguyen")
    rows = client.get("/api/v1/indicators/?year=2025").json()
    by_code = {row["code"]: row for row in rows}
    assert set(by_code) == set(catalogue.by_code)
    existing = {
        "code",
        "label_vi",
        "label_en",
        "unit",
        "section",
        "parent",
        "split",
        "kind",
        "higher_is_better",
        "required",
        "max_value",
        "learners_code",
    }
    for row in rows:
        assert existing | {"definition_vi", "definition_en"} <= set(row)
        spec = catalogue[row["code"]]
        assert (row["definition_vi"], row["definition_en"]) == (
            spec.definition_vi,
            spec.definition_en,
        )
        assert row["definition_vi"] and row["definition_en"]
    assert by_code["training.intermediate.classes"]["parent"] == "training.degree.classes"
    assert "publications.journal_articles" not in by_code
    # an older year keeps its own catalogue, and the fields are there (maybe empty)
    rows_2024 = client.get("/api/v1/indicators/?year=2024").json()
    codes_2024 = {row["code"] for row in rows_2024}
    assert "publications.journal_articles" in codes_2024 and "articles" not in codes_2024
    assert all({"definition_vi", "definition_en"} <= set(row) for row in rows_2024)


# --- the other readers of the catalogue -------------------------------------------------------


def test_aggregation_checks_the_new_splits_school_by_school(catalogue: Catalogue) -> None:
    slip = {**H1_2025, "training.degree.classes": 29}
    facts = pd.DataFrame(
        [("a", code, value) for code, value in H1_2025.items()]
        + [("b", code, value) for code, value in slip.items()],
        columns=["school", "indicator", "value"],
    )
    table = school_table(facts=facts, schools=["a", "b"], catalogue=catalogue)
    found = {
        (finding["school"], finding["code"], finding["split"])
        for finding in consistency_findings(table=table, catalogue=catalogue, scope="school")
    }
    # 29 degree classes against 25 + 3 + 0, and 29 + 10 against the 38 classes
    assert found == {
        ("b", "training.degree.classes", "programme"),
        ("b", "training.classes", "programme"),
    }


def test_the_2025_template_round_trips_the_new_codes(catalogue: Catalogue) -> None:
    workbook = load_workbook(
        io.BytesIO(
            build_template_xlsx(
                catalogue=catalogue, school_name="Thái Nguyên", period_code="2025-H1", values={}
            )
        )
    )
    codes = {row[0] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert set(catalogue.by_code) <= codes
    assert "publications.journal_articles" not in codes
    data = build_template_csv(
        catalogue=catalogue, school_name="Thái Nguyên", period_code="2025-H1", values=H1_2025
    )
    parsed = parse_values_upload(data=data, filename="2025-H1.csv", catalogue=catalogue)
    assert not parsed.errors, parsed.errors
    assert {code: value for code, value in parsed.values.items() if value is not None} == H1_2025


def test_report_builders_take_the_2025_catalogue(catalogue: Catalogue) -> None:
    figures = {**H1_2025, "research.projects.school": 4}
    schools = (SchoolFigures(seed002.LEAD, "lead", figures, seed002.SCHOOLS[0][1]),)
    for language in ("vi", "en"):
        ctx = seed002.context(
            language,
            period_code="2025-H1",
            catalogue=catalogue,
            schools=schools,
            totals=seed002.totals_of(schools),
        )
        body = " ".join(p.text for p in build_paragraphs(ctx))
        if language == "vi":
            assert "02 bài đăng tạp chí" in body and "26 bài tham luận hội thảo, tọa đàm" in body
        else:
            assert "2 journal articles" in body and "26 conference and seminar papers" in body
        build_docx(ctx)
        build_pdf(ctx)
        workbook = load_workbook(io.BytesIO(build_xlsx(ctx)))
        if language == "vi":
            assert workbook["Tổng hợp"].max_column == 1 + len(catalogue.indicators)


def _criteria_codes(scheme: ScoringScheme) -> set[str]:
    return {
        code for row in scheme.criteria.all() for code in (row.numerator, row.denominator) if code
    }


def test_the_example_scheme_for_2025_names_only_2025_codes(world, catalogue) -> None:
    ScoringScheme.objects.filter(year__in=(2024, 2025, 2026)).delete()
    scheme = scheme_ensure_example(year=2025)
    codes = _criteria_codes(scheme)
    assert codes <= set(catalogue.by_code) | {"staff.lecturers"}
    assert "articles.journal" in codes and "publications.journal_articles" not in codes
    # 2024 keeps the code of its own catalogue
    assert "publications.journal_articles" in _criteria_codes(scheme_ensure_example(year=2024))
    # a copy of 2024 into a later year is moved onto that year's codes
    copied = scheme_copy(year=2026, from_year=2024, actor="department")
    assert _criteria_codes(copied) <= set(load_catalogue(2026).by_code) | {"staff.lecturers"}


def test_the_2025_entry_form_and_template_endpoint_serve_the_new_codes(
    world, period_2025, page_client, api_client
) -> None:
    page = page_client("thainguyen-editor", "thainguyen").get("/submissions/2025-H1/")
    assert page.status_code == 200
    html = page.content.decode()
    for code in ("training.degree.classes", "theses", "articles.conference_papers"):
        assert code in html, code
    # No field for the retired code (a definition may name it as what it replaces).
    assert 'name="value__publications.journal_articles"' not in html
    response = api_client("thainguyen-editor", "thainguyen").get(
        "/api/v1/submissions/2025-H1/template.xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    codes = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert {"theses", "articles", "training.co_organised.classes"} <= codes
