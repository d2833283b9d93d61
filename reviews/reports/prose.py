"""The body of the cluster review report as structured paragraphs.

Modelled on the H1 2024 review of the northern mountain & border cluster (seed 002):
an opening naming the cluster, the period and the emulation movement; one sentence
of cluster totals; each school numbered with only the items it has, in catalogue
order ("(1) Trường ...: 97 lớp/3.864 học viên; 03 đề tài cấp tỉnh; ..."); the
cluster-wide staff development and contest totals; limitations; proposals to the
Academy; key tasks for the next period with owner school and month; at year end the
scoring outcome.

Which indicators go where (by the indicator's section code):
- `training*`: a school's line carries only the training total, the first top-level
  classes indicator with its `learners_code`, as "N lớp/M học viên"; programme and
  other breakdowns go to the annex.
- `research*`, `publication*`: listed in the school's line; `staff*`, `contest*`:
  cluster totals in one paragraph after the schools. In both, top-level flow
  indicators are told by their parts one level down when the parts have figures
  (see `_listed_items`): "03 đề tài cấp tỉnh; 06 đề tài cấp trường", "24 cán bộ,
  giảng viên được cử đi học (06 tiến sĩ, 12 thạc sĩ)", "396 tác phẩm dự thi cấp
  trường; 36 tác phẩm gửi dự thi cấp tỉnh". Zero and missing figures are left out.
- stock indicators and anything else (e.g. the standard-school criteria): annex only.

English counts use `phrase_en`, which the catalogue writes in the plural
("provincial-level research projects"). For a count of one the phrase is made
singular: the spec's `phrase_en_one` when the catalogue provides such an attribute,
otherwise the first plural-looking word is singularised ("issues of the school
bulletin" -> "issue of the school bulletin", "staff members sent for doctoral study"
-> "staff member sent ..."), with a small table of irregular and invariant words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalogue.rollup import ClusterFigure
from catalogue.spec import UNITS, IndicatorSpec
from core.formatting import format_count, format_month, format_number, ordinal_en

from .context import NarrativeItem, ReportContext, SchoolFigures, in_report_language

PARAGRAPH_KINDS = ("heading1", "heading2", "body", "item", "bullet")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass(frozen=True)
class Paragraph:
    """kind: heading1 (I., II., bold capitals), heading2 (1., 2., bold), body,
    item (a numbered "(1) ..." paragraph), bullet (a "- ..." paragraph)."""

    kind: str
    text: str


# --- section groups --------------------------------------------------------------

GROUP_PREFIXES: tuple[tuple[str, str], ...] = (
    ("training", "training"),
    ("research", "research"),
    ("publication", "publications"),
    ("staff", "staff"),
    ("contest", "contest"),
)
SCHOOL_LINE_GROUPS = ("research", "publications")
CLUSTER_GROUPS = ("staff", "contest")


def section_group(section_code: str) -> str | None:
    code = section_code.lower()
    for prefix, group in GROUP_PREFIXES:
        if code.startswith(prefix):
            return group
    return None


# --- English plurals ---------------------------------------------------------------

_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}
_INVARIANT = {"series", "proceedings", "news", "means", "species", "premises", "staff"}


def _singular_word(word: str) -> str:
    lower = word.lower()
    if lower in _IRREGULAR:
        singular = _IRREGULAR[lower]
        return singular.capitalize() if word[:1].isupper() else singular
    if lower.endswith("ies") and len(lower) > 4:
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    return word[:-1]


def _is_plural_word(word: str) -> bool:
    lower = word.lower()
    if lower in _IRREGULAR:
        return True
    if "'" in word or "’" in word or lower in _INVARIANT or len(lower) < 3:
        return False
    return lower.endswith("s") and not lower.endswith(("ss", "us", "is"))


def singular_en(phrase: str) -> str:
    """Make a plural English noun phrase singular by its first plural-looking word."""
    words = phrase.split(" ")
    for index, word in enumerate(words):
        if _is_plural_word(word):
            words[index] = _singular_word(word)
            return " ".join(words)
    return phrase


def counted(n: int, noun: str, language: str, singular: str = "") -> str:
    """ "03 đề tài" / "3 projects" / "1 project": the count as the language writes it
    and the noun, made singular for a count of one (`singular` when given). The noun
    is already in the report's language; Vietnamese nouns do not inflect (and never
    end in a plural-looking "s"), so the singular rule leaves them as they are."""
    phrase = (singular or singular_en(noun)) if n == 1 else noun
    return f"{format_count(n, language)} {phrase}"


# --- periods -------------------------------------------------------------------------


def _next_period(kind: str, part: int, year: int) -> tuple[str, int, int]:
    if kind == "year":
        return "year", 0, year + 1
    last = 2 if kind == "half" else 4
    return (kind, part + 1, year) if part < last else (kind, 1, year + 1)


def _period(kind: str, part: int, year: int) -> str:
    """vi "6 tháng đầu năm 2024", "quý II năm 2024", "năm 2024"; en "the first half of
    2024", "the second quarter of 2024", "2024"."""
    if kind == "year":
        text = _("năm %(year)s")
    elif kind == "half":
        text = (_("6 tháng đầu năm %(year)s"), _("6 tháng cuối năm %(year)s"))[part - 1]
    else:
        text = (
            _("quý I năm %(year)s"),
            _("quý II năm %(year)s"),
            _("quý III năm %(year)s"),
            _("quý IV năm %(year)s"),
        )[part - 1]
    return text % {"year": year}


