"""Chart geometry for the hub's SVG charts: scales, ticks, frames and the bar, stacked
and line charts of the department's pages. Pure: numbers in, coordinates out; the
templates draw them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from core.formatting import format_number
from core.language import current_language
from rankings.build import LIGHT_THRESHOLDS
from rankings.selectors import Names

PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#6A3D9A",
    "#999999",
    "#1B9E77",
]
LIGHT_COLOURS = {"green": "#2b7a3d", "amber": "#d49a00", "red": "#b3261e", "none": "#b8bec7"}


def nice_ceiling(value: float) -> float:
    """10, 20, 25, 50, 100... the smallest round number not below value."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def ticks(top: float, count: int = 5) -> list[float]:
    return [round(top * index / count, 6) for index in range(count + 1)]


def bar_chart_frame(
    *,
    label_width: int,
    bar_width: int,
    row_height: int,
    top_margin: int,
    rows: int,
    top: float,
    right_margin: int = 80,
    bar_gap: int = 6,
) -> dict[str, Any]:
    """Size, axis and ticks shared by the horizontal bar charts (bars go in "bars")."""
    height = top_margin + rows * row_height + 10
    return {
        "width": label_width + bar_width + right_margin,
        "height": height,
        "label_width": label_width,
        "bar_height": row_height - bar_gap,
        "axis": [
            {"x": round(label_width + bar_width * tick / top, 2), "value": tick}
            for tick in ticks(top)
        ],
        "axis_bottom": height - 6,
    }


def stacked_bars(
    rows: Sequence[Mapping[str, Any]],
    criteria: Sequence[Mapping[str, Any]],
    colours: Mapping[str, str],
    who: Names,
    *,
    scope: str,
) -> dict[str, Any]:
    """Horizontal bars: each ranked school's score split into its criteria's
    contributions; unranked schools listed with their state, no bar."""
    label_width, bar_width, row_height, top_margin = 260, 600, 24, 28
    language = current_language()
    scored = [row["score"] for row in rows if row["score"] is not None]
    top = nice_ceiling(max(scored) if scored else 100.0)
    bars = []
    for index, row in enumerate(rows):
        y = top_margin + index * row_height
        segments = []
        x = float(label_width)
        if row["score"] is not None:
            for item in criteria:
                value = row["contributions"].get(item["code"]) or 0.0
                width = bar_width * value / top
                if width > 0:
                    segments.append(
                        {
                            "x": round(x, 2),
                            "width": round(width, 2),
                            "colour": colours[item["code"]],
                            "title": f"{item['label']}: {format_number(value, language)}",
                        }
                    )
                x += width
        bars.append(
            {
                "y": y,
                "text_y": y + row_height * 0.65,
                "label": f"{row['rank']}. {who.school_short(row['school'])}"
                if row["rank"] is not None
                else who.school_short(row["school"]),
                "segments": segments,
                "score": row["score"],
                "end_x": round(x + 6, 2),
                "missing": row["score"] is None,
                "state": row["data_state"],
            }
        )
    frame = bar_chart_frame(
        label_width=label_width,
        bar_width=bar_width,
        row_height=row_height,
        top_margin=top_margin,
        rows=len(rows),
        top=top,
    )
    return {**frame, "bars": bars, "scope": scope}


def simple_bars(items: Sequence[tuple[str, float | None]], *, label_width: int) -> dict[str, Any]:
    bar_width, row_height, top_margin = 520, 24, 28
    values = [value for _label, value in items if value is not None]
    top = nice_ceiling(max(values) if values else 1.0)
    bars = []
    for index, (label, value) in enumerate(items):
        y = top_margin + index * row_height
        width = bar_width * (value or 0) / top if value is not None else 0
        bars.append(
            {
                "y": y,
                "text_y": y + row_height * 0.65,
                "label": label,
                "width": round(width, 2),
                "value": value,
                "end_x": round(label_width + width + 6, 2),
                "missing": value is None,
            }
        )
    frame = bar_chart_frame(
        label_width=label_width,
        bar_width=bar_width,
        row_height=row_height,
        top_margin=top_margin,
        rows=len(items),
        top=top,
        right_margin=90,
    )
    return {**frame, "bars": bars}


def scorecard_bars(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    label_width, bar_width, row_height, top_margin = 330, 400, 26, 28
    bars = []
    for index, item in enumerate(items):
        y = top_margin + index * row_height
        points = item["points"] or 0.0
        bars.append(
            {
                "y": y,
                "text_y": y + row_height * 0.65,
                "label": item["label"],
                "width": round(bar_width * points / 100.0, 2),
                "colour": LIGHT_COLOURS[item["light"]],
                "points": item["points"],
                "light": item["light"],
                "end_x": round(label_width + bar_width * points / 100.0 + 6, 2),
            }
        )
    green, amber = LIGHT_THRESHOLDS
    frame = bar_chart_frame(
        label_width=label_width,
        bar_width=bar_width,
        row_height=row_height,
        top_margin=top_margin,
        rows=len(items),
        top=100.0,
        bar_gap=8,
    )
    return {
        **frame,
        "thresholds": [
            {
                "x": round(label_width + bar_width * green / 100.0, 2),
                "colour": LIGHT_COLOURS["green"],
            },
            {
                "x": round(label_width + bar_width * amber / 100.0, 2),
                "colour": LIGHT_COLOURS["amber"],
            },
        ],
        "bars": bars,
    }


def line_chart(
    series: Sequence[tuple[str, float | None]],
    *,
    top: int | None,
    second: Sequence[tuple[str, float | None]] | None = None,
) -> dict[str, Any]:
    """A line over periods. ``top=1`` draws ranks (1 at the top); otherwise scores
    from 0 at the bottom. Gaps (None) break the line."""
    width, height, left, right, upper, lower = 640, 240, 50, 20, 20, 40
    values = [value for _period, value in [*series, *(second or [])] if value is not None]
    count = max(len(series), 1)
    step = (width - left - right) / max(count - 1, 1)
    if top == 1:
        worst = max(values) if values else 1
        low, high = 1.0, float(max(worst, 2))
    else:
        low, high = 0.0, nice_ceiling(max(values) if values else 100.0)

    def y_of(value: float) -> float:
        share = (value - low) / (high - low) if high != low else 0.0
        if top == 1:
            return round(upper + share * (height - upper - lower), 2)
        return round(height - lower - share * (height - upper - lower), 2)

    def polyline(points: Sequence[tuple[str, float | None]]) -> dict[str, Any]:
        dots = []
        segments: list[list[str]] = [[]]
        for index, (period, value) in enumerate(points):
            x = round(left + (index * step if count > 1 else (width - left - right) / 2), 2)
            if value is None:
                segments.append([])
                continue
            y = y_of(float(value))
            segments[-1].append(f"{x},{y}")
            dots.append({"x": x, "y": y, "value": value, "period": period})
        return {"paths": [" ".join(part) for part in segments if part], "dots": dots}

    tick_values: list[float] = (
        sorted({1.0, *[float(round(low + (high - low) * i / 4)) for i in range(5)]})
        if top == 1
        else ticks(high, 4)
    )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_x": width - right,
        "axis_y": height - lower,
        "labels": [
            {
                "x": round(left + (index * step if count > 1 else (width - left - right) / 2), 2),
                "text": period,
            }
            for index, (period, _value) in enumerate(series)
        ],
        "ticks": [{"y": y_of(float(value)), "value": value} for value in tick_values],
        "main": polyline(series),
        "second": polyline(second) if second else None,
        "is_rank": top == 1,
    }
