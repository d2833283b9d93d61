"""Everything a cluster review report is built from, as frozen plain data.

The caller (a Django service or task) reads the snapshot, the narratives and the
completeness rows from the database and builds a `ReportContext`; the builders in
this package never touch the database and never read the clock, so the same
context always gives the same bytes.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.utils import translation
from django.utils.translation import gettext

from catalogue.rollup import (
    MISSING,
    ClusterFigure,
    Figure,
    cluster_figure,
    figure_from_dict,
    school_figures,
)
from catalogue.spec import Catalogue, IndicatorSpec
from core.language import pick

DEFAULT_DOCUMENT_NUMBER = "01-BC/CTĐ"

LANGUAGES = ("vi", "en")
# The documents' language tags (DOCX styles and properties, PDF catalogue).
LANGUAGE_TAGS = {"vi": "vi-VN", "en": "en-GB"}
PERIOD_KINDS = ("quarter", "half", "year")
_PERIOD_RE = re.compile(r"^(?P<year>\d{4})-(?:(?P<kind>[HQ])(?P<part>\d)|Y)$")


class ReportContextError(ValueError):
    pass


P = ParamSpec("P")
R = TypeVar("R")


def in_report_language(
    build: Callable[Concatenate[ReportContext, P], R],
) -> Callable[Concatenate[ReportContext, P], R]:
    """Run `build(context, ...)` with the report's language active, so its gettext
    messages and `pick`s come out in the language the document is built for."""

    @functools.wraps(build)
    def wrapper(context: ReportContext, *args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(context.language):
            return build(context, *args, **kwargs)

    return wrapper


def parse_period_code(code: str) -> tuple[int, str, int]:
    """ "2024-H1" -> (2024, "half", 1); "2024-Y" -> (2024, "year", 0); "2024-Q2" -> quarter 2."""
    match = _PERIOD_RE.match(code or "")
    if not match:
        raise ReportContextError(f"period code {code!r} is not like 2024-H1, 2024-Q2 or 2024-Y")
    year = int(match["year"])
    if match["kind"] is None:
        return year, "year", 0
    part = int(match["part"])
    if match["kind"] == "H" and part in (1, 2):
        return year, "half", part
    if match["kind"] == "Q" and 1 <= part <= 4:
        return year, "quarter", part
    raise ReportContextError(f"period code {code!r} names no half or quarter")


def clean_count(value: Any) -> int | None:
    """An int, or None for a missing figure. Accepts numpy/pandas scalars and NaN,
    so a caller can pass values straight out of a DataFrame."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ReportContextError(f"a figure cannot be a boolean: {value!r}")
    if isinstance(value, float | Decimal):
        if isinstance(value, float) and math.isnan(value):
            return None
        if value != int(value):
            raise ReportContextError(f"a count must be whole, not {value!r}")
        return int(value)
    try:
        as_float = float(value)
    except (TypeError, ValueError) as exc:
        raise ReportContextError(f"a figure must be a number, not {value!r}") from exc
    if math.isnan(as_float):
        return None
    return int(value)


def _clean_values(values: Mapping[str, Any] | None) -> dict[str, int | None]:
    return {str(code): clean_count(value) for code, value in (values or {}).items()}


@dataclass(frozen=True)
class SchoolFigures:
    """One school's figures for the period: indicator code -> count (None: not reported).

    ``figures`` are the snapshot's figures of the school (code -> {"value", "state",
    "missing"...}, `catalogue.rollup.Figure.as_dict`). Without them the report rolls
    ``values`` up itself with the catalogue's rule (`ReportContext.figure_of`)."""

    name: str
    role: str = "member"
    values: Mapping[str, int | None] = field(default_factory=dict)
    name_en: str = ""
    figures: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", _clean_values(self.values))

    def value(self, code: str) -> int | None:
        return self.values.get(code)