def _period_without_year(kind: str, part: int, year: int) -> str:
    """The period when the year is said right after it ("sơ kết ... 6 tháng đầu năm,
    phương hướng ... 6 tháng cuối năm 2024")."""
    if kind == "half":
        return (_("6 tháng đầu năm"), _("6 tháng cuối năm"))[part - 1]
    if kind == "quarter":
        return (_("quý I"), _("quý II"), _("quý III"), _("quý IV"))[part - 1]
    return _period(kind, part, year)


@in_report_language
def period_phrase(ctx: ReportContext) -> str:
    """vi "6 tháng đầu năm 2024" / "năm 2024"; en "the first half of 2024" / "2024"."""
    return _period(ctx.period_kind, ctx.period_part, ctx.year)


@in_report_language
def next_period_phrase(ctx: ReportContext) -> str:
    return _period(*_next_period(ctx.period_kind, ctx.period_part, ctx.year))


def _in_period(phrase: str) -> str:
    """ "Trong 6 tháng đầu năm 2024" / "In the first half of 2024" / "In 2024"."""
    return _("Trong %(period)s") % {"period": phrase}


@in_report_language
def review_name(ctx: ReportContext) -> str:
    """What the report is, in lower case: "sơ kết phong trào thi đua 6 tháng đầu năm,
    phương hướng nhiệm vụ 6 tháng cuối năm 2024"."""
    kind, part, year = ctx.period_kind, ctx.period_part, ctx.year
    next_kind, next_part, next_year = _next_period(kind, part, year)
    following = _period(next_kind, next_part, next_year)
    current = _period(kind, part, year)
    # Within one year the Vietnamese says the year once, after the next period; the
    # English names both periods in full (`current_full`).
    same_year = next_year == year and kind != "year"
    if kind == "year":
        text = _("tổng kết phong trào thi đua %(current)s, phương hướng nhiệm vụ %(following)s")
    else:
        text = _("sơ kết phong trào thi đua %(current)s, phương hướng nhiệm vụ %(following)s")
    return text % {
        "current": _period_without_year(kind, part, year) if same_year else current,
        "current_full": current,
        "following": following,
    }


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def default_subject(ctx: ReportContext) -> str:
    return _capitalise(review_name(ctx))


def subject_line(ctx: ReportContext) -> str:
    return ctx.subject or default_subject(ctx)


# --- items -------------------------------------------------------------------------

_END_PUNCTUATION = re.compile(r"[\s.;,:]+$")


def _strip_end(text: str) -> str:
    return _END_PUNCTUATION.sub("", text.strip())


def _phrase_vi(spec: IndicatorSpec) -> str:
    if spec.phrase_vi:
        return spec.phrase_vi
    label = spec.label_vi
    return label[:1].lower() + label[1:]


def _phrase_en(spec: IndicatorSpec) -> str:
    return spec.phrase_en or (spec.label_en[:1].lower() + spec.label_en[1:])


def count_phrase(ctx: ReportContext, spec: IndicatorSpec, n: int) -> str:
    """ "03 đề tài cấp tỉnh" / "3 provincial-level research projects"."""
    return counted(
        n,
        ctx.pick(_phrase_vi(spec), _phrase_en(spec)),
        ctx.language,
        singular=ctx.pick("", getattr(spec, "phrase_en_one", "")),
    )


def _unit_count(ctx: ReportContext, unit: str, n: int) -> str:
    return counted(n, ctx.pick(*UNITS[unit]), ctx.language)


