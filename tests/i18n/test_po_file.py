"""The English catalogue stays one entry per message: parallel branches append to it
(git merges it as a union), and a duplicate would silently pick one translation."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^(?:msgctxt "((?:[^"\\]|\\.)*)"\n)?msgid ((?:"(?:[^"\\]|\\.)*"\n?)+)', re.M)


def test_no_message_is_translated_twice():
    keys = []
    for entry in PO.read_text(encoding="utf-8").split("\n\n"):
        match = ENTRY.search(entry)
        if match:
            message = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(2)))
            if message:
                keys.append((match.group(1), message))
    assert [key for key, count in Counter(keys).items() if count > 1] == []
