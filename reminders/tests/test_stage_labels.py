"""A reminder's stage in words, for the pages that list the reminders a person was sent."""

from __future__ import annotations

import datetime

import pytest

from codes.signals import ReviewStep
from reminders.models import ESCALATED, OVERDUE, PUBLISHED, RETIRED, before_stage, manual_stage, stage_label
from reminders.rules import all_rules


@pytest.mark.parametrize(
    ("stage", "label"),
    [
        (before_stage(7), "7 days before the due date"),
        (before_stage(1), "1 day before the due date"),
        (OVERDUE, "Overdue"),
        (ESCALATED, "Escalated to the manager"),
        (manual_stage(datetime.date(2026, 12, 7)), "Sent by hand"),
        (ReviewStep.APPROVED, "Approved"),
    ],
)
def test_a_stage_reads_in_words(stage: str, label: str) -> None:
    assert stage_label(stage) == label


def _stages_the_code_writes() -> set[str]:
    """Every stage a reminder or notice is claimed at: the sweeps' rules, the review steps codes announces,
    publication and retirement, and a campaign's reminder sent by hand."""
    review_steps = {value for name, value in vars(ReviewStep).items() if name.isupper()}
    swept = {rule.stage for rule in all_rules()}
    return swept | review_steps | {PUBLISHED, RETIRED, manual_stage(datetime.date(2026, 12, 7))}


@pytest.mark.parametrize("stage", sorted(_stages_the_code_writes()))
def test_every_stage_the_code_writes_has_words(stage: str) -> None:
    assert stage_label(stage) != stage