def _positive(value: int | None) -> bool:
    return value is not None and value > 0


def _group_indicators(ctx: ReportContext, groups: Iterable[str]) -> list[IndicatorSpec]:
    sections = {s.code: s for s in ctx.catalogue.sections}
    wanted = set(groups)
    return [
        spec
        for spec in ctx.catalogue.indicators
        if spec.section in sections and section_group(spec.section) in wanted
    ]


# Splits whose first part is a selection out of the parent (works entered at school
# level, of which some are sent on to the province): the parent is listed, then that
# part ("396 tác phẩm dự thi cấp trường; 36 tác phẩm gửi dự thi cấp tỉnh"). The other
# parts are its complement and are left to the annex.
SELECTION_SPLITS = frozenset({"sent"})


def _prose_split(ctx: ReportContext, code: str) -> tuple[str, list[IndicatorSpec]]:
    """The split a parent is told by in prose: "main", else the first in catalogue order."""
    splits = ctx.catalogue.splits.get(code)
    if not splits:
        return "", []
    name = "main" if "main" in splits else next(iter(splits))
    return name, splits[name]


def _head_word(spec: IndicatorSpec) -> str:
    words = _phrase_vi(spec).split()
    return words[0].lower() if words else ""


def _listed_items(
    ctx: ReportContext, specs: list[IndicatorSpec], value: Callable[[str], int | None]
) -> list[str]:
    """Count phrases for the top-level flow indicators of `specs` with a positive
    figure, told by their parts one level down when the parts have figures:

    - parts that name themselves ("đề tài cấp tỉnh" under "đề tài nghiên cứu khoa
      học": same head word) replace the parent: "03 đề tài cấp tỉnh; 06 đề tài cấp
      trường";
    - parts that do not ("tiến sĩ" under "cán bộ, giảng viên được cử đi học") follow
      it in brackets: "24 cán bộ, giảng viên được cử đi học (06 tiến sĩ, 12 thạc sĩ)";
    - a selection split (`SELECTION_SPLITS`) keeps the parent and adds its first part.

    Stock indicators (snapshots such as the number of lecturers) stay in the annex.
    """
    items = []
    for spec in specs:
        if spec.parent is not None or spec.kind == "stock":
            continue
        n = value(spec.code)
        split, children = _prose_split(ctx, spec.code)
        parts: list[tuple[IndicatorSpec, int]] = []
        for child in children:
            child_value = value(child.code)
            if child_value is not None and child_value > 0:
                parts.append((child, child_value))
        if split in SELECTION_SPLITS:
            if _positive(n):
                assert n is not None
                items.append(count_phrase(ctx, spec, n))
            if parts and parts[0][0] is children[0]:
                items.append(count_phrase(ctx, *parts[0]))
            continue
        if not parts:
            if _positive(n):
                assert n is not None
                items.append(count_phrase(ctx, spec, n))
            continue
        phrases = [count_phrase(ctx, child, v) for child, v in parts]
        if all(_head_word(child) == _head_word(spec) for child, _ in parts):
            items.extend(phrases)
            continue
        if _positive(n):
            assert n is not None
            head = count_phrase(ctx, spec, n)
        else:
            head = ctx.pick(_phrase_vi(spec), _phrase_en(spec))
        items.append(f"{head} ({', '.join(phrases)})")
    return items


def _training_items(ctx: ReportContext, value: Callable[[str], int | None]) -> list[str]:
    """ "97 lớp/3.864 học viên": the training total only (the first top-level classes
    indicator and its learners); programme breakdowns go to the annex."""
    spec = _classes_total(ctx)
    if spec is None:
        return []
    classes = value(spec.code)
    learners = value(spec.learners_code) if spec.learners_code else None
    parts = []
    if _positive(classes):
        assert classes is not None
        parts.append(_unit_count(ctx, "class", classes))
    if _positive(learners):
        assert learners is not None
        parts.append(_unit_count(ctx, "learner", learners))
    return ["/".join(parts)] if parts else []


def _classes_total(ctx: ReportContext) -> IndicatorSpec | None:
    return next(
        (
            spec
            for spec in _group_indicators(ctx, ("training",))
            if spec.parent is None and spec.unit == "class"
        ),
        None,
    )


def school_items(ctx: ReportContext, school: SchoolFigures) -> list[str]:
    """The items of one school's line, in catalogue order, zero and missing left out."""
    items = _training_items(ctx, school.value)
    items += _listed_items(ctx, _group_indicators(ctx, SCHOOL_LINE_GROUPS), school.value)
    return items


