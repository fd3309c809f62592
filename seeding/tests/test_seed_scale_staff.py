"""seeding.scale.staff: everyone in a department, with a role, and all but one with a manager."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from people.models import StaffProfile
from seeding.tests.test_seed_scale import seed_scale

pytestmark = pytest.mark.django_db


def test_everyone_has_a_department_and_nearly_everyone_a_manager() -> None:
    seed_scale()

    people = StaffProfile.objects.all()
    assert not people.filter(department=None).exists()
    # Only the chief executive reports to nobody.
    assert people.filter(manager=None).count() == 1
    managers = people.filter(direct_reports__isnull=False).distinct().count()
    assert 60 / 20 <= managers <= 60 / 6
    assert not people.filter(user__groups=None).exists()
    assert get_user_model().objects.filter(groups__name="Compliance officer").exists()
