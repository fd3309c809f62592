"""Assigning a course to its audience or to a joiner, retraining, and cancelling an assignment."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from common.errors import DomainError
from people.services import person_deactivate
from people.tests.factories import DepartmentFactory, StaffProfileFactory
from training.models import Assignment, AssignmentReason, AssignmentStatus
from training.services import assignments
from training.tests.factories import (
    AssignmentFactory,
    CompletionFactory,
    CourseFactory,
)

from .helpers import assigned, days, open_assignment, today

pytestmark = pytest.mark.django_db


def test_a_departmental_course_is_assigned_to_that_department_and_its_sub_departments(manager, agent) -> None:
    operations = DepartmentFactory(name="Operations", code="OPS")
    agent.department.parent = operations
    agent.department.save()
    StaffProfileFactory(user__username="bob", department=DepartmentFactory(code="BIL"))
    course = CourseFactory()
    course.audience_departments.set([operations])

    made = assignments.assignments_create_for_course(course=course)

    assert assigned(course) == {"maria", "ana"}
    assert made == 2


def test_nobody_is_assigned_twice(course, agent) -> None:
    assignments.assignments_create_for_course(course=course)

    assert assignments.assignments_create_for_course(course=course) == 0
    assert Assignment.objects.filter(person=agent, course=course).count() == 1


def test_a_leaver_is_not_assigned(course, agent) -> None:
    person_deactivate(user=agent.user, actor=None)

    assignments.assignments_create_for_course(course=course)

    assert "ana" not in assigned(course)


def test_a_recent_completion_spares_the_person(course, agent, manager) -> None:
    CompletionFactory(person=agent, course=course, completed_on=today() - days(100), recorded_by=manager.user)

    assignments.assignments_create_for_course(course=course)

    assert "ana" not in assigned(course)


def test_a_lapsed_completion_brings_a_refresher(course, agent, manager) -> None:
    CompletionFactory(person=agent, course=course, completed_on=today() - days(400), recorded_by=manager.user)

    assignments.assignments_create_for_course(course=course)

    assert open_assignment(agent, course).reason == AssignmentReason.REFRESHER


def test_without_a_refresher_interval_any_completion_counts_for_ever(agent, manager) -> None:
    course = CourseFactory(refresher_interval_months=None)
    CompletionFactory(person=agent, course=course, completed_on=today() - days(2000), recorded_by=manager.user)

    assignments.assignments_create_for_course(course=course)

    assert "ana" not in assigned(course)


@pytest.mark.parametrize("people", [1, 25])
def test_assigning_a_course_costs_the_same_queries_for_1_or_25_people(
    course, support, people, django_assert_num_queries
) -> None:
    StaffProfileFactory.create_batch(people, department=support)

    # savepoint, the course's audience departments, one INSERT … SELECT of the people who need it,
    # the audit event, savepoint
    with django_assert_num_queries(5):
        made = assignments.assignments_create_for_course(course=course)

    assert made == people


def test_a_new_joiner_is_assigned_the_mandatory_courses_for_them(course, support) -> None:
    elsewhere = CourseFactory(title="Billing rules")
    elsewhere.audience_departments.set([DepartmentFactory(code="BIL")])
    CourseFactory(title="Optional workshop", is_mandatory=False)
    newcomer = StaffProfileFactory(department=support)

    made = assignments.assignments_create_for_people(person_ids=[newcomer.pk])

    assert made == 1
    assert open_assignment(newcomer, course).reason == AssignmentReason.INITIAL


def test_a_joiner_who_has_the_course_open_is_not_assigned_again(course, agent) -> None:
    AssignmentFactory(person=agent, course=course)

    assert assignments.assignments_create_for_people(person_ids=[agent.pk]) == 0


# ---------------------------------------------------------------------------
# Retraining
# ---------------------------------------------------------------------------


def retrain(person, course, actor, **kwargs) -> Assignment:
    arguments = {"due_date": today() + days(14), "note": "Breach of the code on 3 March", **kwargs}
    return assignments.retraining_assign(person=person, course=course, actor=actor, **arguments)


def test_compliance_assigns_retraining_to_anyone(course, second_manager, compliance_officer) -> None:
    assignment = retrain(second_manager, course, compliance_officer.user)

    assert assignment.reason == AssignmentReason.RETRAINING
    assert assignment.assigned_by == compliance_officer.user
    assert assignment.note == "Breach of the code on 3 March"
    assert AuditEvent.objects.filter(action="training.assignment.retraining").count() == 1


def test_a_manager_assigns_retraining_to_a_direct_report(course, agent, manager) -> None:
    assert retrain(agent, course, manager.user).due_date == today() + days(14)


def test_a_manager_cannot_assign_retraining_outside_their_team(course, agent, second_manager) -> None:
    with pytest.raises(PermissionDenied):
        retrain(agent, course, second_manager.user)


def test_an_agent_cannot_assign_retraining(course, manager, agent) -> None:
    with pytest.raises(PermissionDenied):
        retrain(manager, course, agent.user)


def test_retraining_needs_a_reason(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="Say why"):
        retrain(agent, course, manager.user, note="   ")


def test_retraining_cannot_be_due_in_the_past(course, agent, manager) -> None:
    with pytest.raises(DomainError, match="past"):
        retrain(agent, course, manager.user, due_date=today() - days(1))


def test_retraining_is_refused_while_an_assignment_is_open_and_says_which(course, agent, manager) -> None:
    AssignmentFactory(person=agent, course=course, due_date=datetime.date(2031, 3, 5))

    with pytest.raises(DomainError, match=r"already has an open initial assignment .* due on 5 Mar 2031"):
        retrain(agent, course, manager.user)


def test_retraining_in_an_inactive_course_is_refused(agent, manager) -> None:
    with pytest.raises(DomainError, match="not active"):
        retrain(agent, CourseFactory(is_active=False), manager.user)


def test_an_open_assignment_is_cancelled_with_a_reason(course, agent, administrator) -> None:
    administrator.user.is_superuser = True
    administrator.user.save()
    assignment = AssignmentFactory(person=agent, course=course)

    assignments.assignment_cancel(assignment=assignment, actor=administrator.user, reason="Exempt: trainer")

    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.CANCELLED
