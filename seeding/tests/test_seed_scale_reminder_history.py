"""seeding.scale.reminder_history: today's reminders count as sent already."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reminders.selectors import reminders_due
from seeding.tests.test_seed_scale import seed_scale

pytestmark = pytest.mark.django_db


def test_todays_reminders_count_as_sent_so_a_sweep_has_nothing_left() -> None:
    seed_scale()

    assert list(reminders_due(day=timezone.localdate())) == []
