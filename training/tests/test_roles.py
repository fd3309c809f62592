"""Each role holds the training permissions it needs, and no more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db

TRAINING_PERMISSIONS = {
    "Agent": {"training.view_course"},
    "Manager": {
        "training.view_course",
        "training.add_course",
        "training.change_course",
        "training.view_trainingsession",
        "training.add_trainingsession",
        "training.change_trainingsession",
        "training.add_completion",
        "training.view_completion",
        "training.assign_retraining",
    },
    "Compliance officer": {
        "training.view_course",
        "training.view_training_status",
        "training.assign_retraining",
        "training.view_completion",
    },
    "Administrator": {"training.view_course", "training.view_training_status"},
}


@pytest.mark.parametrize("role", sorted(TRAINING_PERMISSIONS))
def test_each_role_holds_exactly_its_training_permissions(role: str) -> None:
    permissions = Group.objects.get(name=role).permissions.filter(content_type__app_label="training")

    assert {f"training.{codename}" for codename in permissions.values_list("codename", flat=True)} == (
        TRAINING_PERMISSIONS[role]
    )
