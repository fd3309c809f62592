"""People's pages refuse by permission and say why; the Administrator's rights over people and departments."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db


def permissions_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
def test_the_administrator_manages_people_and_departments_but_cannot_delete_staff_records() -> None:
    permissions = permissions_of("Administrator")

    assert {"people.add_staffprofile", "people.change_staffprofile", "people.add_department", "auth.change_user"} <= (
        permissions
    )
    assert "people.delete_staffprofile" not in permissions


def test_a_refused_page_says_which_permission_is_missing(client, agent) -> None:
    client.force_login(agent.user)

    response = client.get("/people/staff/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not open this page" in page
    assert "Can see every department and person" in page
    assert "Ask a portal administrator" in page
