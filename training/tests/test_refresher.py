"""The next refresher falls the interval's calendar months after the completion, month ends and leap days included."""

from __future__ import annotations

import datetime

import pytest

from training.services import next_refresher_date


@pytest.mark.parametrize(
    ("completed_on", "months", "due"),
    [
        (datetime.date(2026, 3, 15), 12, datetime.date(2027, 3, 15)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2028, 2, 29), 48, datetime.date(2032, 2, 29)),
        (datetime.date(2026, 10, 31), 4, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 5, 31), 1, datetime.date(2026, 6, 30)),
        (datetime.date(2026, 12, 31), 12, datetime.date(2027, 12, 31)),
    ],
)
def test_the_refresher_is_due_the_interval_later_or_on_the_last_day_of_a_shorter_month(completed_on, months, due):
    assert next_refresher_date(completed_on, months) == due