@in_report_language
def school_line(ctx: ReportContext, number: int, school: SchoolFigures, last: bool) -> str:
    items = school_items(ctx, school)
    if not items:
        items = [_("chưa có số liệu")]
    end = "." if last else ";"
    return f"({number}) {ctx.name_of(school)}: {'; '.join(items)}{end}"


def short_of(figure: ClusterFigure) -> int:
    """How many schools a cluster figure is short of (partial, missing, not reported)."""
    return len(figure.partial) + len(figure.missing) + len(figure.not_reported)


def _shown_amount(figure: ClusterFigure, phrase: str) -> str:
    """ "238 lớp", or "ít nhất 191 lớp (2 trường chưa đủ số liệu)" for a lower bound."""
    if figure.state != "partial":
        return phrase
    return _("ít nhất %(amount)s (%(count)s trường chưa đủ số liệu)") % {
        "amount": phrase,
        "count": short_of(figure),
    }


def _headline_unit(ctx: ReportContext, code: str | None, unit: str) -> str | None:
    if code is None:
        return None
    figure = ctx.figure(code)
    if figure.value is None:
        return None
    return _shown_amount(figure, _unit_count(ctx, unit, figure.value))


@in_report_language
def totals_sentence(ctx: ReportContext) -> str | None:
    """ "Trong 6 tháng đầu năm 2024, các trường đã tổ chức đào tạo, bồi dưỡng tổng số
    238 lớp với 12.378 học viên (tổng hợp từ số liệu các trường)." A lower bound says
    so: "ít nhất 191 lớp (2 trường chưa đủ số liệu)". None when the catalogue has no
    classes total or no school has a figure."""
    spec = _classes_total(ctx)
    if spec is None:
        return None
    parts = [
        part
        for part in (
            _headline_unit(ctx, spec.code, "class"),
            _headline_unit(ctx, spec.learners_code, "learner"),
        )
        if part
    ]
    if not parts:
        return None
    return _(
        "%(in_period)s, các trường đã tổ chức đào tạo, bồi dưỡng tổng số %(amount)s "
        "(tổng hợp từ số liệu các trường)."
    ) % {
        "in_period": _in_period(period_phrase(ctx)),
        "amount": _(" với ").join(parts),
    }


# The other headline totals of the cluster (issue 11): theses, articles, research
# projects by level, conferences.
HEADLINE_CODES = ("theses", "articles", "research.projects", "research.conferences")


def _headline_item(ctx: ReportContext, code: str) -> str:
    spec = ctx.catalogue.by_code.get(code)
    if spec is None:
        return _("%(indicator)s: không có trong danh mục năm %(year)s") % {
            "indicator": _headline_name(code),
            "year": ctx.year,
        }
    figure = ctx.figure(code)
    if figure.value is None:
        return _("%(indicator)s: chưa có số liệu") % {
            "indicator": ctx.pick(_phrase_vi(spec), _phrase_en(spec))
        }
    text = _shown_amount(figure, count_phrase(ctx, spec, figure.value))
    if code == "research.projects":
        _split, children = _prose_split(ctx, code)
        levels = []
        for child in children:
            part = ctx.figure(child.code)
            if part.value is not None and part.value > 0:
                phrase = count_phrase(ctx, child, part.value)
                levels.append(
                    _("ít nhất %(amount)s") % {"amount": phrase}
                    if part.state == "partial"
                    else phrase
                )
        if levels:
            text += _(", gồm: %(levels)s") % {"levels": ", ".join(levels)}
    return text


def _headline_name(code: str) -> str:
    names = {
        "theses": _("khóa luận, tiểu luận tốt nghiệp"),
        "articles": _("bài viết khoa học"),
        "research.projects": _("đề tài nghiên cứu khoa học"),
        "research.conferences": _("hội thảo khoa học"),
    }
    return names.get(code, code)


@in_report_language
def headline_sentence(ctx: ReportContext) -> str:
    """The cluster's other headline totals, each said as computed, partial or absent:
    "Tổng hợp từ số liệu các trường, toàn Cụm có: 40 khóa luận…; ít nhất 37 đề tài
    … (2 trường chưa đủ số liệu); …"."""
    items = [_headline_item(ctx, code) for code in HEADLINE_CODES]
    return _("Tổng hợp từ số liệu các trường, toàn Cụm có: %(items)s.") % {
        "items": "; ".join(items)
    }


