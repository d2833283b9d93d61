"""Every interface string (Vietnamese, the source language) has an English translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Every package whose words reach a user (the layers of [tool.importlinter]).
PACKAGES = [
    "core",
    "hub",
    "tenants",
    "catalogue",
    "submissions",
    "imports",
    "aggregation",
    "rankings",
    "reviews",
    "administration",
    "api",
]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext"}
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+"([^"]+)"|{%\s*translate\s+'([^']+)'""")
BLOCK_TAG = re.compile(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", re.S)
BLOCK_VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def python_messages() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in GETTEXT_NAMES
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return found


def template_messages() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "hub" / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= {a or b for a, b in TRANSLATE_TAG.findall(text)}
        found |= {BLOCK_VARIABLE.sub(r"%(\1)s", block) for block in BLOCK_TAG.findall(text)}
    return found


def english_catalogue() -> dict[str, str]:
    with (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id}


def test_every_interface_string_has_an_english_translation():
    english = english_catalogue()
    missing = sorted(m for m in python_messages() | template_messages() if not english.get(m))
    assert missing == [], "\n".join(missing)
