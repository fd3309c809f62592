"""The admin pages of training open, and assignments can only be cancelled there, through the service."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from training.models import AssignmentStatus

from .factories import AssignmentFactory, CompletionFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(administrator):
    administrator.user.is_superuser = True
    administrator.user.save()
    return administrator.user


@pytest.mark.parametrize("model", ["course", "trainingsession", "enrolment", "completion", "assignment"])
def test_every_admin_list_opens(client, superuser, session, agent, manager, course, model) -> None:
    EnrolmentFactory(session=session, person=agent)
    CompletionFactory(person=agent, course=course, recorded_by=manager.user)
    AssignmentFactory(person=agent, course=course)
    client.force_login(superuser)

    response = client.get(f"/admin/training/{model}/")

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1  # the one row of each kind made above is listed


def test_the_admin_cancels_open_assignments_through_the_service(client, superuser, agent, course) -> None:
    assignment = AssignmentFactory(person=agent, course=course)
    client.force_login(superuser)

    client.post("/admin/training/assignment/", {"action": "cancel_assignments", "_selected_action": [assignment.pk]})

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CANCELLED
    assert AuditEvent.objects.filter(action="training.assignment.cancel").count() == 1


def test_completions_cannot_be_added_or_changed_in_the_admin(client, superuser, agent, course, manager) -> None:
    completion = CompletionFactory(person=agent, course=course, recorded_by=manager.user, score=80)
    client.force_login(superuser)

    assert client.get("/admin/training/completion/add/").status_code == 403
    change = client.get(f"/admin/training/completion/{completion.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.post(f"/admin/training/completion/{completion.pk}/change/", {"score": 10}).status_code == 403
    completion.refresh_from_db()
    assert completion.score == 80
