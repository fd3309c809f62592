"""users_with_permission: the users for whom has_perm is true, as a query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from common.permissions import users_with_permission
from people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VIEW_TEAM = "people.view_team"


def test_it_is_exactly_who_has_the_permission_by_role_by_own_right_or_as_superuser() -> None:
    by_role = UserFactory(roles=["Manager"])
    own = UserFactory()
    own.user_permissions.add(Permission.objects.get(content_type__app_label="people", codename="view_team"))
    superuser = UserFactory(is_superuser=True)
    without = UserFactory(roles=["Agent"])
    inactive = UserFactory(roles=["Manager"], is_active=False)

    found = set(users_with_permission(VIEW_TEAM))

    assert found == {by_role, own, superuser}
    assert all(user.has_perm(VIEW_TEAM) == (user in found) for user in (by_role, own, superuser, without, inactive))


def test_a_user_with_the_permission_by_two_roles_is_listed_once() -> None:
    manager = UserFactory(roles=["Manager", "Compliance officer"])

    assert list(users_with_permission(VIEW_TEAM)) == [manager]
