"""What the school and bulk upload pages share: reading the posted file, labelling
indicators, changes and problems in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from catalogue.spec import UNITS, Catalogue
from core.language import current_language, pick
from hub.http import HubRequest
from submissions.spreadsheets import UploadKind, UploadRefused, check_upload_size


def megabytes(limit: int) -> int:
    return limit // (1024 * 1024)


def read_posted(file: UploadedFile, kind: UploadKind) -> tuple[bytes | None, str]:
    """The posted file's bytes, or None with the reason it is refused before reading."""
    try:
        check_upload_size(file.size, kind=kind, filename=file.name or "")
    except UploadRefused as refusal:
        return None, refusal.message(current_language())
    return file.read(), ""


def posted_int(request: HubRequest, name: str) -> int | None:
    try:
        number = int(request.POST.get(name, ""))
    except ValueError:
        return None
    return number if number >= 0 else None


def indicator_view(catalogue: Catalogue, code: str) -> dict[str, str]:
    indicator = catalogue.by_code.get(code)
    if indicator is None:
        return {"code": code, "label": code, "unit": ""}
    vi, en = UNITS.get(indicator.unit, (indicator.unit, indicator.unit))
    return {
        "code": code,
        "label": pick(indicator.label_vi, indicator.label_en),
        "unit": pick(vi, en),
    }


def change_rows(catalogue: Catalogue, changes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Changes in catalogue order, each with the indicator's label in this language."""
    order = {indicator.code: index for index, indicator in enumerate(catalogue.indicators)}
    rows = [
        {**indicator_view(catalogue, change["code"]), "old": change["old"], "new": change["new"]}
        for change in changes
    ]
    return sorted(rows, key=lambda row: order.get(row["code"], len(order)))


def problem_rows(
    problems: Iterable[Mapping[str, Any]], catalogue: Catalogue | None
) -> list[dict[str, Any]]:
    rows = []
    for problem in problems:
        code = problem.get("code")
        label = ""
        if catalogue is not None and code and code in catalogue.by_code:
            label = indicator_view(catalogue, code)["label"]
        rows.append({**problem, "label": label})
    return rows
