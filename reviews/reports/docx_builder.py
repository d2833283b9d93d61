"""The cluster review report as a Word document in the Party document format.

A4 portrait, margins top 2 cm, bottom 2 cm, left 3 cm, right 1.5 cm; Times New Roman
throughout (ascii, hAnsi, eastAsia and cs fonts all set, so Word keeps it for
Vietnamese); body 14 pt justified with a 1 cm first-line indent. The header block is
a borderless two-column table: the Academy above the cluster (bold), the separator
star and "Số 01-BC/CTĐ" on the left; "ĐẢNG CỘNG SẢN VIỆT NAM" bold and underlined and
the place/date line in italics on the right. Page numbers sit at the top centre from
page 2 on. The annex is a landscape A4 section with the figures, completeness,
findings and scoring tables.
"""

from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from .context import LANGUAGE_TAGS, ReportContext, in_report_language
from .document import (
    ANNEX_WIDTH_CM,
    HEADER_BLOCK_PT,
    HEADER_LEFT_CM,
    HEADER_WIDTH_CM,
    SUBJECT_PT,
    TEXT_WIDTH_CM,
    AnnexTable,
    ReportDocument,
    clean_text,
    compose,
)
from .reproducible_zip import normalise_zip

FONT = "Times New Roman"
BODY_PT = 14
FIRST_LINE_INDENT = Cm(1.0)
PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Cm(2), Cm(2), Cm(3), Cm(1.5)
ANNEX_MARGIN = Cm(2)
KEEP_TOGETHER_ROWS = 20
CELL_STYLE = "Annex Table Cell"

# Child order of w:tblPr and w:trPr in the OOXML schema.
TBL_PR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
)  # fmt: skip
TR_PR_ORDER = (
    "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
    "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden",
)  # fmt: skip


def _insert_ordered(parent, child, order: tuple[str, ...]) -> None:
    """Insert `child` where the OOXML schema wants it (Word rejects misordered XML)."""
    name = child.tag.split("}")[-1]
    for existing in parent.findall(child.tag):
        parent.remove(existing)
    later = order[order.index(name) + 1 :]
    for element in parent:
        if element.tag.split("}")[-1] in later:
            element.addprevious(child)
            return
    parent.append(child)


# --- low-level helpers ---------------------------------------------------------------


def _set_fonts(rpr_parent) -> None:
    """Times New Roman for every script slot of a run or style."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _run(
    paragraph,
    text: str,
    size: float = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
):
    run = paragraph.add_run(clean_text(text))
    font = run.font
    font.name = FONT
    font.size = Pt(size)
    if bold:
        font.bold = True
    if italic:
        font.italic = True
    if underline:
        font.underline = True
    _set_fonts(run._element)
    return run


def _paragraph(container, align=WD_ALIGN_PARAGRAPH.JUSTIFY, *, indent: bool = False, after=0):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.first_line_indent = FIRST_LINE_INDENT if indent else Cm(0)
    return paragraph


def _cell_paragraph(cell, first: list[bool], align=WD_ALIGN_PARAGRAPH.CENTER):
    """The cell's own first paragraph, then new ones."""
    if first[0]:
        first[0] = False
        paragraph = cell.paragraphs[0]
    else:
        paragraph = cell.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.first_line_indent = Cm(0)
    fmt.line_spacing = 1.0
    return paragraph


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    _insert_ordered(tbl_pr, borders, TBL_PR_ORDER)


def _fixed_widths(table, widths_cm: list[float]) -> None:
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _insert_ordered(table._tbl.tblPr, layout, TBL_PR_ORDER)
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)
    for tr in table._tbl.tr_lst:
        for tc, width in zip(tr.tc_lst, widths_cm, strict=True):
            _Cell(tc, table).width = Cm(width)


def _row_flag(row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{tag}")
    _insert_ordered(tr_pr, element, TR_PR_ORDER)


def _page_field(paragraph, size: float) -> None:
    """A PAGE field (Word fills in the number)."""

    def fld_char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    begin = _run(paragraph, "", size)
    begin._element.append(fld_char("begin"))
    instr = _run(paragraph, "", size)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = " PAGE "
    instr._element.append(text)
    separate = _run(paragraph, "", size)
    separate._element.append(fld_char("separate"))
    _run(paragraph, "2", size)
    end = _run(paragraph, "", size)
    end._element.append(fld_char("end"))


# --- document parts ------------------------------------------------------------------


def _styles(document, language: str) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), LANGUAGE_TAGS[language])
    lang.set(qn("w:eastAsia"), LANGUAGE_TAGS[language])
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(0)
    cell = document.styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.name = FONT
    cell.font.size = Pt(11)
    _set_fonts(cell.element)
    cell_format = cell.paragraph_format
    cell_format.space_before = cell_format.space_after = Pt(0)
    cell_format.first_line_indent = Cm(0)
    cell_format.line_spacing = 1.0
    # Document defaults too, so tables and headers never fall back to Calibri.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is None:
                fonts = OxmlElement("w:rFonts")
                rpr.insert(0, fonts)
            for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(slot), FONT)
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(theme), None)


