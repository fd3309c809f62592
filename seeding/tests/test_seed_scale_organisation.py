"""seeding.scale.organisation: the plan is drawn from the seeded generator alone."""

from __future__ import annotations

import random

from seeding.scale.options import ScaleOptions
from seeding.scale.organisation import plan_organisation


def test_the_same_seed_plans_the_same_organisation() -> None:
    same_seed = [plan_organisation(ScaleOptions(people=500), random.Random(7)) for _ in range(2)]  # noqa: S311
    assert same_seed[0] == same_seed[1]
