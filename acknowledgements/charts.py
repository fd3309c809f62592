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
# A campaign open longer than this is drawn a point a week: a point a day for a year would crowd 365 points
# into the plot's 552 px, and its table would run to 365 rows.
DAILY_FOR_DAYS = 90
SUNDAY = 7  # the last day of the week (isoweekday), as weeks run in the organisation's calendar


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
    since: datetime.date  # the first day counted (the first point's, when they are daily)
    weekly: bool  # a point a week rather than a day

    @property
    def last(self) -> PlottedPoint:
        """The point of the last day: the current figure."""
        return self.points[-1]


def by_week(points: Sequence[Point]) -> list[Point]:
    """The daily `points` thinned to the count at the end of each week and on the last day (today, or
    the end), so that the line still ends at the true current figure."""
    return [point for point in points[:-1] if point.day.isoweekday() == SUNDAY] + [points[-1]]


def line_chart(points: Sequence[Point], *, maximum: int, deadline: datetime.date | None = None) -> LineChart:
    """Place the signed count of each day (`points`, one a day without a gap) on a plot whose y axis runs from
    0 to `maximum` (those asked): the line reaches the top when everyone signed. Past DAILY_FOR_DAYS days it
    is drawn a point a week. One point alone sits at the plot's left edge. The `deadline`, when it is one of
    the days, is marked by a vertical line on its point, or on the point of the week that contains it."""
    first_day, last_day = points[0].day, points[-1].day
    weekly = (last_day - first_day).days > DAILY_FOR_DAYS
    drawn = by_week(points) if weekly else points
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / (len(drawn) - 1) if len(drawn) > 1 else 0
    top = max(maximum, 1)
    plotted = [
        PlottedPoint(
            point=point,
            x=round(LEFT + index * step, 2),
            y=round(TOP + plot_height * (1 - point.signed / top), 2),
        )
        for index, point in enumerate(drawn)
    ]
    # The first point drawn on or after the deadline is the deadline's own day, or the end of its week.
    deadline_x = None
    if deadline is not None and first_day <= deadline <= last_day:
        deadline_x = next(each.x for each in plotted if each.point.day >= deadline)
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
        deadline_x=deadline_x,
        since=first_day,
        weekly=weekly,
    )
