"""The cluster board's charts (`hub.views.cluster`): per-school bars of classes and
learners, stacked research and publication outputs, and the cluster's totals against
a year earlier. Pure geometry: figures in, coordinates and shown text out; numbers
are written as strings so no template locale touches them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.formatting import format_number
from core.language import current_language

CHART_WIDTH = 1160


class SchoolRow(Protocol):
    """One school as the board's charts read it."""

    name: str
    short_name: str
    values: dict[str, int | None]
    outputs: list[int | None]


@dataclass(frozen=True)
class YearOnYear:
    """One indicator's cluster total now and a year earlier."""

    label: str
    previous: int
    current: int
    change: int
    change_pct: float | None


def _f(value: float) -> str:
    return f"{value:.1f}"


def _number(value: int | float | None) -> str:
    return "—" if value is None else format_number(value, current_language())


def pct_text(pct: float | None) -> str:
    """A signed percentage change: "+12,5%", "−3%", "±0%"; "—" when unknown."""
    if pct is None:
        return "—"
    sign = "+" if pct > 0 else ("−" if pct < 0 else "±")
    return f"{sign}{_number(abs(pct))}%"


def direction(change: int) -> str:
    return "up" if change > 0 else ("down" if change < 0 else "same")


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def school_bars_chart(
    figures: Sequence[SchoolRow], panels: Sequence[tuple[str, Any]]
) -> dict[str, Any]:
    """Two panels of horizontal bars (one per (code, title) of `panels`), one row a school."""
    label_w, gap, room, top, row_h, bar_h = 250, 28, 70, 30, 28, 16
    panel_w = (CHART_WIDTH - label_w - gap) / 2
    usable = panel_w - room
    drawn = []
    for index, (code, title) in enumerate(panels):
        x0 = label_w + index * (panel_w + gap)
        largest = max((row.values.get(code) or 0 for row in figures), default=0)
        bars = []
        for position, row in enumerate(figures):
            value = row.values.get(code)
            y = top + position * row_h
            width = usable * value / largest if value and largest else 0.0
            bars.append(
                {
                    "x": _f(x0),
                    "y": _f(y),
                    "width": _f(width),
                    "text_x": _f(x0 + width + 5),
                    "text_y": _f(y + bar_h - 3),
                    "value": _number(value),
                    "missing": value is None,
                    "school": row.name,
                }
            )
        drawn.append(
            {"code": code, "title": title, "title_x": _f(x0), "axis_x": _f(x0), "bars": bars}
        )
    height = top + len(figures) * row_h + 6
    return {
        "width": CHART_WIDTH,
        "height": height,
        "bar_h": bar_h,
        "label_x": _f(label_w - 10),
        "axis_y2": _f(height - 4),
        "labels": [
            {"text": _short(row.short_name), "full": row.name, "y": _f(top + i * row_h + bar_h - 3)}
            for i, row in enumerate(figures)
        ],
        "panels": drawn,
    }


def outputs_chart(
    figures: Sequence[SchoolRow], groups: Sequence[tuple[str, Any]]
) -> dict[str, Any]:
    """Research and publication outputs per school, stacked by kind: `groups` are the
    (key, label) of each row's `outputs`, in order."""
    label_w, room, top, row_h, bar_h = 250, 60, 8, 28, 16
    usable = CHART_WIDTH - label_w - room
    sums = [[value or 0 for value in row.outputs] for row in figures]
    reported = [any(value is not None for value in row.outputs) for row in figures]
    largest = max((sum(parts) for parts in sums), default=0)
    rows = []
    for position, (row, parts, has_any) in enumerate(zip(figures, sums, reported, strict=True)):
        y = top + position * row_h
        x = float(label_w)
        segments = []
        for index, ((key, name), value) in enumerate(zip(groups, parts, strict=True)):
            if not value or not largest:
                continue
            width = usable * value / largest
            segments.append(
                {
                    "x": _f(x),
                    "width": _f(width),
                    "index": index,
                    "key": key,
                    "title": f"{row.name}: {name} {_number(value)}",
                }
            )
            x += width
        rows.append(
            {
                "label": _short(row.short_name),
                "full": row.name,
                "y": _f(y),
                "text_y": _f(y + bar_h - 3),
                "segments": segments,
                "total": _number(sum(parts) if has_any else None),
                "total_x": _f(x + 5),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": top + len(figures) * row_h + 6,
        "bar_h": bar_h,
        "label_x": _f(label_w - 10),
        "rows": rows,
        "legend": [{"index": i, "label": name} for i, (_key, name) in enumerate(groups)],
        "empty": largest == 0,
    }


def yoy_chart(items: Sequence[YearOnYear], previous_period: str) -> dict[str, Any]:
    """The cluster's totals against the same period a year earlier, one row each."""
    label_w, room, top, row_h, bar_h = 300, 110, 6, 44, 13
    usable = CHART_WIDTH - label_w - room - 60
    rows = []
    for position, item in enumerate(items):
        previous, current = item.previous, item.current
        largest = max(previous, current) or 1
        y = top + position * row_h
        rows.append(
            {
                "label": _short(item.label, 44),
                "full": item.label,
                "label_y": _f(y + bar_h + 4),
                "prev_y": _f(y),
                "prev_w": _f(usable * previous / largest),
                "prev_text_x": _f(label_w + usable * previous / largest + 5),
                "prev_text_y": _f(y + bar_h - 2),
                "prev": _number(previous),
                "cur_y": _f(y + bar_h + 3),
                "cur_w": _f(usable * current / largest),
                "cur_text_x": _f(label_w + usable * current / largest + 5),
                "cur_text_y": _f(y + 2 * bar_h + 1),
                "cur": _number(current),
                "change": pct_text(item.change_pct),
                "direction": direction(item.change),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": top + len(rows) * row_h + 4,
        "bar_h": bar_h,
        "label_x": _f(label_w - 10),
        "bar_x": _f(label_w),
        "change_x": _f(CHART_WIDTH - 6),
        "rows": rows,
        "previous_period": previous_period,
    }


def yoy_items(
    yoy: Mapping[str, Mapping[str, Any]], codes: Sequence[str], labels: Mapping[str, str]
) -> list[YearOnYear]:
    """The year-on-year rows of `codes`, in that order."""
    items = []
    for code in codes:
        item = yoy[code]
        previous, current = int(item["previous"]), int(item["current"])
        items.append(
            YearOnYear(
                label=labels.get(code, code),
                previous=previous,
                current=current,
                change=int(item.get("change", current - previous)),
                change_pct=item.get("change_pct"),
            )
        )
    return items
