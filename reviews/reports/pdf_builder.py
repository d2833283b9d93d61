"""The cluster review report as a PDF (reportlab platypus), laid out like the DOCX.

The font is embedded: Liberation Serif (metric-compatible with Times New Roman) or,
failing that, DejaVu Serif, both with full Vietnamese coverage (see `fonts.py`).
A4 portrait for the report, A4 landscape for the annex; page numbers at the top
centre from page 2 on. Built with reportlab's invariant mode, so the same context
gives the same bytes.
"""

from __future__ import annotations

import io
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from .context import LANGUAGE_TAGS, ReportContext, in_report_language
from .document import (
    HEADER_BLOCK_PT,
    HEADER_LEFT_CM,
    HEADER_WIDTH_CM,
    AnnexTable,
    ReportDocument,
    clean_text,
    compose,
)
from .fonts import serif_family

FAMILY = "CumHubSerif"
BODY_PT = 14
LEFT, RIGHT, TOP, BOTTOM = 3 * cm, 1.5 * cm, 2 * cm, 2 * cm
ANNEX_MARGIN = 2 * cm
TEXT_WIDTH = A4[0] - LEFT - RIGHT
ANNEX_WIDTH = landscape(A4)[0] - 2 * ANNEX_MARGIN


@cache
def register_fonts() -> str:
    """Register the serif family once per process; returns its family name."""
    family = serif_family()
    faces = {
        FAMILY: family.regular,
        f"{FAMILY}-Bold": family.bold,
        f"{FAMILY}-Italic": family.italic,
        f"{FAMILY}-BoldItalic": family.bold_italic,
    }
    for name, path in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=FAMILY,
        bold=f"{FAMILY}-Bold",
        italic=f"{FAMILY}-Italic",
        boldItalic=f"{FAMILY}-BoldItalic",
    )
    return FAMILY


def _style(name: str, size: float = BODY_PT, **kwargs) -> ParagraphStyle:
    kwargs.setdefault("fontName", FAMILY)
    kwargs.setdefault("leading", size * 1.25)
    return ParagraphStyle(name, fontSize=size, **kwargs)


def _styles() -> dict[str, ParagraphStyle]:
    bold, italic = f"{FAMILY}-Bold", f"{FAMILY}-Italic"
    return {
        "issuer": _style("issuer", HEADER_BLOCK_PT, alignment=TA_CENTER, leading=16),
        "issuer_bold": _style(
            "issuer_bold", HEADER_BLOCK_PT, fontName=bold, alignment=TA_CENTER, leading=16
        ),
        "party": _style("party", 15, fontName=bold, alignment=TA_CENTER),
        "number": _style("number", alignment=TA_CENTER),
        "date": _style("date", fontName=italic, alignment=TA_CENTER),
        "title": _style("title", 16, fontName=bold, alignment=TA_CENTER, spaceBefore=20),
        "subject": _style("subject", fontName=bold, alignment=TA_CENTER),
        "rule": _style("rule", alignment=TA_CENTER, spaceAfter=10),
        "body": _style(
            "body", alignment=TA_JUSTIFY, firstLineIndent=1 * cm, spaceAfter=6, leading=19
        ),
        "heading": _style(
            "heading",
            fontName=bold,
            alignment=TA_LEFT,
            firstLineIndent=1 * cm,
            spaceAfter=6,
            leading=19,
        ),
        "recipients_label": _style(
            "recipients_label", 12, fontName=f"{FAMILY}-BoldItalic", alignment=TA_LEFT
        ),
        "recipient": _style("recipient", 11, alignment=TA_LEFT),
        "signer": _style("signer", fontName=bold, alignment=TA_CENTER),
        "signer_school": _style("signer_school", 13, alignment=TA_CENTER),
        "annex_title": _style("annex_title", fontName=bold, alignment=TA_CENTER),
        "annex_subtitle": _style("annex_subtitle", 13, fontName=italic, alignment=TA_CENTER),
        "caption": _style("caption", 12, fontName=bold, spaceBefore=10, spaceAfter=4),
        "cell": _style("cell", 10.5, leading=12.5),
        "cell_head": _style("cell_head", 10.5, fontName=bold, leading=12.5, alignment=TA_CENTER),
        "note": _style("note", 11, fontName=italic, spaceBefore=8),
    }


def _p(text: str, style: ParagraphStyle, bold: bool = False) -> Paragraph:
    markup = escape(clean_text(text))
    return Paragraph(f"<b>{markup}</b>" if bold else markup, style)


def _lines(lines: tuple[str, ...], style: ParagraphStyle) -> Paragraph:
    """The balanced line breaks of `compose`, kept."""
    markup = "<br/>".join(escape(clean_text(line)) for line in lines)
    return Paragraph(markup, style)


