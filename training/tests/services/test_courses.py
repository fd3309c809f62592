"""Courses: creating and changing one, its sections, and who is assigned it; every refusal."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from codes.tests.factories import CodeDocumentFactory
from common.errors import DomainError
from training.models import Assignment, AssignmentReason, AssignmentStatus, Course
from training.services import courses
from training.tests.factories import (
    AssignmentFactory,
)

from .helpers import assigned, days, open_assignment, today

pytestmark = pytest.mark.django_db


def test_a_manager_creates_a_course_and_everyone_is_assigned_it(manager, agent, compliance_officer) -> None:
    course = courses.course_create(actor=manager.user, title="Privacy basics", refresher_interval_months=12)

    assert assigned(course) == {"maria", "ana", "cora"}
    assignment = open_assignment(agent, course)
    assert assignment.reason == AssignmentReason.INITIAL
    assert assignment.due_date == today() + days(30)
    assert AuditEvent.objects.filter(action="training.course.create").count() == 1


def test_an_optional_course_assigns_nobody(manager, agent) -> None:
    course = courses.course_create(actor=manager.user, title="Difficult conversations", is_mandatory=False)

    assert assigned(course) == set()


def test_a_course_is_linked_to_sections_of_its_document(manager, published) -> None:
    sections = list(published.sections.all())

    course = courses.course_create(
        actor=manager.user, title="Code basics", document=published.document, sections=sections
    )

    assert set(course.sections.all()) == set(sections)


def test_sections_of_another_document_are_refused(manager, published) -> None:
    other = CodeDocumentFactory(owner=manager.user)

    with pytest.raises(DomainError, match="is not part of"):
        courses.course_create(
            actor=manager.user, title="Code basics", document=other, sections=published.sections.all()
        )


def test_a_second_course_with_the_same_title_is_refused(manager, course) -> None:
    with pytest.raises(DomainError, match="exists already"):
        courses.course_create(actor=manager.user, title="customer SERVICE essentials")


def test_an_agent_cannot_create_a_course(agent) -> None:
    with pytest.raises(PermissionDenied):
        courses.course_create(actor=agent.user, title="My own course")


def test_deactivating_a_course_cancels_its_open_assignments(manager, agent, course) -> None:
    AssignmentFactory(person=agent, course=course)

    courses.course_update(course=course, actor=manager.user, title=course.title, is_active=False)

    assert Assignment.objects.get(person=agent, course=course).status == AssignmentStatus.CANCELLED


def test_making_a_course_mandatory_assigns_it(manager, agent) -> None:
    course = courses.course_create(actor=manager.user, title="Workshop", is_mandatory=False)

    courses.course_update(course=course, actor=manager.user, title="Workshop", is_mandatory=True)

    assert "ana" in assigned(course)


def test_a_course_title_is_kept_tidy(manager) -> None:
    assert courses.course_create(actor=manager.user, title="  Spaced title ").title == "Spaced title"
    assert Course.objects.filter(title="Spaced title").exists()