@in_report_language
def declared_sentence(ctx: ReportContext) -> str | None:
    """The figures the cluster's report declared for the cluster as a whole, said as
    such ("theo báo cáo của cụm"); their gap with the schools' figures is in the
    annex (declared figures table and findings)."""
    items = []
    codes = [spec.code for spec in ctx.catalogue.indicators if spec.code in ctx.declared]
    for code in codes:
        value = ctx.declared[code]
        assert value is not None
        items.append(count_phrase(ctx, ctx.catalogue.by_code[code], value))
    if not items:
        return None
    return _(
        "Theo báo cáo của cụm (số liệu chung của cả Cụm, không chia theo trường): %(items)s."
    ) % {"items": "; ".join(items)}


@in_report_language
def cluster_paragraph(ctx: ReportContext) -> str | None:
    """Staff development and contest totals of the whole cluster, those present only."""
    leads = {
        "staff": _(
            "Công tác xây dựng đội ngũ được các trường quan tâm thực hiện; tổng hợp toàn Cụm"
        ),
        "contest": _("Các trường tích cực tham gia các cuộc thi; tổng hợp toàn Cụm"),
    }
    sentences = []
    for group in CLUSTER_GROUPS:
        items = _listed_items(ctx, _group_indicators(ctx, (group,)), ctx.total)
        if items:
            sentences.append(f"{leads[group]}: {'; '.join(items)}.")
    return " ".join(sentences) or None


# --- narratives ------------------------------------------------------------------------


def _item_text(ctx: ReportContext, item: NarrativeItem) -> str:
    text = _strip_end(ctx.pick(item.text or item.text_en, item.text_en))
    if item.school:
        text += f" ({ctx.school_display_name(item.school)})"
    return text


def _bullets(texts: list[str]) -> list[Paragraph]:
    return [
        Paragraph("bullet", f"- {text}{'.' if i == len(texts) - 1 else ';'}")
        for i, text in enumerate(texts)
    ]


@in_report_language
def task_text(ctx: ReportContext, number: int, item: NarrativeItem) -> str:
    """ "(1) Tổ chức ... (dự kiến tháng 9/2024, do Trường ... chủ trì)."."""
    text = _item_text(ctx, item)
    notes = []
    if item.month:
        default_year = ctx.year + 1 if ctx.period_kind == "year" else ctx.year
        when = format_month(item.month, item.year or default_year, ctx.language)
        notes.append(_("dự kiến %(month)s") % {"month": when})
    if item.owner:
        owner = ctx.school_display_name(item.owner)
        notes.append(_("do %(school)s chủ trì") % {"school": owner})
    if notes:
        text += f" ({', '.join(notes)})"
    return f"({number}) {text}."


def _score_text(ctx: ReportContext, school: str, rank: int | None, score: object) -> str:
    name = ctx.school_display_name(school)
    parts = []
    if score is not None:
        amount = format_number(score, ctx.language)  # type: ignore[arg-type]
        parts.append(_("%(score)s điểm") % {"score": amount})
    if rank is not None:
        # The English says "ranked 1st" (`ordinal`), the Vietnamese "xếp thứ 1".
        parts.append(_("xếp thứ %(rank)s") % {"rank": rank, "ordinal": ordinal_en(rank)})
    return f"{name}: {', '.join(parts)}" if parts else name


def sorted_scoring(ctx: ReportContext) -> list:
    indexed = list(enumerate(ctx.scoring))
    indexed.sort(key=lambda pair: (pair[1].rank is None, pair[1].rank or 0, pair[0]))
    return [row for _position, row in indexed]


# --- the whole body ----------------------------------------------------------------------


def _opening(ctx: ReportContext) -> str:
    standard = (
        _(
            ", đẩy mạnh hoàn thiện các tiêu chí trường chính trị chuẩn theo Quy định số "
            "11-QĐ/TW ngày 19/5/2021 của Ban Bí thư Trung ương Đảng"
        )
        if ctx.year >= 2021
        else ""
    )
    return _(
        "Thực hiện phong trào thi đua “%(movement)s” do Giám đốc %(academy)s phát động, "
        "trong %(period)s, %(schools)s thuộc %(cluster)s đã tích cực thi đua thực hiện "
        "nhiệm vụ chính trị được giao%(standard)s. Cụm thi đua báo cáo %(review)s như sau:"
    ) % {
        "movement": ctx.movement_name,
        "academy": ctx.academy,
        "period": period_phrase(ctx),
        "schools": counted(len(ctx.schools), _("trường"), ctx.language),
        "cluster": ctx.cluster_name,
        "standard": standard,
        "review": review_name(ctx),
    }


