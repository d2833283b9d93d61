"""The language the current user reads: one helper for the whole hub.

Django's translation machinery holds the active language; code that must choose
between a model's `_vi`/`_en` fields asks here instead of testing the code itself.
"""

from __future__ import annotations

from typing import Literal

from django.utils.translation import get_language

Language = Literal["vi", "en"]


def current_language() -> Language:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def normalise(language: str | None = None) -> Language:
    """A language code as the hub reads it: "en", "en-us", "en_GB" are English, any
    other code Vietnamese; none given, the current language."""
    if language is None:
        return current_language()
    return "en" if language.lower().startswith("en") else "vi"


def pick(vi: str, en: str | None, language: str | None = None) -> str:
    """The label in the current language (or in `language`, "vi" or "en", for a
    document that carries its own); Vietnamese when the English is missing.
    A document built for a language is built inside `translation.override(language)`,
    so gettext and this agree."""
    return {"vi": vi, "en": en or vi}[normalise(language)]
