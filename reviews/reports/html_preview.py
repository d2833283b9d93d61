"""The report as an HTML fragment for the page preview.

Every piece of text is escaped. The fragment carries classes only (no inline styles,
so a strict Content-Security-Policy holds); `PREVIEW_CSS` has the matching rules for
the page's stylesheet, or pass `with_style=True` to get them in a <style> element.
"""

from __future__ import annotations

from html import escape

from .context import ReportContext, in_report_language
from .document import AnnexTable, ReportDocument, clean_text, compose

PREVIEW_CSS = """
.cr-doc { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif;
  font-size: 14pt; line-height: 1.35; color: #000; background: #fff;
  max-width: 21cm; margin: 0 auto; padding: 2cm 1.5cm 2cm 3cm; box-sizing: border-box; }
.cr-header { width: calc(100% + 1cm); margin: 0 -0.5cm; border-collapse: collapse; }
.cr-header td { vertical-align: top; text-align: center; padding: 0; }
.cr-issuer { width: 52%; font-size: 13pt; }
.cr-issuer-name { font-weight: bold; }
.cr-party-name { font-weight: bold; font-size: 15pt; text-decoration: underline; }
.cr-date { font-style: italic; white-space: nowrap; }
.cr-title { text-align: center; font-size: 16pt; font-weight: bold; margin: 1.2em 0 0; }
.cr-subject { text-align: center; font-weight: bold; margin: 0; }
.cr-rule { text-align: center; margin: 0 0 0.8em; }
.cr-body p, .cr-body h2, .cr-body h3 { text-align: justify; text-indent: 1cm;
  margin: 0 0 6pt; font-size: 14pt; }
.cr-body h2, .cr-body h3 { font-weight: bold; text-align: left; }
.cr-closing { width: 100%; border-collapse: collapse; margin-top: 1em; }
.cr-closing td { vertical-align: top; padding: 0; }
.cr-recipients { width: 48%; font-size: 11pt; }
.cr-recipients-label { font-size: 12pt; font-weight: bold; font-style: italic; }
.cr-signer { text-align: center; }
.cr-signer-title { font-weight: bold; }
.cr-signer-school { font-size: 13pt; }
.cr-signer-name { font-weight: bold; margin-top: 3em; }
.cr-annex { margin-top: 2em; border-top: 1px dashed #999; padding-top: 1em; }
.cr-annex-title { text-align: center; font-weight: bold; margin: 0; font-size: 14pt; }
.cr-annex-subtitle { text-align: center; font-style: italic; margin: 0 0 1em; }
.cr-table { border-collapse: collapse; margin: 0 0 1em; font-size: 11pt; }
.cr-table caption { text-align: left; font-weight: bold; font-size: 12pt; padding: 0.4em 0; }
.cr-table th, .cr-table td { border: 1px solid #000; padding: 2px 4px; }
.cr-table th { background: #f2f2f2; }
.cr-table .cr-num { text-align: right; }
.cr-table tfoot td { font-weight: bold; }
.cr-note { font-style: italic; font-size: 11pt; }
"""


def _e(text: str) -> str:
    return escape(clean_text(text), quote=True)


def _lines(lines: tuple[str, ...]) -> str:
    return "<br>".join(_e(line) for line in lines)


def _header(model: ReportDocument) -> str:
    return (
        '<table class="cr-header"><tr>'
        '<td class="cr-issuer">'
        f'<div class="cr-parent">{_lines(model.parent_body_lines)}</div>'
        f'<div class="cr-issuer-name">{_lines(model.issuer_lines)}</div>'
        f'<div class="cr-separator">{_e(model.separator)}</div>'
        "</td>"
        f'<td class="cr-party"><div class="cr-party-name">{_e(model.party_line)}</div></td>'
        "</tr><tr>"
        f'<td class="cr-number">{_e(model.number_line)}</td>'
        f'<td class="cr-date">{_e(model.date_line)}</td>'
        "</tr></table>"
    )


def _body(model: ReportDocument) -> str:
    parts = []
    for paragraph in model.paragraphs:
        text = _e(paragraph.text)
        if paragraph.kind == "heading1":
            parts.append(f'<h2 class="cr-h1">{text}</h2>')
        elif paragraph.kind == "heading2":
            parts.append(f'<h3 class="cr-h2">{text}</h3>')
        else:
            parts.append(f'<p class="cr-{paragraph.kind}">{text}</p>')
    return '<div class="cr-body">' + "".join(parts) + "</div>"


def _closing(model: ReportDocument) -> str:
    recipients = "".join(f"<div>{_e(line)}</div>" for line in model.recipients)
    capacity, title, school = model.signer_lines
    name = f'<div class="cr-signer-name">{_e(model.signer_name)}</div>' if model.signer_name else ""
    return (
        '<table class="cr-closing"><tr>'
        '<td class="cr-recipients">'
        f'<div class="cr-recipients-label">{_e(model.recipients_label)}</div>{recipients}'
        "</td>"
        '<td class="cr-signer">'
        f'<div class="cr-signer-title">{_e(capacity)}</div>'
        f'<div class="cr-signer-title">{_e(title)}</div>'
        f'<div class="cr-signer-school">{_e(school)}</div>{name}'
        "</td></tr></table>"
    )


def _table(table: AnnexTable) -> str:
    head = "".join(f'<th scope="col">{_e(label)}</th>' for label in table.header)

    def row(values: tuple[str, ...]) -> str:
        cells = "".join(
            f'<td class="cr-num">{_e(v)}</td>' if table.numeric[i] else f"<td>{_e(v)}</td>"
            for i, v in enumerate(values)
        )
        return f"<tr>{cells}</tr>"

    body_rows = table.rows[:-1] if table.has_total_row else table.rows
    foot = f"<tfoot>{row(table.rows[-1])}</tfoot>" if table.has_total_row else ""
    return (
        f'<table class="cr-table"><caption>{_e(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(row(r) for r in body_rows)}</tbody>{foot}</table>"
    )


def _annex(model: ReportDocument) -> str:
    if not model.tables and not model.annex_notes:
        return ""
    notes = "".join(f'<p class="cr-note">{_e(note)}</p>' for note in model.annex_notes)
    return (
        '<section class="cr-annex">'
        f'<p class="cr-annex-title">{_e(model.annex_title)}</p>'
        f'<p class="cr-annex-subtitle">{_e(model.annex_subtitle)}</p>'
        f"{''.join(_table(t) for t in model.tables)}{notes}</section>"
    )


@in_report_language
def render_html(context: ReportContext, *, with_style: bool = False) -> str:
    model = compose(context)
    style = f"<style>{PREVIEW_CSS}</style>" if with_style else ""
    return (
        f'{style}<article class="cr-doc" lang="{_e(context.language)}" '
        f'data-fingerprint="{_e(context.fingerprint)}">'
        f"{_header(model)}"
        f'<p class="cr-title">{_e(model.title)}</p>'
        f'<p class="cr-subject">{_lines(model.subject_lines)}</p>'
        '<p class="cr-rule">-----</p>'
        f"{_body(model)}{_closing(model)}{_annex(model)}</article>"
    )
