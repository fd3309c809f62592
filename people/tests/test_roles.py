"""Roles are groups with explicit permissions; pages open by permission, and a refusal says why."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

# Ordered with the other database tests (the cast fixtures open the database).
pytestmark = pytest.mark.django_db

ROLE_PERMISSIONS = {
    "Agent": {"codes.view_codedocument", "training.view_course"},
    "Manager": {
        "codes.view_codedocument",
        "codes.add_codedocument",
        "codes.change_codedocument",
        "codes.retire_codedocument",
        "codes.view_codeversion",
        "codes.add_codeversion",
        "codes.change_codeversion",
        "codes.approve_codeversion",
        "codes.publish_codeversion",
        "people.view_team",
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
        "acknowledgements.view_all_acknowledgements",
        "acknowledgements.waive_acknowledgementrequest",
        "acknowledgements.export_acknowledgements",
        "acknowledgements.verify_signatures",
        "training.view_course",
        "training.view_training_status",
        "training.assign_retraining",
        "training.view_completion",
        "reminders.receive_review_escalations",
        "reminders.view_reminderlog",
        "codes.view_codedocument",
        "codes.view_codeversion",
        "audit.view_auditevent",
        "people.view_organisation",
        "people.view_department",
        "people.view_staffprofile",
    },
}


def permissions_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
def test_each_role_holds_exactly_its_permissions(role: str) -> None:
    assert permissions_of(role) == ROLE_PERMISSIONS[role]


@pytest.mark.django_db
def test_the_administrator_manages_people_and_departments_but_cannot_delete_staff_records() -> None:
    permissions = permissions_of("Administrator")

    assert {"people.add_staffprofile", "people.change_staffprofile", "people.add_department", "auth.change_user"} <= (
        permissions
    )
    assert "people.delete_staffprofile" not in permissions


# Who may open which page: the role × page matrix.
PAGES = ["/codes/", "/people/team/", "/people/staff/", "/people/departments/", "/people/me/", "/"]
ALLOWED = {
    "agent": {"/codes/", "/people/me/", "/"},
    "manager": {"/codes/", "/people/team/", "/people/me/", "/"},
    "compliance_officer": {"/codes/", "/people/staff/", "/people/departments/", "/people/me/", "/"},
    "administrator": {"/codes/", "/people/staff/", "/people/departments/", "/people/me/", "/"},
    "outsider": {"/people/me/", "/"},
}


@pytest.mark.parametrize("person", sorted(ALLOWED))
@pytest.mark.parametrize("path", PAGES)
def test_role_page_matrix(request, client, person: str, path: str) -> None:
    client.force_login(request.getfixturevalue(person).user)

    response = client.get(path)

    assert response.status_code == (200 if path in ALLOWED[person] else 403)
    assert ("You may not open this page" in response.content.decode()) is (path not in ALLOWED[person])


def test_a_refused_page_says_which_permission_is_missing(client, agent) -> None:
    client.force_login(agent.user)

    response = client.get("/people/staff/")

    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not open this page" in page
    assert "Can see every department and person" in page
    assert "Ask a portal administrator" in page
