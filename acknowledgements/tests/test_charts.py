"""The campaign's progress line: where each day's point falls, and the deadline's mark."""

from __future__ import annotations

import datetime

from acknowledgements.charts import line_chart
from acknowledgements.selectors import Point

DAY = datetime.date(2026, 12, 1)


def days(*signed: int) -> list[Point]:
    return [Point(day=DAY + datetime.timedelta(days=offset), signed=count) for offset, count in enumerate(signed)]


def test_each_day_is_a_point_from_the_left_edge_to_the_right():
    chart = line_chart(days(0, 1, 4), maximum=4)

    assert [plotted.x for plotted in chart.points] == [chart.left, (chart.left + chart.right) / 2, chart.right]
    assert chart.polyline.count(",") == 3


def test_everyone_signed_reaches_the_top_and_nobody_the_axis():
    chart = line_chart(days(0, 4), maximum=4)

    assert [plotted.y for plotted in chart.points] == [chart.bottom, chart.top]


def test_the_deadline_is_marked_on_its_day_and_not_when_it_is_not_drawn():
    chart = line_chart(days(0, 1, 2), maximum=4, deadline=DAY + datetime.timedelta(days=1))
    later = line_chart(days(0, 1, 2), maximum=4, deadline=DAY + datetime.timedelta(days=9))

    assert chart.deadline_x == chart.points[1].x
    assert later.deadline_x is None


def test_nobody_asked_draws_a_flat_line_rather_than_dividing_by_zero():
    chart = line_chart(days(0), maximum=0)

    assert [(plotted.x, plotted.y) for plotted in chart.points] == [(chart.left, chart.bottom)]


def open_for(days_open: int) -> list[Point]:
    """A campaign's daily series from DAY (a Tuesday), one more signature each day."""
    return days(*range(days_open + 1))


def test_a_campaign_open_for_200_days_is_drawn_a_point_a_week_ending_on_its_last_day():
    daily = open_for(200)

    chart = line_chart(daily, maximum=200)

    assert chart.weekly
    assert len(chart.points) <= 30
    assert {plotted.point.day.isoweekday() for plotted in chart.points[:-1]} == {7}  # each ends a week, on Sunday
    assert chart.points[-1].point == daily[-1]  # the true current figure
    assert chart.since == DAY


def test_a_long_campaigns_deadline_is_marked_on_the_week_that_contains_it():
    friday = DAY + datetime.timedelta(days=10)
    that_sunday = DAY + datetime.timedelta(days=12)

    chart = line_chart(open_for(200), maximum=200, deadline=friday)

    week = next(plotted for plotted in chart.points if plotted.point.day == that_sunday)
    assert chart.deadline_x == week.x


def test_a_campaign_open_for_30_days_keeps_a_point_a_day():
    daily = open_for(30)

    chart = line_chart(daily, maximum=30)

    assert not chart.weekly
    assert [plotted.point for plotted in chart.points] == daily
