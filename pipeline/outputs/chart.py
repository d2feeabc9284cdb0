"""The figures as a bar chart for the HTML page: geometry only, drawn as inline SVG
by the page template. Bars are signed (a decline extends left of the zero line)
and every bar carries its value as text, so the chart reads without colour.
One panel per kind of measure and unit, each with its own scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 760
LABEL_WIDTH = 330  # left column: what the bar is
VALUE_WIDTH = 110  # right column: the value as text
PLOT_LEFT = LABEL_WIDTH + 10
PLOT_RIGHT = WIDTH - VALUE_WIDTH - 10
ROW_HEIGHT = 40
BAR_HEIGHT = 18
PANEL_TITLE_HEIGHT = 30
AXIS_HEIGHT = 24
PANEL_GAP = 16
MINUS = "\u2212"
QUALIFIER_WORDS = {
    "almost": "almost",
    "approximately": "about",
    "more_than": "more than",
    "less_than": "less than",
    "at_least": "at least",
    "at_most": "at most",
}
UNIT_SYMBOLS = {"percent": "%"}


@dataclass(frozen=True)
class Bar:
    label: str
    detail: str
    text: str  # the value as the page states it, e.g. "−78 %"
    x: float
    width: float
    y: float  # top of the row


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Panel:
    title: str
    y: float  # top of the panel
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    zero_x: float
    plot_top: float
    plot_bottom: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: float
    panels: tuple[Panel, ...]
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    label_width: int = LABEL_WIDTH


def format_number(value: float) -> str:
    """A number as a reader writes it: no trailing .0, thousands separated, true minus."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
    return text.replace("-", MINUS)


def value_text(figure: dict) -> str:
    """The figure's value with its sign (for changes), qualifier and unit: "almost 96 %"."""
    value = figure["value"]
    number = format_number(value)
    if figure["measure"] in ("change", "difference") and value > 0:
        number = "+" + number
    unit = figure["unit"]
    text = f"{number} {UNIT_SYMBOLS.get(unit, unit)}"
    qualifier = figure.get("qualifier")
    return f"{QUALIFIER_WORDS.get(qualifier, qualifier)} {text}" if qualifier else text


def nice_extent(largest: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that is at least largest (largest > 0)."""
    power = 10 ** math.floor(math.log10(largest))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= largest)


def domain(figures: list[dict]) -> tuple[float, float]:
    values = [f["value"] for f in figures]
    low, high = min(0.0, *values), max(0.0, *values)
    if all(f["measure"] == "share" and f["unit"] == "percent" for f in figures):
        high = max(high, 100.0)
    extent = nice_extent(max(abs(low), abs(high)) or 1.0)
    return (-extent if low < 0 else 0.0), (extent if high > 0 else 0.0)


def panel_title(measure: str, unit: str) -> str:
    return f"{measure.capitalize()}, {unit.replace('_', ' ')}"


def build_chart(figures: list[dict], labels: dict[str, str]) -> Chart:
    """figures: rows of the figures resource; labels: indicator_id -> title."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for figure in figures:
        groups.setdefault((figure["measure"], figure["unit"]), []).append(figure)
    panels, top = [], 0.0
    for (measure, unit), members in groups.items():
        panels.append(build_panel(panel_title(measure, unit), members, labels, top))
        top = panels[-1].plot_bottom + AXIS_HEIGHT + PANEL_GAP
    return Chart(WIDTH, top - PANEL_GAP if panels else 0.0, tuple(panels))


def build_panel(title: str, figures: list[dict], labels: dict[str, str], top: float) -> Panel:
    low, high = domain(figures)
    scale = (PLOT_RIGHT - PLOT_LEFT) / (high - low)

    def x_of(value: float) -> float:
        return round(PLOT_LEFT + (value - low) * scale, 2)

    zero = x_of(0.0)
    plot_top = top + PANEL_TITLE_HEIGHT
    bars = []
    for index, figure in enumerate(figures):
        end = x_of(figure["value"])
        detail = figure["period"]
        if figure.get("reference_period"):
            detail += f" compared with {figure['reference_period']}"
        bars.append(
            Bar(
                label=labels.get(figure["indicator_id"], figure["indicator_id"]),
                detail=detail,
                text=value_text(figure),
                x=min(zero, end),
                width=round(abs(end - zero), 2),
                y=plot_top + index * ROW_HEIGHT,
            )
        )
    intervals = 4 if low < 0 < high else 2  # so that zero is always a tick
    step = (high - low) / intervals
    ticks = [
        Tick(x_of(low + i * step), format_number(low + i * step)) for i in range(intervals + 1)
    ]
    bottom = plot_top + len(figures) * ROW_HEIGHT
    return Panel(title, top, tuple(bars), tuple(ticks), zero, plot_top, bottom)
