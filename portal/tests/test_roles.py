"""Roles are groups with explicit permissions, granted by each app's migrations: every role's whole set,
and who may open which app's pages (the role × page matrix)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from people.tests.test_roles import permissions_of

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
        "codes.view_versiontranslation",
        "codes.add_versiontranslation",
        "codes.change_versiontranslation",
        "codes.delete_versiontranslation",
        "codes.approve_versiontranslation",
        "people.view_team",
        "acknowledgements.open_kiosk",
        "people.manage_kiosk_people",
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
        "acknowledgements.manage_campaigns",
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
        "codes.view_versiontranslation",
        "audit.view_auditevent",
        "people.view_organisation",
        "people.view_department",
        "people.view_staffprofile",
        "questions.answer_question",
        "evidence.build_evidence_pack",
        "privacy.view_legalhold",
        "privacy.manage_legal_holds",
        "cases.view_case",
        "cases.add_case",
        "cases.change_case",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
def test_each_role_holds_exactly_its_permissions(role: str) -> None:
    assert permissions_of(role) == ROLE_PERMISSIONS[role]


# Who may open which page: the role × page matrix.
PAGES = [
    *("/codes/", "/codes/templates/", "/people/team/", "/people/staff/", "/people/departments/", "/people/me/", "/"),
    *("/privacy/my-data/", "/privacy/legal-holds/"),
    *("/people/kiosk/", "/kiosk/open/"),
]
EVERYONE = {"/people/me/", "/privacy/my-data/", "/"}
ALLOWED = {
    "agent": {"/codes/", *EVERYONE},
    "manager": {"/codes/", "/codes/templates/", "/people/team/", "/people/kiosk/", "/kiosk/open/", *EVERYONE},
    "compliance_officer": {"/codes/", "/people/staff/", "/people/departments/", "/privacy/legal-holds/", *EVERYONE},
    "administrator": {
        "/codes/",
        "/people/staff/",
        "/people/departments/",
        "/privacy/legal-holds/",
        "/people/kiosk/",
        *EVERYONE,
    },
    "outsider": EVERYONE,
}


@pytest.mark.parametrize("person", sorted(ALLOWED))
@pytest.mark.parametrize("path", PAGES)
def test_role_page_matrix(request, client, person: str, path: str) -> None:
    client.force_login(request.getfixturevalue(person).user)

    response = client.get(path)

    assert response.status_code == (200 if path in ALLOWED[person] else 403)
    assert ("You may not open this page" in response.content.decode()) is (path not in ALLOWED[person])


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