@dataclass(frozen=True)
class NarrativeItem:
    """One item of a narrative section.

    `school`: whose item it is (shown as "(Trường ...)" after the text); `owner`: the
    school in charge of a next-period task; `month`/`year`: when the task is planned
    (the year defaults to the report's year for a half or quarter, the next year for
    a year review). `text_en` is used by the English report when given.
    """

    text: str
    school: str | None = None
    owner: str | None = None
    month: int | None = None
    year: int | None = None
    text_en: str = ""

    def __post_init__(self) -> None:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ReportContextError(f"task month must be 1..12, not {self.month}")


def _items(values: Iterable[NarrativeItem | str] | None) -> tuple[NarrativeItem, ...]:
    items = []
    for value in values or ():
        item = NarrativeItem(text=value) if isinstance(value, str) else value
        if item.text.strip() or item.text_en.strip():
            items.append(item)
    return tuple(items)


@dataclass(frozen=True)
class Narratives:
    """Narrative sections: `opening` (general assessment, highlights), `limitations`,
    `proposals` (to the Academy), `next_tasks` (owner and month), `scoring` (the
    outcome of the year-end vote and the award proposals). Plain strings are
    accepted and turned into `NarrativeItem`s."""

    opening: tuple[NarrativeItem, ...] = ()
    limitations: tuple[NarrativeItem, ...] = ()
    proposals: tuple[NarrativeItem, ...] = ()
    next_tasks: tuple[NarrativeItem, ...] = ()
    scoring: tuple[NarrativeItem, ...] = ()

    def __post_init__(self) -> None:
        for name in ("opening", "limitations", "proposals", "next_tasks", "scoring"):
            object.__setattr__(self, name, _items(getattr(self, name)))


@dataclass(frozen=True)
class CompletenessRow:
    """Whether a school has sent its figures. `status` is the submission status code
    (draft, submitted, accepted, approved, returned, reopened, missing) or free text;
    `submitted_at` is the moment as stored (aware, or naive UTC as Django stores it):
    the documents show it in the hub's time zone."""

    school: str
    status: str
    submitted_at: datetime | None = None
    late: bool = False


@dataclass(frozen=True)
class FindingRow:
    """A consistency finding; `school` None means the cluster as a whole."""

    school: str | None
    message: str


@dataclass(frozen=True)
class ScoringRow:
    school: str
    rank: int | None = None
    score: float | Decimal | int | None = None


