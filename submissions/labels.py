"""Match indicator labels typed by people to catalogue codes.

Schools fill spreadsheets by hand: they retype labels, drop the code column, lose
diacritics (a keyboard without Telex, a copy through a plain-text e-mail), or paste
text whose diacritics are decomposed (NFD, common from macOS and some PDF readers).
`normalise_label` folds all of these to one key; `LabelIndex` maps keys to codes and
refuses to guess when two indicators share a key.

Pure: no Django, no database. Takes a `catalogue.spec.Catalogue`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from catalogue.spec import UNITS, Catalogue

__all__ = ["LabelIndex", "LabelMatch", "normalise_label"]

# Anything that is not a letter or a digit separates words.
_SEPARATORS = re.compile(r"[\W_]+", re.UNICODE)

# Enumerators that people put in front of a label when they copy it from a report:
# "1.", "1.2.", "2)", "a)", "b.", "IV.", "-", "+", "•".
_LEADING_ENUMERATOR = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*[.)]?|[a-zđ][.)]|[ivxlc]+[.)]|[-–—+*•·])\s+",
    re.IGNORECASE,
)


# A trailing "(lớp)" / "(learners)" unit hint, as in "Số lớp TCLLCT (lớp)".
_TRAILING_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)\s*$")


def normalise_label(text: str) -> str:
    """Case-, spacing-, punctuation- and diacritic-insensitive key.

    "Số lớp TCLLCT–HC (tập trung)" → "so lop tcllct hc tap trung".
    "Đề tài cấp tỉnh" → "de tai cap tinh" (đ has no decomposition; mapped by hand).
    """
    # NFKC first folds compatibility forms (full-width letters, non-breaking spaces),
    # then NFD splits every letter from its marks, which are dropped.
    text = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text))
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return _SEPARATORS.sub(" ", text).strip()


def _strip_enumerator(text: str) -> str:
    return _LEADING_ENUMERATOR.sub("", text, count=1)


_UNIT_WORDS = frozenset(
    normalise_label(word) for words in UNITS.values() for word in words
) | frozenset({"don vi", "unit"})


def _strip_unit_hint(text: str) -> str:
    found = _TRAILING_PARENTHESIS.search(text)
    if found and normalise_label(found.group(1)) in _UNIT_WORDS:
        return text[: found.start()]
    return text


@dataclass(frozen=True)
class LabelMatch:
    """Outcome of a lookup: one code, or the codes that made it ambiguous, or neither."""

    code: str | None
    ambiguous: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.code is not None


class LabelIndex:
    """Find an indicator code from its Vietnamese (or English) label.

    Keys are `normalise_label` of the catalogue's labels. Lookup order, the first
    step that finds the key wins:
      1. Vietnamese labels;
      2. English labels;
      3. both again with a leading enumerator ("1.2.", "a)", "-") and a trailing
         unit hint ("(lớp)", "(learners)") removed.
    A key shared by two codes is ambiguous: the lookup stops there and answers no
    code, listing the candidates. This holds even when the text carries exact
    diacritics: Vietnamese has two accepted tone-mark placements ("tọa"/"toạ",
    "hòa"/"hoà"), so a diacritic-level difference is not a safe way to tell two
    indicators apart. `ambiguous_labels` lists such keys so a catalogue check can
    refuse them.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        order = {indicator.code: indicator.order for indicator in catalogue.indicators}
        vi: dict[str, set[str]] = defaultdict(set)
        en: dict[str, set[str]] = defaultdict(set)
        for indicator in catalogue.indicators:
            if indicator.label_vi:
                vi[normalise_label(indicator.label_vi)].add(indicator.code)
            if indicator.label_en:
                en[normalise_label(indicator.label_en)].add(indicator.code)

        def freeze(index: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
            return {
                key: tuple(sorted(codes, key=order.__getitem__))
                for key, codes in index.items()
                if key
            }

        self._indexes = (freeze(vi), freeze(en))

    @property
    def ambiguous_labels(self) -> dict[str, tuple[str, ...]]:
        """Normalised labels (Vietnamese or English) shared by several codes."""
        shared: dict[str, tuple[str, ...]] = {}
        for index in self._indexes:
            for key, codes in index.items():
                if len(codes) > 1:
                    shared[key] = codes
        return shared

    def lookup(self, text: object) -> LabelMatch:
        if text is None:
            return LabelMatch(None)
        raw = str(text)
        trimmed = _strip_unit_hint(_strip_enumerator(raw))
        for candidate in (raw, trimmed) if trimmed != raw else (raw,):
            key = normalise_label(candidate)
            if not key:
                continue
            for index in self._indexes:
                codes = index.get(key)
                if not codes:
                    continue
                if len(codes) == 1:
                    return LabelMatch(codes[0])
                return LabelMatch(None, ambiguous=codes)
        return LabelMatch(None)

    def match(self, text: object) -> str | None:
        """The code whose label this is, or None (unknown or ambiguous)."""
        return self.lookup(text).code

    def is_ambiguous(self, text: object) -> bool:
        return bool(self.lookup(text).ambiguous)
