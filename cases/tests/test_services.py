"""Recording a breach case against the clause in force on its date, and deciding its outcome: retraining assigns
the course through training's service, in the same transaction, audited."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditEvent
from cases import services
from cases.models import Case, Outcome
from cases.selectors import course_for_section
from common.errors import DomainError, InputRefused
from training.models import Assignment, AssignmentReason
from training.tests.factories import CourseFactory

from .conftest import UNDER_FIRST, UNDER_SECOND, privacy_of
from .factories import record

pytestmark = pytest.mark.django_db


def due_in_a_month() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


def record_retraining(agent, section, officer, *, occurred_on=UNDER_SECOND, **retraining):
    """A case recorded with a retraining outcome (course and due date given in `retraining`)."""
    return record(agent, section, actor=officer, occurred_on=occurred_on, outcome=Outcome.RETRAINING, **retraining)


def test_a_case_names_the_clause_of_the_version_in_force_on_the_breach_date(history, agent, compliance_officer) -> None:
    first, second = history

    before = record(agent, privacy_of(first), actor=compliance_officer.user, occurred_on=UNDER_FIRST)
    after = record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND)

    assert (before.section.version.number, after.section.version.number) == (1, 2)
    assert before.outcome == after.outcome == Outcome.PENDING


def test_a_clause_of_the_version_not_in_force_that_day_is_refused(history, agent, compliance_officer) -> None:
    _first, second = history

    with pytest.raises(InputRefused, match="version 1 of “Customer Service Code” was in force") as refusal:
        record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_FIRST)

    assert refusal.value.field == "section"
    assert not Case.objects.exists()


def test_a_date_before_the_first_version_took_effect_is_refused(history, agent, compliance_officer) -> None:
    first, _second = history

    with pytest.raises(InputRefused, match="No version of “Customer Service Code” was in force") as refusal:
        record(agent, privacy_of(first), actor=compliance_officer.user, occurred_on=datetime.date(2026, 2, 28))

    assert refusal.value.field == "occurred_on"


def test_a_date_in_the_future_is_refused(history, agent, compliance_officer) -> None:
    _first, second = history
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(InputRefused, match="cannot be in the future"):
        record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=tomorrow)


def test_a_case_without_a_description_is_refused(history, agent, compliance_officer) -> None:
    _first, second = history

    with pytest.raises(InputRefused, match="Describe what happened"):
        record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND, description=" ")


def test_recording_a_case_is_audited(history, agent, compliance_officer) -> None:
    _first, second = history

    case = record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND)

    event = AuditEvent.objects.get(action="cases.case.open")
    assert (event.actor, event.object_id) == (compliance_officer.user, str(case.pk))
    assert event.details == {
        "person": agent.employee_id,
        "occurred_on": "2026-03-10",
        "version": second.pk,
        "section": privacy_of(second).pk,
    }


def test_only_those_who_may_add_cases_record_one(history, agent, manager) -> None:
    _first, second = history

    with pytest.raises(PermissionDenied):
        record(agent, privacy_of(second), actor=manager.user, occurred_on=UNDER_SECOND)


def test_a_retraining_outcome_assigns_the_course_with_its_due_date(
    history, privacy_course, agent, compliance_officer
) -> None:
    first, _second = history
    due = due_in_a_month()

    case = record_retraining(
        agent, privacy_of(first), compliance_officer.user, occurred_on=UNDER_FIRST, course=privacy_course, due_date=due
    )

    assignment = Assignment.objects.get(person=agent)
    assert (assignment.course, assignment.reason, assignment.due_date) == (
        privacy_course,
        AssignmentReason.RETRAINING,
        due,
    )
    assert assignment.note == f"Breach case {case.pk}: “Privacy” of Customer Service Code v1, on 9 Mar 2026."
    assert (case.outcome, case.assignment) == (Outcome.RETRAINING, assignment)
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))[-3:] == [
        "cases.case.open",
        "training.assignment.retraining",
        "cases.case.outcome",
    ]
    assert AuditEvent.objects.get(action="cases.case.outcome").details == {
        "from": "pending",
        "to": "retraining",
        "note": "",
        "assignment": assignment.pk,
    }


def test_a_retraining_outcome_needs_a_course(history, agent, compliance_officer) -> None:
    _first, second = history

    with pytest.raises(InputRefused, match="Choose the course") as refusal:
        record_retraining(agent, privacy_of(second), compliance_officer.user, due_date=due_in_a_month())

    assert refusal.value.field == "course"
    assert not Case.objects.exists()


def test_a_retraining_outcome_needs_a_due_date(history, privacy_course, agent, compliance_officer) -> None:
    _first, second = history

    with pytest.raises(InputRefused, match="Give the date") as refusal:
        record_retraining(agent, privacy_of(second), compliance_officer.user, course=privacy_course)

    assert refusal.value.field == "due_date"


def test_a_retraining_training_refuses_leaves_no_case_behind(history, agent, compliance_officer) -> None:
    _first, second = history
    inactive = CourseFactory(is_active=False)

    with pytest.raises(DomainError, match="is not active"):
        record_retraining(
            agent, privacy_of(second), compliance_officer.user, course=inactive, due_date=due_in_a_month()
        )

    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="cases.").exists()


def test_deciding_the_outcome_later_assigns_retraining(history, privacy_course, agent, compliance_officer) -> None:
    _first, second = history
    case = record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND)

    services.case_set_outcome(
        case=case,
        outcome=Outcome.RETRAINING,
        note="Second incident this quarter.",
        actor=compliance_officer.user,
        course=privacy_course,
        due_date=due_in_a_month(),
    )

    case.refresh_from_db()
    assert case.assignment == Assignment.objects.get(person=agent, reason=AssignmentReason.RETRAINING)
    assert (case.outcome, case.outcome_note) == (Outcome.RETRAINING, "Second incident this quarter.")
    assert case.outcome_changed_at is not None


def test_each_change_of_outcome_is_audited_with_the_outcome_before_and_after(
    history, agent, compliance_officer
) -> None:
    _first, second = history
    case = record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND)

    services.case_set_outcome(case=case, outcome=Outcome.COACHING, note="", actor=compliance_officer.user)
    services.case_set_outcome(
        case=case, outcome=Outcome.DISCIPLINARY, note="It happened again.", actor=compliance_officer.user
    )

    changes = AuditEvent.objects.filter(action="cases.case.outcome").order_by("pk")
    assert [event.details for event in changes] == [
        {"from": "pending", "to": "coaching", "note": ""},
        {"from": "coaching", "to": "disciplinary", "note": "It happened again."},
    ]


def test_changing_nothing_is_refused(history, agent, compliance_officer) -> None:
    _first, second = history
    case = record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND)

    with pytest.raises(InputRefused, match="Nothing changed"):
        services.case_set_outcome(case=case, outcome=Outcome.PENDING, note="", actor=compliance_officer.user)


def test_a_new_note_on_a_retraining_outcome_assigns_nothing_more(
    history, privacy_course, agent, compliance_officer
) -> None:
    _first, second = history
    case = record_retraining(
        agent, privacy_of(second), compliance_officer.user, course=privacy_course, due_date=due_in_a_month()
    )

    services.case_set_outcome(
        case=case, outcome=Outcome.RETRAINING, note="Booked for the April session.", actor=compliance_officer.user
    )

    case.refresh_from_db()
    assert Assignment.objects.filter(person=agent).count() == 1
    assert case.outcome_note == "Booked for the April session."


def test_only_those_who_may_change_cases_decide_an_outcome(history, agent, compliance_officer, manager) -> None:
    _first, second = history
    case = record(agent, privacy_of(second), actor=compliance_officer.user, occurred_on=UNDER_SECOND)

    with pytest.raises(PermissionDenied):
        services.case_set_outcome(case=case, outcome=Outcome.COACHING, note="", actor=manager.user)


def test_the_course_offered_teaches_the_clause_in_any_version(history, privacy_course) -> None:
    first, second = history
    CourseFactory(title="Unrelated course")

    assert course_for_section(privacy_of(second)) == privacy_course
    assert course_for_section(first.sections.get(title="Professionalism")) is None
