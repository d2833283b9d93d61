"""Finding a serif TrueType family with full Vietnamese coverage for the PDF.

The DOCX names "Times New Roman" and lets Word (or LibreOffice, which maps it to
Liberation Serif) pick the glyphs. The PDF embeds its font, so it needs real files:
Liberation Serif first (metric-compatible with Times New Roman), then DejaVu Serif.

Only Liberation 2.x covers Vietnamese: on Debian/Ubuntu that is the package
`fonts-liberation2` (folder truetype/liberation2). The older `fonts-liberation`
(1.07, folder truetype/liberation) lacks ư, ơ's tones, ạ, ọ ... and would print
blanks, so every candidate family is checked for Vietnamese coverage before use
and skipped when it falls short. Set `CUM_HUB_REPORT_FONT_DIR` to a folder holding
one of these families to look there first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_DIR_ENV = "CUM_HUB_REPORT_FONT_DIR"

# (family name, file names for regular, bold, italic, bold italic)
FAMILIES: tuple[tuple[str, tuple[str, str, str, str]], ...] = (
    (
        "Liberation Serif",
        (
            "LiberationSerif-Regular.ttf",
            "LiberationSerif-Bold.ttf",
            "LiberationSerif-Italic.ttf",
            "LiberationSerif-BoldItalic.ttf",
        ),
    ),
    (
        "DejaVu Serif",
        (
            "DejaVuSerif.ttf",
            "DejaVuSerif-Bold.ttf",
            "DejaVuSerif-Italic.ttf",
            "DejaVuSerif-BoldItalic.ttf",
        ),
    ),
)

SEARCH_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/liberation",
    "/usr/share/fonts/liberation-serif",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/dejavu-serif-fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)


# Letters a Vietnamese font must have (precomposed, as NFC text carries them).
VIETNAMESE_SAMPLE = (
    "ĂăÂâĐđÊêÔôƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệ"
    "ỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"
)


class FontNotFoundError(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    has_italic: bool = True


def _search_dirs() -> list[Path]:
    dirs = [Path(d) for d in SEARCH_DIRS]
    override = os.environ.get(FONT_DIR_ENV)
    if override:
        dirs.insert(0, Path(override))
    return dirs


def missing_vietnamese(path: Path) -> str:
    """The letters of `VIETNAMESE_SAMPLE` that the font file has no glyph for."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    cmap = TTFontFile(str(path)).charToGlyph
    return "".join(ch for ch in VIETNAMESE_SAMPLE if ord(ch) not in cmap)


def _locate_covering(file_name: str, dirs: list[Path], rejected: list[str]) -> Path | None:
    for directory in dirs:
        candidate = directory / file_name
        if not candidate.is_file():
            continue
        missing = missing_vietnamese(candidate)
        if not missing:
            return candidate
        rejected.append(f"{candidate} (no glyph for {missing[:12]}...)")
    return None


def find_serif_family(dirs: list[Path] | None = None) -> FontFamily:
    """The first family of `FAMILIES` whose regular and bold faces are present and
    cover Vietnamese. Missing italic faces fall back to the upright ones (Debian's
    fonts-dejavu-core has DejaVu Serif regular and bold only; the italics are in
    fonts-dejavu-extra): the date line then prints upright rather than not at all."""
    search = dirs if dirs is not None else _search_dirs()
    rejected: list[str] = []
    for name, files in FAMILIES:
        regular, bold, italic, bold_italic = (
            _locate_covering(file_name, search, rejected) for file_name in files
        )
        if regular is not None and bold is not None:
            return FontFamily(
                name,
                regular,
                bold,
                italic or regular,
                bold_italic or bold,
                has_italic=italic is not None and bold_italic is not None,
            )
    tried = ", ".join(str(d) for d in search)
    skipped = f" Skipped for missing Vietnamese letters: {'; '.join(rejected)}." if rejected else ""
    raise FontNotFoundError(
        "No serif font with Vietnamese coverage was found for the PDF report "
        f"(looked for Liberation Serif, then DejaVu Serif, in: {tried}).{skipped} "
        "Install Debian's fonts-liberation2 (apt-get install -y fonts-liberation2; the "
        "older fonts-liberation 1.x lacks Vietnamese) or fonts-dejavu-core, "
        f"or point {FONT_DIR_ENV} at a folder holding LiberationSerif-*.ttf 2.x."
    )


@cache
def serif_family() -> FontFamily:
    return find_serif_family()
