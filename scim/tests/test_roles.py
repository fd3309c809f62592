"""scim's data migration gives its permissions to the Administrator role, and to no other."""

from __future__ import annotations

import pytest

from people.tests.test_roles import permissions_of

pytestmark = pytest.mark.django_db

SCIM_PERMISSIONS = {"scim.view_scimtoken", "scim.manage_scimtoken"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("Administrator", SCIM_PERMISSIONS), ("Compliance officer", set()), ("Manager", set()), ("Agent", set())],
)
def test_only_administrators_manage_scim_tokens(role: str, expected: set[str]) -> None:
    assert permissions_of(role) & SCIM_PERMISSIONS == expected
