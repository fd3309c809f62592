"""users_with_permission: the users for whom has_perm is true, as a query."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from common.permissions import users_with_permission

pytestmark = pytest.mark.django_db

VIEW_TEAM = "people.view_team"


def user(username: str, *, roles: tuple[str, ...] = (), **fields: bool) -> User:
    """A user with the roles (groups) the data migrations made; common may not use people's factories."""
    made = User.objects.create_user(username=username, **fields)
    made.groups.add(*Group.objects.filter(name__in=roles))
    return made


def test_it_is_exactly_who_has_the_permission_by_role_by_own_right_or_as_superuser() -> None:
    by_role = user("by_role", roles=("Manager",))
    own = user("own")
    own.user_permissions.add(Permission.objects.get(content_type__app_label="people", codename="view_team"))
    superuser = user("superuser", is_superuser=True)
    without = user("without", roles=("Agent",))
    inactive = user("inactive", roles=("Manager",), is_active=False)

    found = set(users_with_permission(VIEW_TEAM))

    assert found == {by_role, own, superuser}
    assert all(user.has_perm(VIEW_TEAM) == (user in found) for user in (by_role, own, superuser, without, inactive))


def test_a_user_with_the_permission_by_two_roles_is_listed_once() -> None:
    manager = user("manager", roles=("Manager", "Compliance officer"))

    assert list(users_with_permission(VIEW_TEAM)) == [manager]


def test_a_persons_own_and_role_permissions_are_read_in_one_query(django_assert_num_queries) -> None:
    # Every page asks (the navigation), and every API request: one query, not Django's two (own, then roles').
    manager = user("manager", roles=("Manager",))
    manager.user_permissions.add(Permission.objects.get(content_type__app_label="audit", codename="view_auditevent"))
    manager = User.objects.get(pk=manager.pk)

    with django_assert_num_queries(1):
        granted = (manager.has_perm(VIEW_TEAM), manager.has_perm("audit.view_auditevent"), manager.has_perm("x.y"))

    assert granted == (True, True, False)


def test_a_superuser_has_every_permission_and_an_inactive_user_none() -> None:
    superuser = user("superuser", is_superuser=True)
    inactive = user("inactive", roles=("Manager",), is_active=False)

    assert superuser.get_all_permissions() == {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert inactive.get_all_permissions() == set()