def _closing(ctx: ReportContext) -> str:
    return _(
        "Trên đây là báo cáo %(review)s của %(cluster)s, kính báo cáo %(academy)s xem xét, "
        "chỉ đạo./."
    ) % {"review": review_name(ctx), "cluster": ctx.cluster_name, "academy": ctx.academy}


@in_report_language
def build_paragraphs(ctx: ReportContext) -> list[Paragraph]:
    out: list[Paragraph] = [Paragraph("body", _opening(ctx))]
    roman = iter(ROMAN)

    def heading(text: str) -> None:
        out.append(Paragraph("heading1", f"{next(roman)}. {text.upper()}"))

    period = {"period": period_phrase(ctx)}
    # I. Results
    heading(_("Kết quả thực hiện phong trào thi đua %(period)s") % period)
    opening_items = [_item_text(ctx, item) + "." for item in ctx.narratives.opening]
    results: list[Paragraph] = []
    sentence = totals_sentence(ctx)
    headline = headline_sentence(ctx)
    declared = declared_sentence(ctx)
    lead = " ".join(text for text in (sentence, headline, declared) if text)
    results.append(Paragraph("body", f"{lead} {_('Kết quả cụ thể của các trường như sau:')}"))
    for index, school in enumerate(ctx.schools, start=1):
        results.append(
            Paragraph("item", school_line(ctx, index, school, index == len(ctx.schools)))
        )
    cluster = cluster_paragraph(ctx)
    parts: list[tuple[str, list[Paragraph]]] = []
    if opening_items:
        parts.append((_("Đánh giá chung"), [Paragraph("body", t) for t in opening_items]))
    parts.append((_("Đào tạo, bồi dưỡng và nghiên cứu khoa học"), results))
    if cluster:
        parts.append((_("Xây dựng đội ngũ và tham gia các cuộc thi"), [Paragraph("body", cluster)]))
    for number, (title, paragraphs) in enumerate(parts, start=1):
        if len(parts) > 1:
            out.append(Paragraph("heading2", f"{number}. {title}"))
        out.extend(paragraphs)

    # II. Limitations
    limitations = [_item_text(ctx, item) for item in ctx.narratives.limitations]
    if limitations:
        heading(_("Hạn chế và nguyên nhân"))
        out.append(
            Paragraph(
                "body",
                _(
                    "Bên cạnh những kết quả đạt được, phong trào thi đua của Cụm vẫn còn "
                    "một số hạn chế:"
                ),
            )
        )
        out.extend(_bullets(limitations))

    # III. Proposals
    proposals = [_item_text(ctx, item) for item in ctx.narratives.proposals]
    if proposals:
        heading(_("Kiến nghị, đề xuất"))
        out.append(
            Paragraph(
                "body",
                _("Cụm thi đua kiến nghị, đề xuất với %(academy)s một số nội dung sau:")
                % {"academy": ctx.academy},
            )
        )
        out.extend(_bullets(proposals))

    # IV. Key tasks
    tasks = ctx.narratives.next_tasks
    if tasks:
        following = next_period_phrase(ctx)
        heading(_("Nhiệm vụ trọng tâm %(period)s") % {"period": following})
        out.append(
            Paragraph(
                "body",
                _("%(in_period)s, Cụm thi đua tập trung thực hiện các nhiệm vụ trọng tâm sau:")
                % {"in_period": _in_period(following)},
            )
        )
        out.extend(
            Paragraph("item", task_text(ctx, number, item))
            for number, item in enumerate(tasks, start=1)
        )

    # V. Scoring
    if ctx.scoring or ctx.narratives.scoring:
        heading(_("Kết quả chấm điểm, bình xét thi đua %(period)s") % period)
        if ctx.scoring:
            out.append(
                Paragraph(
                    "body",
                    _(
                        "Trên cơ sở kết quả chấm điểm, bình xét thi đua của các trường, kết "
                        "quả xếp hạng như sau:"
                    ),
                )
            )
            out.extend(
                _bullets([_score_text(ctx, r.school, r.rank, r.score) for r in sorted_scoring(ctx)])
            )
        out.extend(
            Paragraph("body", _item_text(ctx, item) + ".") for item in ctx.narratives.scoring
        )

    out.append(Paragraph("body", _closing(ctx)))
    return out
