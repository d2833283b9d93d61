"""Compiles the .po catalogues into the .mo files Django reads.

Vietnamese is the interface's source language; `locale/en` holds the English
translation. The .mo files are build output, so they are not committed: they are
compiled on start-up when missing or older than their .po (a stat per catalogue).
"""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

logger = logging.getLogger(__name__)


def compile_translations(locale_dir: Path) -> list[Path]:
    compiled: list[Path] = []
    for po_path in locale_dir.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        try:
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
        except OSError as error:
            logger.warning("Cannot write %s (%s); English pages will fall back.", mo_path, error)
            continue
        compiled.append(mo_path)
    return compiled
