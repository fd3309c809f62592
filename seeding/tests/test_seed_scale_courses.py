"""seeding.scale.courses: training completions, and one open assignment per person and course."""

from __future__ import annotations

import pytest
from django.db.models import Count

from seeding.tests.test_seed_scale import seed_scale
from training.models import Assignment, Completion, Course

pytestmark = pytest.mark.django_db


def test_training_has_completions_and_one_open_assignment_per_person_and_course() -> None:
    seed_scale()

    assert Course.objects.count() == 3
    assert Completion.objects.count() > 0
    per_person = Assignment.objects.values("person", "course").annotate(n=Count("pk"))
    assert per_person.count() == 60 * 3
    assert {row["n"] for row in per_person} == {1}
