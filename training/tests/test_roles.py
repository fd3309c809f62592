"""Each role holds the training permissions it needs, and no more."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from people.tests.test_roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db

# A role's training permissions are written once, in the project's table of every role's permissions;
# the Administrator, whom that table checks only in part, holds these two.
TRAINING_PERMISSIONS = {
    role: {permission for permission in permissions if permission.startswith("training.")}
    for role, permissions in ROLE_PERMISSIONS.items()
} | {"Administrator": {"training.view_course", "training.view_training_status"}}


@pytest.mark.parametrize("role", sorted(TRAINING_PERMISSIONS))
def test_each_role_holds_exactly_its_training_permissions(role: str) -> None:
    permissions = Group.objects.get(name=role).permissions.filter(content_type__app_label="training")

    assert {f"training.{codename}" for codename in permissions.values_list("codename", flat=True)} == (
        TRAINING_PERMISSIONS[role]
    )