def _portrait(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(1.0)


def _page_numbers(section) -> None:
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(paragraph, BODY_PT)


def _lines(paragraph, lines: tuple[str, ...], size: float, **style) -> None:
    """One run per line with line breaks between: the balanced breaks of `compose`."""
    for index, line in enumerate(lines):
        run = _run(paragraph, line, size, **style)
        if index < len(lines) - 1:
            run.add_break()


def _header_block(document, model: ReportDocument) -> None:
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _fixed_widths(table, [HEADER_LEFT_CM, HEADER_WIDTH_CM - HEADER_LEFT_CM])

    left, right = table.cell(0, 0), table.cell(0, 1)
    first = [True]
    _lines(_cell_paragraph(left, first), model.parent_body_lines, HEADER_BLOCK_PT)
    _lines(_cell_paragraph(left, first), model.issuer_lines, HEADER_BLOCK_PT, bold=True)
    _run(_cell_paragraph(left, first), model.separator, HEADER_BLOCK_PT)
    first = [True]
    _run(_cell_paragraph(right, first), model.party_line, model.party_pt, bold=True, underline=True)

    first = [True]
    number = _cell_paragraph(table.cell(1, 0), first)
    number.paragraph_format.space_before = Pt(2)
    _run(number, model.number_line, BODY_PT)
    first = [True]
    date_line = _cell_paragraph(table.cell(1, 1), first)
    date_line.paragraph_format.space_before = Pt(2)
    _run(date_line, model.date_line, BODY_PT, italic=True)
    for cell in (table.cell(0, 0), table.cell(0, 1)):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _title(document, model: ReportDocument) -> None:
    title = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.space_before = Pt(24)
    _run(title, model.title, 16, bold=True)
    subject = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER)
    _lines(subject, model.subject_lines, SUBJECT_PT, bold=True)
    rule = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _run(rule, "-----", BODY_PT)


def _body(document, model: ReportDocument) -> None:
    last = len(model.paragraphs) - 1
    for index, paragraph in enumerate(model.paragraphs):
        heading = paragraph.kind in ("heading1", "heading2")
        # Headings flush left (justifying a short capitals line spreads it thin).
        align = WD_ALIGN_PARAGRAPH.LEFT if heading else WD_ALIGN_PARAGRAPH.JUSTIFY
        out = _paragraph(document, align, indent=True, after=6)
        out.paragraph_format.line_spacing = 1.15
        if paragraph.kind == "heading1":
            out.paragraph_format.space_before = Pt(6)
            out.paragraph_format.keep_with_next = True
        elif paragraph.kind == "heading2" or index == last:
            # Headings stay with their text, the closing sentence with the signature.
            out.paragraph_format.keep_with_next = True
        _run(out, paragraph.text, BODY_PT, bold=heading)


def _closing_block(document, model: ReportDocument) -> None:
    spacer = _paragraph(document)
    spacer.paragraph_format.space_after = Pt(6)
    spacer.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _fixed_widths(table, [8.0, TEXT_WIDTH_CM - 8.0])
    _row_flag(table.rows[0], "cantSplit")

    left, right = table.cell(0, 0), table.cell(0, 1)
    first = [True]
    _run(
        _cell_paragraph(left, first, WD_ALIGN_PARAGRAPH.LEFT),
        model.recipients_label,
        12,
        bold=True,
        italic=True,
    )
    for line in model.recipients:
        _run(_cell_paragraph(left, first, WD_ALIGN_PARAGRAPH.LEFT), line, 11)

    first = [True]
    capacity, title, school = model.signer_lines
    _run(_cell_paragraph(right, first), capacity, BODY_PT, bold=True)
    _run(_cell_paragraph(right, first), title, BODY_PT, bold=True)
    _run(_cell_paragraph(right, first), school, 13)
    for _ in range(4):
        _cell_paragraph(right, first)
    if model.signer_name:
        _run(_cell_paragraph(right, first), model.signer_name, BODY_PT, bold=True)


