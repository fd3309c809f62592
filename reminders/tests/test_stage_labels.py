"""A reminder's stage in words, for the pages that list the reminders a person was sent."""

from __future__ import annotations

import datetime

import pytest

from reminders.models import ESCALATED, OVERDUE, before_stage, manual_stage, stage_label


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        (before_stage(7), "7 days before the due date"),
        (before_stage(1), "1 day before the due date"),
        (OVERDUE, "Overdue"),
        (ESCALATED, "Escalated to the manager"),
        (manual_stage(datetime.date(2026, 12, 7)), "Sent by hand"),
        ("approved", "approved"),
    ],
)
def test_a_stage_reads_in_words(stage: str, label: str) -> None:
    assert stage_label(stage) == label
