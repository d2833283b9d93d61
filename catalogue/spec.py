"""The indicator catalogue as plain, immutable data.

Everything that reasons about indicators (validation, upload parsing, aggregation,
report prose, scoring) takes a `Catalogue` so it can be tested without a database.
The database models in `catalogue.models` are loaded from the same YAML files.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

Kind = Literal["flow", "stock"]

# Unit keys used by the catalogue, with the Vietnamese and English counting words.
UNITS: dict[str, tuple[str, str]] = {
    "class": ("lớp", "classes"),
    "learner": ("học viên", "learners"),
    "project": ("đề tài", "projects"),
    "scheme": ("đề án", "schemes"),
    "task": ("nhiệm vụ", "tasks"),
    "initiative": ("sáng kiến", "initiatives"),
    "event": ("cuộc", "events"),
    "volume": ("cuốn", "volumes"),
    "issue": ("số", "issues"),
    "article": ("bài", "articles"),
    "set": ("bộ", "sets"),
    "person": ("người", "people"),
    "attendance": ("lượt", "attendances"),
    "lecture": ("giảng viên", "lecturers"),
    "work": ("tác phẩm", "works"),
    "prize": ("giải", "prizes"),
    "criterion": ("chỉ tiêu", "indicators"),
    "level": ("mức", "level"),
    "thesis": ("khóa luận", "theses"),
}

# From this catalogue version on, every indicator must carry both definitions.
DEFINITIONS_REQUIRED_FROM = 2025


# The four headline totals a cluster reports first (issue 11): on the lead's board, in
# the report's opening sentence and in the department's academy view. A year whose
# catalogue lacks one (theses and articles come with the 2025 version) says so.
HEADLINE_TOTALS: tuple[str, ...] = ("training.classes", "training.learners", "theses", "articles")


@dataclass(frozen=True)
class SectionSpec:
    code: str
    label_vi: str
    label_en: str
    order: int


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    label_vi: str
    label_en: str
    unit: str
    section: str
    order: int
    parent: str | None = None
    # Name of the decomposition of `parent` this indicator belongs to: a total can be
    # split several ways (by programme, carried over / new, in plan / outside plan),
    # and each split must add up to the parent on its own.
    split: str = "main"
    kind: Kind = "flow"
    higher_is_better: bool = True
    required: bool = False
    # Values above this are refused as typing slips ("l206" read as 1206 is fine,
    # "20212" classes is not).
    max_value: int = 1_000_000
    # For a classes indicator: the learners indicator of the same programme, so that
    # "learners fewer than classes" can be checked.
    learners_code: str | None = None
    # Noun phrase used after a count in report prose: "03 đề tài cấp tỉnh".
    phrase_vi: str = ""
    phrase_en: str = ""
    # The English phrase after the count 1 when the plural is irregular
    # ("1 graduation thesis"; read by the report prose).
    phrase_en_one: str = ""
    # What counts and what does not, with an example phrase from a real report
    # (shown as help next to the field, in the template and in the API).
    definition_vi: str = ""
    definition_en: str = ""


@dataclass(frozen=True)
class Catalogue:
    version: int
    sections: tuple[SectionSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    retired: tuple[str, ...] = field(default=())
    # (retired code, active code that now records the same figure), e.g.
    # ("publications.journal_articles", "articles.journal") from 2025. A tuple of
    # pairs, not a dict, so the catalogue stays hashable.
    successors: tuple[tuple[str, str], ...] = field(default=())

    @cached_property
    def by_code(self) -> dict[str, IndicatorSpec]:
        return {indicator.code: indicator for indicator in self.indicators}

    @cached_property
    def splits(self) -> dict[str, dict[str, list[IndicatorSpec]]]:
        """parent code -> split name -> children, in catalogue order."""
        tree: dict[str, dict[str, list[IndicatorSpec]]] = defaultdict(lambda: defaultdict(list))
        for indicator in self.indicators:
            if indicator.parent:
                tree[indicator.parent][indicator.split].append(indicator)
        return {parent: dict(groups) for parent, groups in tree.items()}

    def successor(self, code: str) -> str | None:
        """The active code that replaced a retired one in this version, if any."""
        return dict(self.successors).get(code)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def __getitem__(self, code: str) -> IndicatorSpec:
        return self.by_code[code]


class CatalogueError(ValueError):
    pass


def available_versions() -> list[int]:
    return sorted(int(path.stem.split("-")[1]) for path in DATA_DIR.glob("indicators-*.yaml"))


def version_for_year(year: int) -> int:
    """The catalogue in force for a year: the newest version not later than it."""
    versions = [version for version in available_versions() if version <= year]
    if not versions:
        # Periods before the first catalogue (historical backfill) use the first one.
        versions = available_versions()[:1]
    if not versions:
        raise CatalogueError(f"No catalogue file in {DATA_DIR}")
    return versions[-1]


def load_catalogue(year: int) -> Catalogue:
    return parse_catalogue(DATA_DIR / f"indicators-{version_for_year(year)}.yaml")


def parse_catalogue(path: Path) -> Catalogue:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    sections = tuple(
        SectionSpec(order=position, **section) for position, section in enumerate(raw["sections"])
    )
    indicators = tuple(
        IndicatorSpec(order=position, **indicator)
        for position, indicator in enumerate(raw["indicators"])
    )
    catalogue = Catalogue(
        version=int(raw["version"]),
        sections=sections,
        indicators=indicators,
        retired=tuple(raw.get("retired", ())),
        successors=tuple(
            (str(old), str(new)) for old, new in (raw.get("successors") or {}).items()
        ),
    )
    check_catalogue(catalogue)
    return catalogue


def check_catalogue(catalogue: Catalogue) -> None:
    """Refuse a catalogue file whose structure the rest of the hub cannot trust."""
    problems: list[str] = []
    section_codes = {section.code for section in catalogue.sections}
    seen: set[str] = set()
    for indicator in catalogue.indicators:
        if indicator.code in seen:
            problems.append(f"{indicator.code}: duplicate code")
        seen.add(indicator.code)
        if indicator.section not in section_codes:
            problems.append(f"{indicator.code}: unknown section {indicator.section!r}")
        if indicator.unit not in UNITS:
            problems.append(f"{indicator.code}: unknown unit {indicator.unit!r}")
        if indicator.kind not in ("flow", "stock"):
            problems.append(f"{indicator.code}: kind must be flow or stock")
    for indicator in catalogue.indicators:
        if indicator.parent and indicator.parent not in seen:
            problems.append(f"{indicator.code}: parent {indicator.parent!r} is unknown")
        if indicator.learners_code and indicator.learners_code not in seen:
            problems.append(f"{indicator.code}: learners_code {indicator.learners_code!r} unknown")
    for code in catalogue.retired:
        if code in seen:
            problems.append(f"{code}: retired but still listed as an indicator")
    for old, new in catalogue.successors:
        if old not in catalogue.retired:
            problems.append(f"{old}: has a successor but is not retired")
        if new not in seen:
            problems.append(f"{old}: successor {new!r} is unknown")
    if catalogue.version >= DEFINITIONS_REQUIRED_FROM:
        for indicator in catalogue.indicators:
            for name in ("definition_vi", "definition_en"):
                if not getattr(indicator, name).strip():
                    problems.append(f"{indicator.code}: {name} is empty")
    if problems:
        raise CatalogueError("; ".join(problems))