def _plain_table(data, widths) -> Table:
    table = Table(data, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _header_block(model: ReportDocument, st: dict[str, ParagraphStyle]) -> Table:
    left = [
        _lines(model.parent_body_lines, st["issuer"]),
        _lines(model.issuer_lines, st["issuer_bold"]),
        _p(model.separator, st["issuer"]),
    ]
    party = ParagraphStyle("party_fit", parent=st["party"], fontSize=model.party_pt)
    right = [Paragraph(f"<u>{escape(model.party_line)}</u>", party)]
    data = [
        [left, right],
        [_p(model.number_line, st["number"]), _p(model.date_line, st["date"])],
    ]
    return _plain_table(data, [HEADER_LEFT_CM * cm, (HEADER_WIDTH_CM - HEADER_LEFT_CM) * cm])


def _closing_block(model: ReportDocument, st: dict[str, ParagraphStyle]) -> Table:
    left = [_p(model.recipients_label, st["recipients_label"])]
    left += [_p(line, st["recipient"]) for line in model.recipients]
    capacity, title, school = model.signer_lines
    right = [
        _p(capacity, st["signer"]),
        _p(title, st["signer"]),
        _p(school, st["signer_school"]),
        Spacer(1, 2.6 * cm),
    ]
    if model.signer_name:
        right.append(_p(model.signer_name, st["signer"]))
    return _plain_table([[left, right]], [8.0 * cm, TEXT_WIDTH - 8.0 * cm])


def _annex_table(table_model: AnnexTable, st: dict[str, ParagraphStyle]) -> list:
    """Header and text cells are Paragraphs (they wrap); numbers and the row number are
    plain strings styled by the table, several times faster for wide tables."""
    widths = [w * cm for w in table_model.fitted_widths(ANNEX_WIDTH / cm)]
    data: list[list] = [[_p(label, st["cell_head"]) for label in table_model.header]]
    last = len(table_model.rows) - 1
    plain = [table_model.numeric[i] or i == 0 for i in range(len(table_model.header))]
    for row_index, values in enumerate(table_model.rows):
        bold = table_model.has_total_row and row_index == last
        data.append(
            [
                clean_text(value) if plain[index] else _p(value, st["cell"], bold=bold)
                for index, value in enumerate(values)
            ]
        )
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 1), (-1, -1), FAMILY, 10.5, 12.5),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for index, numeric in enumerate(table_model.numeric):
        if numeric:
            style.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
        elif index == 0:
            style.append(("ALIGN", (index, 1), (index, -1), "CENTER"))
    if table_model.has_total_row:
        style.append(("FONT", (0, -1), (-1, -1), f"{FAMILY}-Bold", 10.5, 12.5))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    # Caption and table move to the next page together (a long table still splits,
    # repeating its header row).
    return [KeepTogether([_p(table_model.caption, st["caption"]), table])]


def _page_number(canvas, doc) -> None:
    page = canvas.getPageNumber()
    if page < 2:
        return
    width, height = canvas._pagesize
    canvas.saveState()
    canvas.setFont(FAMILY, 13)
    canvas.drawCentredString(width / 2, height - 1.3 * cm, str(page))
    canvas.restoreState()


@in_report_language
def build_pdf(context: ReportContext) -> bytes:
    register_fonts()
    model = compose(context)
    st = _styles()
    buffer = io.BytesIO()
    portrait_frame = Frame(
        LEFT, BOTTOM, TEXT_WIDTH, A4[1] - TOP - BOTTOM, id="portrait", leftPadding=0,
        rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    wide = landscape(A4)
    landscape_frame = Frame(
        ANNEX_MARGIN, ANNEX_MARGIN, ANNEX_WIDTH, wide[1] - 2 * ANNEX_MARGIN, id="landscape",
        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
    )  # fmt: skip
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[
            PageTemplate("portrait", [portrait_frame], onPage=_page_number, pagesize=A4),
            PageTemplate("landscape", [landscape_frame], onPage=_page_number, pagesize=wide),
        ],
        title=f"{model.title} {model.subject}",
        author=context.lead_school,
        subject=model.subject,
        creator="Cụm Hub",
        keywords=[context.period_code] + ([context.fingerprint] if context.fingerprint else []),
        lang=LANGUAGE_TAGS[context.language],
        invariant=1,
    )
    story: list = [_header_block(model, st)]
    story.append(_p(model.title, st["title"]))
    story.append(_lines(model.subject_lines, st["subject"]))
    story.append(_p("-----", st["rule"]))
    body = [
        _p(p.text, st["heading" if p.kind in ("heading1", "heading2") else "body"])
        for p in model.paragraphs
    ]
    story += body[:-1]
    # The closing sentence never leaves the signature block alone on a page.
    story.append(KeepTogether([*body[-1:], Spacer(1, 0.4 * cm), _closing_block(model, st)]))
    if model.tables or model.annex_notes:
        story += [NextPageTemplate("landscape"), PageBreak()]
        story.append(_p(model.annex_title, st["annex_title"]))
        story.append(_p(model.annex_subtitle, st["annex_subtitle"]))
        for table_model in model.tables:
            story += _annex_table(table_model, st)
        story += [_p(note, st["note"]) for note in model.annex_notes]
    doc.build(story)
    return buffer.getvalue()
