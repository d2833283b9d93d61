"""The demo data: schools, clusters, yearly memberships and the seeds' figures.

Pure tests over demo/*.yaml and the catalogue files. They also prove that the
catalogue's parent/split structure can express the inconsistencies the source
documents really contain (the hub must notice them, so the demo keeps them).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalogue.spec import Catalogue, load_catalogue
from tests.world import MIDLANDS, NORTH

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "demo"
FIGURE_FILES = sorted((DEMO / "figures").glob("*.yaml"))

SCHOOL_SLUG = re.compile(r"^[a-z]+$")
CLUSTER_SLUG = re.compile(r"^[a-z]+(-[a-z]+)+$")
PERIOD = re.compile(r"^(?P<year>\d{4})-(?P<part>H1|Y|Q[1-4])$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ROLES = {"lead", "standing_deputy", "deputy", "member"}
NARRATIVES = {"highlights", "limitations", "proposals", "next_tasks"}
CLUSTERS = {
    "mien-nui-bien-gioi-phia-bac",
    "trung-du-mien-nui-phia-bac",
    "dong-bang-song-hong",
    "bac-trung-bo",
    "nam-trung-bo-tay-nguyen",
    "dong-nam-bo",
    "dong-bang-song-cuu-long",
}
SEED_SCHOOLS = {
    "quangninh",
    "dienbien",
    "hagiang",
    "caobang",
    "laichau",
    "langson",
    "laocai",
    "sonla",
    "thainguyen",
    "backan",
    "thanhhoa",
    "vinhphuc",
    "bacninh",
}
VIETNAMESE_LETTER = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def directory() -> dict[str, Any]:
    return _read(DEMO / "schools.yaml")


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, Any]]:
    return {path.name: _read(path) for path in FIGURE_FILES}


def _submissions(figures: Mapping[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, item) for name, data in figures.items() for item in data["submissions"]]


def _year(period: str) -> int:
    match = PERIOD.match(period)
    assert match, period
    return int(match["year"])


def _catalogue(period: str) -> Catalogue:
    return load_catalogue(_year(period))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _with_corrections(text: str, corrections: list[dict[str, str]]) -> str:
    for correction in corrections:
        text = text.replace(correction["raw"], correction["read"])
    return text


def _numbers(text: str) -> set[int]:
    """Integers written in a phrase, reading "12.378" as 12378 and "03" as 3."""
    text = re.sub(r"(?<=\d)\.(?=\d{3}(?!\d))", "", text)
    return {int(token) for token in re.findall(r"\d+", text)}


def _members(directory: dict[str, Any], cluster: str, year: int) -> dict[str, str]:
    return {
        m["school"]: m["role"]
        for m in directory["memberships"]
        if m["cluster"] == cluster and m["year"] == year
    }


# --- schools, clusters, memberships ----------------------------------------------------


def test_department(directory: dict[str, Any]) -> None:
    department = directory["department"]
    assert department["name_vi"] == "Vụ Các trường chính trị"
    assert department["parent_vi"] == "Học viện Chính trị quốc gia Hồ Chí Minh"


def test_clusters_follow_the_contract(directory: dict[str, Any]) -> None:
    slugs = [cluster["slug"] for cluster in directory["clusters"]]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) == CLUSTERS
    for cluster in directory["clusters"]:
        assert CLUSTER_SLUG.match(cluster["slug"])
        assert VIETNAMESE_LETTER.search(cluster["name_vi"])
        assert cluster["name_en"] and cluster["region"] in {"north", "central", "south"}


def test_schools_follow_the_contract(directory: dict[str, Any]) -> None:
    schools = directory["schools"]
    for key in ("slug", "name_vi", "short_name", "province"):
        values = [school[key] for school in schools]
        assert all(values), key
        assert len(values) == len(set(values)), f"duplicate {key}"
    for school in schools:
        assert SCHOOL_SLUG.match(school["slug"]), school["slug"]
        assert school["name_vi"].startswith("Trường "), school["slug"]
        assert school["province"] in school["name_vi"], school["slug"]
    assert {school["slug"] for school in schools} >= SEED_SCHOOLS


def test_the_two_nguyen_van_cu_schools_are_kept_apart(directory: dict[str, Any]) -> None:
    by_slug = {school["slug"]: school for school in directory["schools"]}
    quangninh, bacninh = by_slug["quangninh"], by_slug["bacninh"]
    assert quangninh["name_vi"] == "Trường Đào tạo cán bộ Nguyễn Văn Cừ tỉnh Quảng Ninh"
    assert bacninh["name_vi"] == "Trường Chính trị Nguyễn Văn Cừ tỉnh Bắc Ninh"
    assert "Nguyễn Văn Cừ" in quangninh["short_name"] and "Quảng Ninh" in quangninh["short_name"]
    assert "Nguyễn Văn Cừ" in bacninh["short_name"] and "Bắc Ninh" in bacninh["short_name"]
    clusters: dict[str, set[str]] = defaultdict(set)
    for membership in directory["memberships"]:
        clusters[membership["school"]].add(membership["cluster"])
    assert clusters["quangninh"] == {NORTH}
    assert clusters["bacninh"] == {"dong-bang-song-hong"}


def test_memberships_are_valid_per_year(directory: dict[str, Any]) -> None:
    schools = {school["slug"] for school in directory["schools"]}
    clusters = {cluster["slug"] for cluster in directory["clusters"]}
    leads: Counter[tuple[str, int]] = Counter()
    standing: Counter[tuple[str, int]] = Counter()
    cluster_years: set[tuple[str, int]] = set()
    school_years: Counter[tuple[str, int]] = Counter()
    for membership in directory["memberships"]:
        assert membership["school"] in schools
        assert membership["cluster"] in clusters
        assert membership["year"] in {2022, 2023, 2024}
        assert membership["role"] in ROLES
        assert membership.get("source") or str(membership.get("note", "")).startswith(
            "illustrative"
        ), membership
        key = (membership["cluster"], membership["year"])
        cluster_years.add(key)
        leads[key] += membership["role"] == "lead"
        standing[key] += membership["role"] == "standing_deputy"
        school_years[(membership["school"], membership["year"])] += 1
    assert all(leads[key] == 1 for key in cluster_years), leads
    assert all(standing[key] <= 1 for key in cluster_years)
    assert max(school_years.values()) == 1, "a school is in one cluster a year"
    # every school of the directory is somewhere every year of the demo
    for school in schools:
        for year in (2022, 2023, 2024):
            assert school_years[(school, year)] == 1, (school, year)


def test_memberships_from_the_seeds(directory: dict[str, Any]) -> None:
    north_2024 = _members(directory, NORTH, 2024)
    assert north_2024 == {
        "quangninh": "lead",
        "hagiang": "standing_deputy",
        "langson": "deputy",
        "dienbien": "member",
        "caobang": "member",
        "laichau": "member",
        "laocai": "member",
        "sonla": "member",
    }
    midlands_2022 = _members(directory, MIDLANDS, 2022)
    assert midlands_2022["backan"] == "lead"
    assert midlands_2022["thainguyen"] == "member"
    assert _members(directory, MIDLANDS, 2023)["hoabinh"] == "lead"
    years = {year: _members(directory, "dong-bang-song-hong", year) for year in (2022, 2023, 2024)}
    assert all("vinhphuc" in members and "bacninh" in members for members in years.values())
    assert all("thanhhoa" in _members(directory, "bac-trung-bo", y) for y in (2022, 2023, 2024))


# --- figures -----------------------------------------------------------------------------


def test_figure_files_exist() -> None:
    assert [path.name for path in FIGURE_FILES] == [
        "000-thainguyen-2022.yaml",
        "001-thanhhoa-2022.yaml",
        "002-cluster-2024-h1.yaml",
        "003-vinhphuc-2020.yaml",
        "004-laichau-2023.yaml",
    ]


@pytest.mark.parametrize("path", FIGURE_FILES, ids=lambda path: path.stem)
def test_figures_are_faithful_to_their_source(path: Path) -> None:
    data = _read(path)
    source = (DEMO / "sources" / data["source"]).read_text(encoding="utf-8")
    squashed_source = _squash(source)
    corrections = data.get("corrections") or []
    for correction in corrections:
        assert _squash(correction["raw"]) in squashed_source, correction["raw"]
        assert correction["raw"] != correction["read"] and correction["why"]
    quoted = [*data["submissions"], *data.get("cluster_declared", [])]
    for item in quoted:
        values, quotes = item["values"], item["quotes"]
        assert set(quotes) == set(values), "every value has its source phrase"
        derived = item.get("derived", {})
        for code, quote in quotes.items():
            assert _squash(quote) in squashed_source, (code, quote)
            if code in derived or values[code] == 1:
                continue  # a sum the document lists, or "a conference" with no digit
            readable = _with_corrections(quote, corrections)
            assert values[code] in _numbers(readable), (code, values[code], quote)


def test_values_use_the_catalogue_in_force(figures: dict[str, dict[str, Any]]) -> None:
    for _name, item in [
        *_submissions(figures),
        *[(n, d) for n, f in figures.items() for d in f.get("cluster_declared", [])],
    ]:
        catalogue = _catalogue(item["period"])
        for code, value in item["values"].items():
            assert code in catalogue, (item["period"], code)
            assert type(value) is int, (code, value)
            assert 0 <= value <= catalogue[code].max_value, (code, value)
        for code in item.get("derived", {}):
            assert code in item["values"]


def test_submissions_name_known_schools_and_periods(
    directory: dict[str, Any], figures: dict[str, dict[str, Any]]
) -> None:
    schools = {school["slug"] for school in directory["schools"]}
    seen: set[tuple[str, str]] = set()
    for _name, item in _submissions(figures):
        assert item["school"] in schools
        assert PERIOD.match(item["period"])
        key = (item["school"], item["period"])
        assert key not in seen, f"two submissions for {key}"
        seen.add(key)
        year = _year(item["period"])
        if year in (2022, 2023, 2024):
            in_clusters = [
                m
                for m in directory["memberships"]
                if m["school"] == item["school"] and m["year"] == year
            ]
            assert len(in_clusters) == 1, key
        for key_name, text in (item.get("narratives") or {}).items():
            assert key_name in NARRATIVES
            assert text.strip() and VIETNAMESE_LETTER.search(text)
        for note in item.get("notes", []):
            assert isinstance(note, str) and note
    assert {
        ("thainguyen", "2022-Q2"),
        ("thainguyen", "2022-H1"),
        ("thanhhoa", "2022-Y"),
        ("vinhphuc", "2020-Y"),
        ("laichau", "2023-Y"),
    } <= seen


def test_seed_002_covers_the_whole_cluster(
    directory: dict[str, Any], figures: dict[str, dict[str, Any]]
) -> None:
    data = figures["002-cluster-2024-h1.yaml"]
    (declared,) = data["cluster_declared"]
    assert declared["cluster"] == NORTH and declared["period"] == "2024-H1"
    members = _members(directory, NORTH, 2024)
    assert {item["school"] for item in data["submissions"]} == set(members)
    assert {item["period"] for item in data["submissions"]} == {"2024-H1"}
    (narrative,) = data["cluster_narratives"]
    assert narrative["cluster"] == NORTH
    for key in ("limitations", "proposals"):
        assert VIETNAMESE_LETTER.search(narrative[key])
    tasks = narrative["tasks"]
    assert sorted({task["number"] for task in tasks}) == [1, 2, 3, 4]
    source = _squash((DEMO / "sources" / data["source"]).read_text(encoding="utf-8"))
    for task in tasks:
        assert task["owner"] in members
        assert task["venue"] is None or task["venue"] in members
        assert MONTH.match(task["month"]) and "2024-07" <= task["month"] <= "2024-12"
        assert _squash(task["quote"]) in source


def test_lai_chau_principal_lecturers_are_a_note_not_a_number(
    figures: dict[str, dict[str, Any]],
) -> None:
    (item,) = figures["004-laichau-2023.yaml"]["submissions"]
    assert item["values"]["standards.indicators_met"] == 26
    assert "staff.principal_lecturers" not in item["values"]
    assert "staff.lecturers" not in item["values"]
    assert any("14%" in note for note in item["notes"])


# --- the inconsistencies the sources really contain --------------------------------------


def _reported(code: str, values: Mapping[str, int], catalogue: Catalogue) -> int | None:
    """A figure as stated, or else what its reported parts add up to (recursively,
    through the first split that has any), or None when nothing under it is stated."""
    if code in values:
        return values[code]
    for children in catalogue.splits.get(code, {}).values():
        parts = [_reported(child.code, values, catalogue) for child in children]
        if any(part is not None for part in parts):
            return sum(part for part in parts if part is not None)
    return None


def _split_mismatches(
    values: Mapping[str, int], catalogue: Catalogue
) -> dict[tuple[str, str], tuple[int, int]]:
    """(parent, split) -> (stated total, parts' sum) where the parts disagree with the
    stated total: every part known and a different sum, or known parts already more."""
    found = {}
    for parent, splits in catalogue.splits.items():
        if parent not in values:
            continue
        for split, children in splits.items():
            parts = [_reported(child.code, values, catalogue) for child in children]
            known = [part for part in parts if part is not None]
            if not known:
                continue
            total = sum(known)
            complete = len(known) == len(parts)
            if (complete and total != values[parent]) or total > values[parent]:
                found[(parent, split)] = (values[parent], total)
    return found


def test_the_known_inconsistencies_and_no_others(figures: dict[str, dict[str, Any]]) -> None:
    found = {}
    for name, item in _submissions(figures):
        mismatches = _split_mismatches(item["values"], _catalogue(item["period"]))
        for (parent, split), numbers in mismatches.items():
            found[(name[:3], item["school"], parent, split)] = numbers
    assert set(found) == {
        ("001", "thanhhoa", "training.intermediate.classes", "origin"),
        ("003", "vinhphuc", "training.learners", "programme"),
    }


def test_seed_001_carried_over_plus_new_is_not_the_intermediate_classes(
    figures: dict[str, dict[str, Any]],
) -> None:
    (item,) = figures["001-thanhhoa-2022.yaml"]["submissions"]
    values, catalogue = item["values"], _catalogue(item["period"])
    for total in ("training.intermediate.classes", "training.intermediate.learners"):
        origin = catalogue.splits[total]["origin"]
        assert all(child.code in values for child in origin), "the split is complete"
        parts = sum(values[child.code] for child in origin)
        if total.endswith("classes"):
            assert parts != values[total]  # 21 + 24 classes against 47 declared
        else:
            assert parts == values[total]  # the learners do add up


def test_seed_003_programmes_miss_the_total_while_the_plan_split_adds_up(
    figures: dict[str, dict[str, Any]],
) -> None:
    (item,) = figures["003-vinhphuc-2020.yaml"]["submissions"]
    values, catalogue = item["values"], _catalogue(item["period"])
    for total in ("training.classes", "training.learners"):
        plan = catalogue.splits[total]["plan"]
        assert sum(values[child.code] for child in plan) == values[total]
        programmes = catalogue.splits[total]["programme"]
        by_programme = sum(_reported(child.code, values, catalogue) or 0 for child in programmes)
        if total == "training.classes":
            assert by_programme == values[total]
        else:
            # the short-course total is not stated: it comes from its audiences
            assert "training.short_courses.learners" not in values
            assert by_programme != values[total]


def test_seed_002_schools_do_not_add_up_to_the_declared_cluster_totals(
    figures: dict[str, dict[str, Any]],
) -> None:
    data = figures["002-cluster-2024-h1.yaml"]
    (declared,) = data["cluster_declared"]
    catalogue = _catalogue(declared["period"])
    for code in ("training.classes", "training.learners"):
        assert catalogue[code].parent is None, "a cluster total is the sum of school totals"
        schools_sum = sum(item["values"][code] for item in data["submissions"])
        assert schools_sum != declared["values"][code], code
    # the declared staff and contest figures are internally consistent
    assert _split_mismatches(declared["values"], catalogue) == {}


def test_learners_are_never_fewer_than_classes(figures: dict[str, dict[str, Any]]) -> None:
    items = [
        *[item for _name, item in _submissions(figures)],
        *[d for f in figures.values() for d in f.get("cluster_declared", [])],
    ]
    for item in items:
        catalogue = _catalogue(item["period"])
        for code, value in item["values"].items():
            twin = catalogue[code].learners_code
            if twin and twin in item["values"]:
                assert item["values"][twin] >= value, (item["period"], code)


def test_a_required_figure_a_seed_does_not_state_is_left_out_never_zero(
    figures: dict[str, dict[str, Any]],
) -> None:
    """The loader marks such a figure not reported (`submission_record_historical`), so
    the seed must leave it out rather than write 0: seed 2022-Q2 states neither the
    research projects nor the conferences' total."""
    (q2,) = [
        item
        for _name, item in _submissions(figures)
        if (item["school"], item["period"]) == ("thainguyen", "2022-Q2")
    ]
    catalogue = _catalogue("2022-Q2")
    unstated = {
        indicator.code
        for indicator in catalogue.indicators
        if indicator.required and q2["values"].get(indicator.code) is None
    }
    assert unstated == {"research.projects", "research.conferences"}
    for _name, item in _submissions(figures):
        for code, value in item["values"].items():
            assert value is not None, (item["school"], item["period"], code)