@dataclass(frozen=True)
class ReportContext:
    language: str
    cluster_name_vi: str
    cluster_name_en: str
    period_code: str
    lead_school_name: str
    lead_school_province: str
    issue_date: date
    catalogue: Catalogue
    schools: tuple[SchoolFigures, ...]
    # The snapshot's totals, kept for the record: every table and sentence uses the
    # roll-up (`figure`), the sum of exactly the schools' shown figures.
    totals: Mapping[str, int | None] = field(default_factory=dict)
    # Figures the cluster's report declared for the cluster as a whole (not by
    # school): shown in their own rows and sentence, never as a column's total.
    declared: Mapping[str, int | None] = field(default_factory=dict)
    declared_sources: Mapping[str, str] = field(default_factory=dict)
    # Derived from period_code when left empty; checked against it when given.
    period_kind: str = ""
    year: int = 0
    # Empty: the Academy's and the movement's usual names (gettext).
    academy_name: str = ""
    academy_name_en: str = ""
    lead_school_name_en: str = ""
    document_number: str = DEFAULT_DOCUMENT_NUMBER
    subject: str = ""
    narratives: Narratives = field(default_factory=Narratives)
    completeness: tuple[CompletenessRow, ...] = ()
    findings: tuple[FindingRow, ...] = ()
    scoring: tuple[ScoringRow, ...] = ()
    recipients: tuple[str, ...] = ()
    # Signature block: "T/M CỤM THI ĐUA" / "CỤM TRƯỞNG" / school / name. Empty
    # capacity and title take the language's defaults; empty school is the lead.
    signer_capacity: str = ""
    signer_title: str = ""
    signer_school: str = ""
    signer_name: str = ""
    movement: str = ""
    movement_en: str = ""
    fingerprint: str = ""
    # Each school's rolled-up figures, in the order of `schools` (set on creation).
    _rolled: tuple[dict[str, Figure], ...] = field(
        default=(), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise ReportContextError(f"language must be 'vi' or 'en', not {self.language!r}")
        year, kind, _part = parse_period_code(self.period_code)
        if self.period_kind and self.period_kind != kind:
            raise ReportContextError(
                f"period kind {self.period_kind!r} does not match period {self.period_code}"
            )
        if self.year and self.year != year:
            raise ReportContextError(f"year {self.year} does not match period {self.period_code}")
        object.__setattr__(self, "period_kind", kind)
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "schools", tuple(self.schools))
        object.__setattr__(self, "totals", _clean_values(self.totals))
        object.__setattr__(
            self,
            "declared",
            {
                code: value
                for code, value in _clean_values(self.declared).items()
                if value is not None
            },
        )
        for name in ("completeness", "findings", "scoring", "recipients"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if isinstance(self.narratives, Mapping):
            object.__setattr__(self, "narratives", Narratives(**self.narratives))
        if not self.schools:
            raise ReportContextError("a cluster report needs at least one school")
        object.__setattr__(self, "_rolled", tuple(self._roll_up(s) for s in self.schools))

    def _roll_up(self, school: SchoolFigures) -> dict[str, Figure]:
        if school.figures:
            rolled = {code: figure_from_dict(item) for code, item in school.figures.items()}
            for code, value in school.values.items():
                rolled.setdefault(code, figure_from_dict(value))
            return rolled
        return school_figures(catalogue=self.catalogue, values=school.values)

    # --- names in the report's language ---------------------------------------------

    def pick(self, vi: str, en: str | None) -> str:
        """A `_vi`/`_en` pair of the report's data (names, catalogue labels) in the
        report's language (core.language.pick)."""
        return pick(vi, en, self.language)

    @property
    def period_part(self) -> int:
        return parse_period_code(self.period_code)[2]

    @property
    def cluster_name(self) -> str:
        return self.pick(self.cluster_name_vi, self.cluster_name_en)

    @property
    def academy(self) -> str:
        if self.academy_name:
            return self.pick(self.academy_name, self.academy_name_en)
        with translation.override(self.language):
            return gettext("Học viện Chính trị quốc gia Hồ Chí Minh")

    @property
    def movement_name(self) -> str:
        if self.movement:
            return self.pick(self.movement, self.movement_en)
        with translation.override(self.language):
            return gettext("Dân chủ - Kỷ cương - Sáng tạo - Nêu gương - Chất lượng - Hiệu quả")

    @property
    def lead_school(self) -> str:
        return self.school_display_name(self.lead_school_name)

    def school_display_name(self, name: str) -> str:
        """A school's name in the report's language (its English name when known)."""
        english = ""
        if name == self.lead_school_name and self.lead_school_name_en:
            english = self.lead_school_name_en
        else:
            english = next((school.name_en for school in self.schools if school.name == name), "")
        return self.pick(name, english)

    def name_of(self, school: SchoolFigures) -> str:
        return self.pick(school.name, school.name_en)

    # --- figures ----------------------------------------------------------------

    def figure_of(self, school: SchoolFigures, code: str) -> Figure:
        """One school's figure by the catalogue's roll-up rule: typed, the sum of a
        complete split, or partial (a lower bound naming its blank parts)."""
        for known, figures in zip(self.schools, self._rolled, strict=True):
            if known is school:
                return figures.get(code, MISSING)
        return MISSING

    def figure(self, code: str) -> ClusterFigure:
        """The cluster's figure: the sum of exactly the schools' shown figures, with
        the schools short of it (`catalogue.rollup.cluster_figure`). "Level"
        indicators do not add up: no value."""
        spec: IndicatorSpec | None = self.catalogue.by_code.get(code)
        if spec is not None and spec.unit == "level":
            return ClusterFigure(value=None, state="not_applicable")
        return cluster_figure(
            {school.name: self.figure_of(school, code) for school in self.schools}
        )

    def total(self, code: str) -> int | None:
        """The cluster total of an indicator: the sum of the column of shown school
        figures (None when no school has one, and for "level" indicators). A declared
        figure is never a total: see `declared`."""
        return self.figure(code).value
