"""The report's editable text on the board: each section's items, revisions, and
what the editor shows after a refused save."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.http import HubRequest
from hub.views.cluster.common import SECTION_LABELS, Viewer, newlines
from reviews.models import ClusterNarrative, Section
from reviews.selectors import narrative_revisions, narratives_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SECTION_HINTS: dict[str, StrOrPromise] = {
    Section.OPENING: gettext_lazy(
        "Bối cảnh, chủ đề phong trào thi đua; để trống thì báo cáo dùng câu mở đầu mặc định."
    ),
    Section.LIMITATIONS: gettext_lazy("Mỗi mục một hạn chế và nguyên nhân."),
    Section.PROPOSALS: gettext_lazy("Mỗi mục một kiến nghị gửi Học viện."),
    Section.NEXT_TASKS: gettext_lazy("Mỗi nhiệm vụ có thể ghi trường chủ trì và tháng thực hiện."),
    Section.SCORING: gettext_lazy("Kết quả chấm điểm, bình xét thi đua (thường vào cuối năm)."),
}


@dataclass
class SectionState:
    """What one section's editor shows after a refused save."""

    section: str
    items: list[dict[str, Any]]
    problem: str
    conflict: bool


def items_from_post(request: HubRequest, members: set[str]) -> list[dict[str, Any]]:
    texts = request.POST.getlist("text")
    count = len(texts)

    def column(name: str) -> list[str]:
        values = request.POST.getlist(name)
        return values + [""] * (count - len(values))

    schools, owners, months = column("school"), column("owner"), column("month")
    items = []
    for text, school, owner, month in zip(texts, schools, owners, months, strict=False):
        items.append(
            {
                "text": newlines(text).strip(),
                "school": school if school in members else None,
                "owner": owner if owner in members else None,
                "month": month.strip() or None,
            }
        )
    return items


def _month_label(month: object) -> str:
    if month in (None, ""):
        return ""
    return _("tháng %(month)s") % {"month": month}


def _item_view(item: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {
        "text": item.get("text", ""),
        "school": item.get("school") or "",
        "school_name": names.get(item.get("school") or "", item.get("school") or ""),
        "owner": item.get("owner") or "",
        "owner_name": names.get(item.get("owner") or "", item.get("owner") or ""),
        "month": "" if item.get("month") in (None, "") else str(item.get("month")),
        "month_label": _month_label(item.get("month")),
    }


def narrative_sections(
    viewer: Viewer, names: Mapping[str, str], state: SectionState | None
) -> list[dict[str, Any]]:
    existing: dict[str, ClusterNarrative] = narratives_of(
        cluster=viewer.cluster, period=viewer.period
    )
    revisions = narrative_revisions(cluster=viewer.cluster, period=viewer.period)
    sections = []
    for section in Section.values:
        narrative = existing.get(section)
        saved = list(narrative.items) if narrative else []
        refused = state if state is not None and state.section == section else None
        # A refused save keeps what was typed in the editor, except after a conflict:
        # then the editor shows the newer version and the typed text is offered to copy.
        shown = refused.items if refused is not None and not refused.conflict else saved
        sections.append(
            {
                "section": section,
                "label": SECTION_LABELS[section],
                "hint": SECTION_HINTS[section],
                "version": narrative.version if narrative else 0,
                "updated_by": narrative.updated_by if narrative else "",
                "updated_at": narrative.updated_at if narrative else None,
                "items": [_item_view(item, names) for item in shown],
                "is_tasks": section == Section.NEXT_TASKS,
                "problem": refused.problem if refused else "",
                "conflict": bool(refused and refused.conflict),
                "typed": [_item_view(item, names) for item in refused.items]
                if refused and refused.conflict
                else [],
                "revisions": [
                    {
                        "version": revision.version,
                        "saved_by": revision.saved_by,
                        "saved_at": revision.saved_at,
                        "items": [_item_view(item, names) for item in revision.items],
                    }
                    for revision in revisions.get(section, [])
                ],
            }
        )
    return sections
