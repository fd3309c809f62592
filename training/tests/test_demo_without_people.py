"""The demo training without the demo people (apart from test_demo.py, whose every test works on the demo)."""

from __future__ import annotations

import pytest

from training.demo import seed_training
from training.models import Course

pytestmark = pytest.mark.django_db


def test_without_the_demo_people_nothing_is_seeded(db) -> None:
    assert seed_training() == 0
    assert not Course.objects.exists()
