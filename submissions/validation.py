"""The rules a school's figures go through, as pure functions over a `Catalogue`.

Two moments, two strengths:

* **Saving** a value (`validate_entry`, `validate_entries`): what cannot be a count
  is refused — text, negative or fractional numbers, a value far beyond the
  indicator's sane bound (`IndicatorSpec.max_value`), an unknown indicator. These
  findings have kind "error" and the caller saves nothing while there is one.
* **Submitting** the period (`findings_for_submit`): the figures are read together.
  Parts that do not add up to their total, a part larger than its whole, fewer
  learners than classes ("consistency") and required figures left blank
  ("completeness") block submitting; a consistency finding stops blocking once the
  school explains it in a comment on that indicator. Values far from the school's
  own history ("outlier") never block; they ask for a second look. Nor does a split
  whose filled parts fall short of the total while some parts are blank: the warning
  says how much the blank parts must hold ("2.604 of 2.658 accounted for; the blank
  part(s) must hold 54"), so a slip in a filled part is seen while the school types.

Blank subtotals are read through the catalogue's one roll-up rule
(`catalogue.rollup`, via `figures_for`): the same rule the snapshots, the academy
view and the rankings use, so a total checked here is the total shown there.

Real reports disagree with themselves (see `shared/domain.md`, "Real data is
messy"): the hub recomputes totals from their parts and shows the difference, with
every number involved, to the person who can fix it.

Every finding carries its message in Vietnamese and English; numbers are written
"12.378" in Vietnamese and "12,378" in English. Pure: no Django, no database.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from catalogue.rollup import Figure, Mark, school_figures
from catalogue.spec import Catalogue, IndicatorSpec
from core.formatting import format_number
from core.language import normalise, pick
from submissions.numbers import parse_count

__all__ = [
    "MAD_SCALE",
    "OUTLIER_RATIO",
    "OUTLIER_TINY",
    "OUTLIER_Z",
    "Finding",
    "FindingKind",
    "blocking_findings",
    "check_completeness",
    "check_consistency",
    "check_outliers",
    "figures_for",
    "findings_for_submit",
    "validate_entries",
    "validate_entry",
]

FindingKind = Literal["error", "consistency", "outlier", "completeness"]

# Rules, as `Finding.rule`: which check produced the finding.
RULE_UNKNOWN_CODE = "unknown_code"
RULE_TOO_LARGE = "too_large"  # the parse problems use their own codes (numbers.PROBLEM_CODES)
RULE_SUM_MISMATCH = "sum_mismatch"
RULE_PARTIAL_SUM_EXCEEDS = "partial_sum_exceeds"
# Non-blocking: blank parts must hold what the filled parts leave of the total.
RULE_BLANK_PARTS_REMAINDER = "blank_parts_remainder"
RULE_PART_ABOVE_WHOLE = "part_above_whole"
RULE_LEARNERS_BELOW_CLASSES = "learners_below_classes"
RULE_MISSING = "missing"
RULE_OUTLIER_Z = "modified_z_score"
RULE_OUTLIER_RATIO = "ratio"

# Outliers: modified z-score (Iglewicz and Hoaglin) beyond OUTLIER_Z with at least
# OUTLIER_MIN_HISTORY previous values; otherwise (or when the MAD is 0) a value more
# than OUTLIER_RATIO times the highest previous value or less than 1/OUTLIER_RATIO of
# the lowest. A comparison whose larger number is below OUTLIER_TINY is ignored:
# 1 conference against 4 is not news.
OUTLIER_Z = 3.5
MAD_SCALE = 0.6745
OUTLIER_MIN_HISTORY = 3
OUTLIER_RATIO = 3
OUTLIER_TINY = 5

# How each way of splitting a total reads after "(6.612 …)" / "the parts … add up".
# Unknown split names fall back to "main".
_SPLIT_PHRASES: dict[str, tuple[str, str]] = {
    "main": ("theo các phần", ""),
    "programme": ("theo các chương trình", "by programme"),
    "plan": ("theo trong và ngoài kế hoạch", "in plan and outside plan"),
    "origin": ("theo chuyển sang và mở mới", "carried over and new"),
    "mode": ("theo tập trung và không tập trung", "full-time and part-time"),
    "level": ("theo các cấp", "by level"),
    "audience": ("theo đối tượng", "by audience"),
    "status": ("theo khai giảng và bế giảng", "opened and closed"),
    "grade": ("theo hạng chức danh", "by grade"),
    "sent": ("theo gửi và không gửi dự thi cấp tỉnh", "sent on and not sent on"),
    "organiser": ("theo tự tổ chức và phối hợp tổ chức", "own and co-organised"),
    "outlet": ("theo nơi đăng (tạp chí, bản tin, hội thảo)", "by outlet"),
}


@dataclass(frozen=True)
class Finding:
    """One thing the hub noticed about one indicator's value.

    `code` is the indicator it is about (where the person should look), `related`
    the other indicators involved, `numbers` the numbers named in the message.
    `rule` names the check that fired (see the RULE_* constants and, for entry
    errors, `submissions.numbers.PROBLEM_CODES`).
    """

    code: str
    kind: FindingKind
    blocking: bool
    message_vi: str
    message_en: str
    related: tuple[str, ...] = ()
    numbers: dict[str, int | float | None] = field(default_factory=dict)
    explained: bool = False
    rule: str = ""

    def message(self, language: str) -> str:
        return pick(self.message_vi, self.message_en, normalise(language))

    def as_dict(self, language: str) -> dict[str, object]:
        return {
            "code": self.code,
            "kind": self.kind,
            "message": self.message(language),
            "blocking": self.blocking,
            "related": list(self.related),
            "numbers": dict(self.numbers),
            "explained": self.explained,
        }


# --- saving: one value at a time -----------------------------------------------------


def validate_entry(
    *, catalogue: Catalogue, code: str, raw: object
) -> tuple[int | None, Finding | None]:
    """Read one typed value for `code`: (value, None) or (None, blocking error).

    A blank gives (None, None): blank is allowed when saving a draft.
    """
    indicator = catalogue.by_code.get(code)
    if indicator is None:
        return None, _unknown_code(catalogue, code)

    parsed = parse_count(raw)
    if parsed.error is not None:
        return None, Finding(
            code=code,
            kind="error",
            blocking=True,
            message_vi=f"{indicator.label_vi}: {parsed.error.message_vi}",
            message_en=f"{indicator.label_en}: {parsed.error.message_en}",
            numbers={"suggestion": parsed.error.suggestion}
            if parsed.error.suggestion is not None
            else {},
            rule=parsed.error.code,
        )

    value = parsed.value
    if value is not None and value > indicator.max_value:
        return None, Finding(
            code=code,
            kind="error",
            blocking=True,
            message_vi=(
                f"{indicator.label_vi}: {_vi(value)} vượt xa mức hợp lý "
                f"(tối đa {_vi(indicator.max_value)}); có thể là lỗi gõ phím, hãy kiểm tra lại."
            ),
            message_en=(
                f"{indicator.label_en}: {_en(value)} is far beyond a sane bound "
                f"(at most {_en(indicator.max_value)}); probably a typing slip, please check it."
            ),
            numbers={"value": value, "max_value": indicator.max_value},
            rule=RULE_TOO_LARGE,
        )
    return value, None


def validate_entries(
    *, catalogue: Catalogue, raw_values: Mapping[str, object]
) -> tuple[dict[str, int | None], list[Finding]]:
    """Read many typed values at once.

    Returns the values that were read (None for blanks; refused and unknown codes are
    left out, so a refusal is never mistaken for a blank) and one error per refused
    value. Saving is all-or-nothing: the caller saves nothing if the list is not empty.
    """
    values: dict[str, int | None] = {}
    findings: list[Finding] = []
    for code, raw in raw_values.items():
        value, finding = validate_entry(catalogue=catalogue, code=code, raw=raw)
        if finding is None:
            values[code] = value
        else:
            findings.append(finding)
    return values, findings


def _unknown_code(catalogue: Catalogue, code: str) -> Finding:
    if code in catalogue.retired:
        return Finding(
            code=code,
            kind="error",
            blocking=True,
            message_vi=(
                f"Chỉ tiêu “{code}” không còn được thu thập từ danh mục phiên bản "
                f"{catalogue.version}."
            ),
            message_en=(
                f"Indicator “{code}” is no longer collected since catalogue version "
                f"{catalogue.version}."
            ),
            rule=RULE_UNKNOWN_CODE,
        )
    return Finding(
        code=code,
        kind="error",
        blocking=True,
        message_vi=(
            f"Mã chỉ tiêu “{code}” không có trong danh mục (phiên bản {catalogue.version})."
        ),
        message_en=(
            f"Indicator code “{code}” is not in the catalogue (version {catalogue.version})."
        ),
        rule=RULE_UNKNOWN_CODE,
    )


# --- submitting: the figures read together ----------------------------------------------


def check_consistency(
    *,
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    explanations: Mapping[str, str],
    not_applicable: Iterable[str] = (),
    not_reported: Iterable[str] = (),
) -> list[Finding]:
    """Totals against their parts, parts against their whole, learners against classes.

    For each total and each of its splits (a total can be split by programme, by
    plan, by origin...; each split must add up on its own):

    * all parts present and their sum differs from the total → `sum_mismatch`;
    * only some parts present, their sum already above the total → `partial_sum_exceeds`
      (not repeated when a single part is already above the total, see next);
    * a part larger than its total → `part_above_whole`, about the part;
    * some parts blank, the others (with the lower bounds of blank subtotals) short of
      the total → `blank_parts_remainder`, never blocking: the blank parts must hold
      the difference.

    And for each classes indicator with a `learners_code`: fewer learners than
    classes → `learners_below_classes`, about the learners indicator.

    A part marked not applicable counts as 0. Nothing is said where the total is blank
    (completeness covers it). A blank subtotal whose parts are all given counts, as a
    part of a larger total, as the sum of its parts (see `figures_for`): seed 003 gives
    each short course but not their total, and only so do its programmes show that
    they exceed the declared learners. Findings block submitting unless
    `explanations` holds a non-empty comment for the finding's `code`.
    """
    skipped = set(not_applicable)
    figures = figures_for(
        catalogue=catalogue, values=values, not_applicable=skipped, not_reported=not_reported
    )
    effective: dict[str, int | None] = {
        code: figure.value if figure.state == "complete" else None
        for code, figure in figures.items()
    }
    at_least = {
        code: figure.value
        for code, figure in figures.items()
        if figure.state == "partial" and figure.value
    }
    findings: list[Finding] = []
    for parent in catalogue.indicators:
        splits = catalogue.splits.get(parent.code)
        declared = values.get(parent.code)
        if not splits or declared is None:
            continue
        for split, children in splits.items():
            findings.extend(
                _check_split(parent, declared, split, children, effective, skipped, at_least)
            )

    for classes in catalogue.indicators:
        if not classes.learners_code or classes.learners_code not in catalogue:
            continue
        learners = catalogue[classes.learners_code]
        class_count = values.get(classes.code)
        learner_count = values.get(learners.code)
        if class_count is None or learner_count is None or learner_count >= class_count:
            continue
        findings.append(
            Finding(
                code=learners.code,
                kind="consistency",
                blocking=True,
                message_vi=(
                    f"{learners.label_vi} ({_vi(learner_count)}) ít hơn "
                    f"{_lower_first(classes.label_vi)} ({_vi(class_count)}): mỗi lớp phải có "
                    "ít nhất một học viên."
                ),
                message_en=(
                    f"{learners.label_en}: {_en(learner_count)}, fewer than "
                    f"{_lower_first(classes.label_en)} ({_en(class_count)}). Every class has at "
                    "least one learner."
                ),
                related=(classes.code,),
                numbers={"learners": learner_count, "classes": class_count},
                rule=RULE_LEARNERS_BELOW_CLASSES,
            )
        )
    return _apply_explanations(findings, explanations)


def figures_for(
    *,
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    not_applicable: Iterable[str] = (),
    not_reported: Iterable[str] = (),
) -> dict[str, Figure]:
    """Each indicator's figure under the catalogue's one roll-up rule (`catalogue.rollup`).

    For checking and for showing what the parts say; nothing derived is ever saved as
    the school's figure. A blank subtotal whose parts (in some split) are all given is
    "complete" with their sum; one with only some parts given is "partial" with a lower
    bound (parts are never negative); parts come first, so subtotals of subtotals roll up.
    """
    marks: dict[str, Mark] = {code: "not_reported" for code in not_reported}
    marks.update({code: "not_applicable" for code in not_applicable})
    return school_figures(catalogue=catalogue, values=values, marks=marks)


def _check_split(
    parent: IndicatorSpec,
    declared: int,
    split: str,
    children: Sequence[IndicatorSpec],
    values: Mapping[str, int | None],
    not_applicable: set[str],
    at_least: Mapping[str, int],
) -> list[Finding]:
    present: list[tuple[IndicatorSpec, int]] = []
    missing: list[IndicatorSpec] = []
    for child in children:
        value = values.get(child.code)
        if value is None and child.code in not_applicable:
            value = 0
        if value is None:
            missing.append(child)
        else:
            present.append((child, value))

    findings: list[Finding] = []
    above = [(child, value) for child, value in present if value > declared]
    for child, value in above:
        findings.append(
            Finding(
                code=child.code,
                kind="consistency",
                blocking=True,
                message_vi=(
                    f"{child.label_vi} ({_vi(value)}) lớn hơn {_lower_first(parent.label_vi)} "
                    f"({_vi(declared)}): một phần không thể lớn hơn tổng."
                ),
                message_en=(
                    f"{child.label_en}: {_en(value)}, more than {_lower_first(parent.label_en)} "
                    f"({_en(declared)}). A part cannot exceed its total."
                ),
                related=(parent.code,),
                numbers={"part": value, "total": declared},
                rule=RULE_PART_ABOVE_WHOLE,
            )
        )

    if not present:
        return findings
    total = sum(value for _child, value in present)
    split_vi, split_en = _SPLIT_PHRASES.get(split, _SPLIT_PHRASES["main"])
    parts_vi = _parts(present, "vi")
    parts_en = _parts(present, "en")
    numbers: dict[str, int | float | None] = {
        "declared": declared,
        "sum": total,
        "difference": total - declared,
        **{child.code: value for child, value in present},
    }
    related = tuple(child.code for child in children)

    if not missing and total != declared:
        difference = abs(total - declared)
        more_vi = "nhiều hơn" if total > declared else "ít hơn"
        more_en = "more" if total > declared else "less"
        parts_phrase_en = f"the parts {split_en}" if split_en else "its parts"
        findings.append(
            Finding(
                code=parent.code,
                kind="consistency",
                blocking=True,
                message_vi=(
                    f"{parent.label_vi} ({_vi(total)} {split_vi}) khác số đã khai "
                    f"({_vi(declared)}): các phần cộng lại {more_vi} {_vi(difference)}. "
                    f"Các phần: {parts_vi} = {_vi(total)}."
                ),
                message_en=(
                    f"{parent.label_en}: {parts_phrase_en} add up to {_en(total)}, not the "
                    f"declared {_en(declared)} ({_en(difference)} {more_en}). "
                    f"Parts: {parts_en} = {_en(total)}."
                ),
                related=related,
                numbers=numbers,
                rule=RULE_SUM_MISMATCH,
            )
        )
    bounded = [(child, at_least[child.code]) for child in missing if child.code in at_least]
    lower_total = total + sum(bound for _child, bound in bounded)
    if bounded and lower_total > declared and not above and total <= declared:
        findings.append(_bounded_parts_exceed(parent, declared, present, bounded, lower_total))
    elif missing and total > declared and not above:
        missing_vi = "; ".join(child.label_vi for child in missing)
        missing_en = "; ".join(child.label_en for child in missing)
        scope_vi = f" {split_vi}" if split != "main" and split in _SPLIT_PHRASES else ""
        scope_en = f" {split_en}" if split_en else ""
        findings.append(
            Finding(
                code=parent.code,
                kind="consistency",
                blocking=True,
                message_vi=(
                    f"{parent.label_vi} đã khai {_vi(declared)}, nhưng mới "
                    f"{len(present)}/{len(children)} phần{scope_vi} đã cộng được "
                    f"{_vi(total)}, vượt {_vi(total - declared)}. Các phần đã nhập: "
                    f"{parts_vi}. Còn trống: {missing_vi}."
                ),
                message_en=(
                    f"{parent.label_en}: declared {_en(declared)}, but {len(present)} of "
                    f"{len(children)} parts{scope_en} already add up to {_en(total)} "
                    f"({_en(total - declared)} more). Parts entered: {parts_en}. "
                    f"Still blank: {missing_en}."
                ),
                related=related,
                numbers=numbers,
                rule=RULE_PARTIAL_SUM_EXCEEDS,
            )
        )
    elif missing and lower_total < declared and not above:
        findings.append(
            _blank_parts_must_hold(parent, declared, split, present, missing, bounded, lower_total)
        )
    return findings


def _blank_parts_must_hold(
    parent: IndicatorSpec,
    declared: int,
    split: str,
    present: Sequence[tuple[IndicatorSpec, int]],
    missing: Sequence[IndicatorSpec],
    bounded: Sequence[tuple[IndicatorSpec, int]],
    lower_total: int,
) -> Finding:
    """Some parts are blank and the filled ones fall short of the total: the blank parts
    must hold the rest. Never blocking (most schools leave rows empty), but it names the
    numbers, so a typing slip in a filled part (2.604 for 2.658) is seen at entry time."""
    remainder = declared - lower_total
    split_vi, split_en = _SPLIT_PHRASES.get(split, _SPLIT_PHRASES["main"])
    scope_vi = f" ({split_vi})" if split != "main" and split in _SPLIT_PHRASES else ""
    scope_en = f" ({split_en})" if split_en else ""
    blank_vi = "; ".join(child.label_vi for child in missing)
    blank_en = "; ".join(child.label_en for child in missing)
    return Finding(
        code=parent.code,
        kind="consistency",
        blocking=False,
        message_vi=(
            f"{parent.label_vi}: các phần đã nhập{scope_vi} mới cộng được {_vi(lower_total)} "
            f"trên tổng {_vi(declared)}; (các) phần còn trống ({blank_vi}) phải cộng lại đúng "
            f"{_vi(remainder)}. Nếu không phải vậy, hãy kiểm tra lỗi gõ phím."
        ),
        message_en=(
            f"{parent.label_en}: {_en(lower_total)} of {_en(declared)} accounted for"
            f"{scope_en}; the blank part(s) ({blank_en}) must hold {_en(remainder)}. "
            "If they do not, check for a typing slip."
        ),
        related=tuple(child.code for child in (*(c for c, _v in present), *missing)),
        numbers={
            "declared": declared,
            "sum": lower_total,
            "remainder": remainder,
            **{child.code: value for child, value in present},
            **{child.code: bound for child, bound in bounded},
        },
        rule=RULE_BLANK_PARTS_REMAINDER,
    )


def _bounded_parts_exceed(
    parent: IndicatorSpec,
    declared: int,
    present: Sequence[tuple[IndicatorSpec, int]],
    bounded: Sequence[tuple[IndicatorSpec, int]],
    lower_total: int,
) -> Finding:
    """Some parts are blank subtotals whose own parts already push the sum past the total."""
    bounds_vi = "; ".join(f"{child.label_vi} ít nhất {_vi(bound)}" for child, bound in bounded)
    bounds_en = "; ".join(f"{child.label_en} at least {_en(bound)}" for child, bound in bounded)
    entered_vi = f"{_parts(present, 'vi')}; " if present else ""
    entered_en = f"{_parts(present, 'en')}; " if present else ""
    return Finding(
        code=parent.code,
        kind="consistency",
        blocking=True,
        message_vi=(
            f"{parent.label_vi} đã khai {_vi(declared)}, nhưng các phần đã nhập cộng lại ít "
            f"nhất {_vi(lower_total)}, vượt {_vi(lower_total - declared)}: {entered_vi}"
            f"{bounds_vi} (theo các mục con đã nhập)."
        ),
        message_en=(
            f"{parent.label_en}: declared {_en(declared)}, but the parts entered add up to at "
            f"least {_en(lower_total)} ({_en(lower_total - declared)} more): {entered_en}"
            f"{bounds_en} (from their own parts)."
        ),
        related=tuple(child.code for child, _value in (*present, *bounded)),
        numbers={"declared": declared, "at_least": lower_total},
        rule=RULE_PARTIAL_SUM_EXCEEDS,
    )


# What unblocks a required figure left blank: said the same way in every message.
UNBLOCK_VI = (
    "nhập số liệu (0 nếu kỳ này không có), đánh dấu không áp dụng, hoặc đánh dấu không có "
    "số liệu kèm giải trình"
)
UNBLOCK_EN = (
    "enter a value (0 if there were none this period), mark it not applicable, or mark it "
    "not reported with an explanation"
)
RULE_NOT_REPORTED = "not_reported"


def check_completeness(
    *,
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    not_applicable: Iterable[str],
    not_reported: Iterable[str] = (),
    explanations: Mapping[str, str] | None = None,
    backfill: bool = False,
) -> list[Finding]:
    """Required indicators left blank (None or absent) and not marked not applicable.

    Blank is not zero: a school with no such activity enters 0. When every part of one
    split of the blank total is present, the message gives their sum as a hint.

    A required figure marked not reported ("không có số liệu": the source did not state
    it) is a finding of its own: it blocks until the school explains it, except in a
    backfill (`backfill`: a historical report or a bulk load, where the source is the
    explanation), where it is shown and never blocks. A blank figure that is not
    marked blocks whatever its explanation: the message says the three ways out.
    """
    skipped = set(not_applicable)
    unstated = set(not_reported) - skipped
    figures = figures_for(
        catalogue=catalogue, values=values, not_applicable=skipped, not_reported=unstated
    )
    findings: list[Finding] = []
    for indicator in catalogue.indicators:
        if not indicator.required or indicator.code in skipped:
            continue
        if values.get(indicator.code) is not None:
            continue
        if indicator.code in unstated:
            findings.append(_not_reported(indicator, backfill=backfill))
            continue
        hint_vi = hint_en = ""
        numbers: dict[str, int | float | None] = {}
        figure = figures[indicator.code]
        if figure.state == "complete" and figure.value is not None and figure.split:
            total = figure.value
            split_vi, split_en = _SPLIT_PHRASES.get(figure.split, _SPLIT_PHRASES["main"])
            scope_vi = f" ({split_vi})" if split_en else ""
            hint_vi = f" Các phần{scope_vi} cộng lại được {_vi(total)}."
            scope_en = f" {split_en}" if split_en else ""
            hint_en = f" Its parts{scope_en} add up to {_en(total)}."
            numbers = {"sum_of_parts": total}
        findings.append(
            Finding(
                code=indicator.code,
                kind="completeness",
                blocking=True,
                message_vi=(
                    f"Chưa nhập {_lower_first(indicator.label_vi)}. Để gửi được: {UNBLOCK_VI}."
                    f"{hint_vi}"
                ),
                message_en=(
                    f"{indicator.label_en}: not entered yet. To submit: {UNBLOCK_EN}.{hint_en}"
                ),
                numbers=numbers,
                rule=RULE_MISSING,
            )
        )
    return _apply_explanations(
        findings,
        {
            code: text
            for code, text in (explanations or {}).items()
            if code in unstated  # only a not-reported figure is unblocked by a note
        },
    )


def _not_reported(indicator: IndicatorSpec, *, backfill: bool) -> Finding:
    if backfill:
        return Finding(
            code=indicator.code,
            kind="completeness",
            blocking=False,
            message_vi=(
                f"{indicator.label_vi}: không có số liệu (tài liệu gốc không nêu); không tính là 0."
            ),
            message_en=(
                f"{indicator.label_en}: not reported (the source does not state it); "
                "never counted as 0."
            ),
            explained=True,
            rule=RULE_NOT_REPORTED,
        )
    return Finding(
        code=indicator.code,
        kind="completeness",
        blocking=True,
        message_vi=(
            f"{indicator.label_vi}: đã đánh dấu không có số liệu. Để gửi được, ghi giải trình "
            "vì sao không có số liệu (hoặc nhập số liệu, hoặc đánh dấu không áp dụng)."
        ),
        message_en=(
            f"{indicator.label_en}: marked not reported. To submit, explain why there is no "
            "figure (or enter a value, or mark it not applicable)."
        ),
        rule=RULE_NOT_REPORTED,
    )


def check_outliers(
    *,
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    history: Mapping[str, Sequence[tuple[str, int]]],
) -> list[Finding]:
    """Values far from the school's own previous values for the same kind of period.

    With at least 3 previous values: modified z-score 0.6745·(x − median)/MAD beyond
    ±3.5; when the MAD is 0 (most previous values equal), the ratio rule. With 1 or 2
    previous values: the ratio rule — above 3× the highest or below ⅓ of the lowest.
    A comparison whose larger number is below 5 is ignored. Never blocking.
    """
    findings: list[Finding] = []
    for indicator in catalogue.indicators:
        value = values.get(indicator.code)
        previous = [
            (period, count)
            for period, count in history.get(indicator.code, ())
            if count is not None
        ]
        if value is None or not previous:
            continue
        counts = [count for _period, count in previous]
        if len(counts) >= OUTLIER_MIN_HISTORY:
            median = statistics.median(counts)
            mad = statistics.median(abs(count - median) for count in counts)
            if mad:
                score = MAD_SCALE * (value - median) / mad
                if abs(score) > OUTLIER_Z and max(value, median) >= OUTLIER_TINY:
                    findings.append(_z_outlier(indicator, value, previous, median, mad, score))
                continue
            # MAD 0: most previous values are equal and any change divides by zero.
        finding = _ratio_outlier(indicator, value, previous)
        if finding is not None:
            findings.append(finding)
    return findings


def _z_outlier(
    indicator: IndicatorSpec,
    value: int,
    previous: Sequence[tuple[str, int]],
    median: float,
    mad: float,
    score: float,
) -> Finding:
    above = value > median
    return Finding(
        code=indicator.code,
        kind="outlier",
        blocking=False,
        message_vi=(
            f"{indicator.label_vi}: {_vi(value)} {'cao' if above else 'thấp'} bất thường so "
            f"với các kỳ trước ({_history(previous, 'vi')}; trung vị {_vi(median)}). "
            "Hãy kiểm tra lại; nếu số liệu đúng, có thể ghi chú giải thích."
        ),
        message_en=(
            f"{indicator.label_en}: {_en(value)} is unusually {'high' if above else 'low'} "
            f"against previous periods ({_history(previous, 'en')}; median {_en(median)}). "
            "Please check it; if the figure is right, you may add a note explaining it."
        ),
        numbers={
            "value": value,
            "median": median,
            "mad": mad,
            "z": round(score, 2),
            **dict(previous),
        },
        rule=RULE_OUTLIER_Z,
    )


def _ratio_outlier(
    indicator: IndicatorSpec, value: int, previous: Sequence[tuple[str, int]]
) -> Finding | None:
    highest = max(count for _period, count in previous)
    lowest = min(count for _period, count in previous)
    if value > OUTLIER_RATIO * highest and value >= OUTLIER_TINY:
        compared_vi = f"cao hơn {OUTLIER_RATIO} lần mức cao nhất của các kỳ trước"
        compared_en = f"more than {OUTLIER_RATIO} times the highest previous value"
        reference = {"previous_max": highest}
    elif value * OUTLIER_RATIO < lowest and lowest >= OUTLIER_TINY:
        compared_vi = f"thấp hơn 1/{OUTLIER_RATIO} mức thấp nhất của các kỳ trước"
        compared_en = f"less than 1/{OUTLIER_RATIO} of the lowest previous value"
        reference = {"previous_min": lowest}
    else:
        return None
    return Finding(
        code=indicator.code,
        kind="outlier",
        blocking=False,
        message_vi=(
            f"{indicator.label_vi}: {_vi(value)} {compared_vi} ({_history(previous, 'vi')}). "
            "Hãy kiểm tra lại; nếu số liệu đúng, có thể ghi chú giải thích."
        ),
        message_en=(
            f"{indicator.label_en}: {_en(value)} is {compared_en} ({_history(previous, 'en')}). "
            "Please check it; if the figure is right, you may add a note explaining it."
        ),
        numbers={"value": value, **reference, **dict(previous)},
        rule=RULE_OUTLIER_RATIO,
    )


def findings_for_submit(
    *,
    catalogue: Catalogue,
    values: Mapping[str, int | None],
    not_applicable: Iterable[str],
    explanations: Mapping[str, str],
    history: Mapping[str, Sequence[tuple[str, int]]],
    not_reported: Iterable[str] = (),
    backfill: bool = False,
) -> list[Finding]:
    """Everything to show before submitting: consistency, completeness, outliers.

    An explanation on an outlier's indicator marks it explained (it never blocked).
    ``not_reported`` (figures a source did not state) roll up as unknown, never 0; a
    required one blocks until explained, unless ``backfill`` (`check_completeness`).
    """
    skipped = set(not_applicable)
    return [
        *check_consistency(
            catalogue=catalogue,
            values=values,
            explanations=explanations,
            not_applicable=skipped,
            not_reported=not_reported,
        ),
        *check_completeness(
            catalogue=catalogue,
            values=values,
            not_applicable=skipped,
            not_reported=not_reported,
            explanations=explanations,
            backfill=backfill,
        ),
        *_apply_explanations(
            check_outliers(catalogue=catalogue, values=values, history=history),
            explanations,
        ),
    ]


def blocking_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocking]


# --- helpers ---------------------------------------------------------------------------------


def _apply_explanations(findings: list[Finding], explanations: Mapping[str, str]) -> list[Finding]:
    explained: list[Finding] = []
    for finding in findings:
        comment = explanations.get(finding.code)
        if comment and comment.strip():
            finding = replace(finding, explained=True, blocking=False)
        explained.append(finding)
    return explained


def _vi(value: int | float) -> str:
    return format_number(value, "vi")


def _en(value: int | float) -> str:
    return format_number(value, "en")


def _parts(present: Sequence[tuple[IndicatorSpec, int]], language: str) -> str:
    language = normalise(language)
    return " + ".join(
        f"{pick(child.label_vi, child.label_en, language)} {format_number(value, language)}"
        for child, value in present
    )


def _history(previous: Sequence[tuple[str, int]], language: str) -> str:
    return "; ".join(
        f"{period}: {format_number(count, normalise(language))}" for period, count in previous
    )


def _lower_first(label: str) -> str:
    """ "Tổng số lớp" → "tổng số lớp" after "Chưa nhập"; acronyms ("TCLLCT…") kept."""
    if len(label) > 1 and label[0].isupper() and not label[1].isupper():
        return label[0].lower() + label[1:]
    return label
