"""A campaign's progress as an SVG line drawn by the server: coordinates only; the template draws the
markup and the stylesheet the colours (no script, no inline style: the CSP allows neither)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from .selectors import Point

WIDTH = 600
HEIGHT = 200
# Room for the axis labels: left of the plot and below it.
LEFT = 40
BOTTOM = 24
TOP = 8
RIGHT = 8


@dataclass(frozen=True)
class PlottedPoint:
    point: Point
    x: float
    y: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[PlottedPoint]
    polyline: str  # the `points` attribute of the <polyline>
    maximum: int  # the top of the y axis: everyone asked
    top: int
    bottom: int  # y of the x axis
    left: int
    right: int  # x of the plot's right edge
    deadline_x: float | None  # where the deadline falls, when it is among the days drawn


def line_chart(points: Sequence[Point], *, maximum: int, deadline: datetime.date | None = None) -> LineChart:
    """Place each day's signed count on a plot whose y axis runs from 0 to `maximum` (those asked): the
    line reaches the top when everyone signed. One day alone sits at the plot's left edge. The
    `deadline`, when it is one of the days, is marked by a vertical line."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / (len(points) - 1) if len(points) > 1 else 0
    top = max(maximum, 1)
    plotted = [
        PlottedPoint(
            point=point,
            x=round(LEFT + index * step, 2),
            y=round(TOP + plot_height * (1 - point.signed / top), 2),
        )
        for index, point in enumerate(points)
    ]
    on_deadline = [each.x for each in plotted if each.point.day == deadline]
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        points=plotted,
        polyline=" ".join(f"{p.x},{p.y}" for p in plotted),
        maximum=maximum,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        left=LEFT,
        right=WIDTH - RIGHT,
        deadline_x=on_deadline[0] if on_deadline else None,
    )
