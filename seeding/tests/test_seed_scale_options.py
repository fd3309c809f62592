"""seeding.scale.options: options that cannot make an organisation are refused, in words."""

from __future__ import annotations

import pytest
from django.core.management import CommandError

from seeding.tests.test_seed_scale import seed_scale

pytestmark = pytest.mark.django_db


def test_it_refuses_impossible_fractions() -> None:
    with pytest.raises(CommandError, match="add up to more than 1"):
        seed_scale(signed_fraction=0.8, overdue_fraction=0.3)