def _cell_xml(
    text: str, width: int, align: str, *, bold: bool, keep: bool, shade: bool, style_id: str
) -> str:
    shading = '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>' if shade else ""
    keep_next = "<w:keepNext/>" if keep else ""
    weight = "<w:rPr><w:b/></w:rPr>" if bold else ""
    body = xml_escape(clean_text(text))
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}'
        '<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{keep_next}<w:jc w:val="{align}"/></w:pPr>'
        f'<w:r>{weight}<w:t xml:space="preserve">{body}</w:t></w:r></w:p></w:tc>'
    )


def _annex_table(document, table_model: AnnexTable) -> None:
    """Rows are written as XML directly: python-docx's element-by-element API costs
    about a millisecond per cell, which adds up for a dozen schools × forty indicators."""
    caption = _paragraph(document, WD_ALIGN_PARAGRAPH.LEFT, after=4)
    caption.paragraph_format.space_before = Pt(10)
    caption.paragraph_format.keep_with_next = True
    _run(caption, table_model.caption, 12, bold=True)

    widths_cm = table_model.fitted_widths(ANNEX_WIDTH_CM)
    table = document.add_table(rows=0, cols=len(table_model.header))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT  # under its caption
    _fixed_widths(table, widths_cm)
    widths = [round(w / 2.54 * 1440) for w in widths_cm]  # twips
    style_id = document.styles[CELL_STYLE].style_id
    keep_all = len(table_model.rows) <= KEEP_TOGETHER_ROWS
    last = len(table_model.rows) - 1
    # Row -1 is the header.
    lines = [(-1, table_model.header), *enumerate(table_model.rows)]
    for row_index, values in lines:
        header = row_index < 0
        bold = header or (table_model.has_total_row and row_index == last)
        # Keep a short table on one page (Word: keep every row with the next).
        keep = header or (keep_all and row_index < last)
        cells = []
        for index, (value, width) in enumerate(zip(values, widths, strict=True)):
            if header or (index == 0 and not table_model.numeric[index]):
                align = "center"
            elif table_model.numeric[index]:
                align = "right"
            else:
                align = "left"
            cells.append(
                _cell_xml(
                    value, width, align, bold=bold, keep=keep, shade=header, style_id=style_id
                )
            )
        flag = "<w:tblHeader/>" if header else "<w:cantSplit/>"
        table._tbl.append(
            parse_xml(f"<w:tr {nsdecls('w')}><w:trPr>{flag}</w:trPr>{''.join(cells)}</w:tr>")
        )


def _annex(document, model: ReportDocument) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, ANNEX_MARGIN)
    # The annex's first page is not the document's first page: number it.
    section.different_first_page_header_footer = False

    title = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER)
    _run(title, model.annex_title, BODY_PT, bold=True)
    subtitle = _paragraph(document, WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _run(subtitle, model.annex_subtitle, 13, italic=True)
    for table_model in model.tables:
        _annex_table(document, table_model)
    for note in model.annex_notes:
        paragraph = _paragraph(document, WD_ALIGN_PARAGRAPH.LEFT)
        paragraph.paragraph_format.space_before = Pt(8)
        _run(paragraph, note, 11, italic=True)


def _properties(document, ctx: ReportContext, model: ReportDocument) -> None:
    stamp = datetime(ctx.issue_date.year, ctx.issue_date.month, ctx.issue_date.day)
    props = document.core_properties
    props.title = f"{model.title} {model.subject}"
    props.subject = model.subject
    props.author = ctx.lead_school
    props.last_modified_by = ctx.lead_school
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.language = LANGUAGE_TAGS[ctx.language]
    props.identifier = ctx.fingerprint
    props.keywords = ctx.period_code
    props.category = "BC"
    props.comments = ""


@in_report_language
def build_docx(context: ReportContext) -> bytes:
    model = compose(context)
    document = Document()
    # The template's thumbnail shows an empty page: drop it.
    package_rels = document.part.package.rels
    for key, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(key)
    _styles(document, context.language)
    section = document.sections[0]
    _portrait(section)
    _page_numbers(section)
    _header_block(document, model)
    _title(document, model)
    _body(document, model)
    _closing_block(document, model)
    if model.tables or model.annex_notes:
        _annex(document, model)
    _properties(document, context, model)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue(), context.issue_date)
