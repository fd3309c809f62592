"""Recording a breach case and deciding its outcome. A retraining outcome assigns the course through training's
own service, in the same transaction: the case, the assignment and both audit events stand or fall together."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.services import event_record
from codes.models import CodeDocument, CodeVersion, Section
from codes.selectors import version_in_force
from common.errors import InputRefused
from common.permissions import require_permission
from people.models import StaffProfile
from training.models import Course
from training.services.assignments import retraining_assign

from . import audit_actions
from .models import Case, Outcome


def in_force_on(document: CodeDocument, occurred_on: datetime.date) -> CodeVersion:
    """The version of `document` in force on the day of a breach; refused, on the date's field, when none was."""
    version = version_in_force(document, on=occurred_on)
    if version is None:
        raise InputRefused(
            _("No version of “%(document)s” was in force on %(day)s.")
            % {"document": document, "day": formats.date_format(occurred_on, "DATE_FORMAT")},
            field="occurred_on",
        )
    return version


def _refuse_clause_not_in_force(section: Section, occurred_on: datetime.date) -> None:
    in_force = in_force_on(section.version.document, occurred_on)
    if in_force.pk != section.version_id:
        raise InputRefused(
            _("On %(day)s version %(number)s of “%(document)s” was in force: choose a clause of that version.")
            % {
                "day": formats.date_format(occurred_on, "DATE_FORMAT"),
                "number": in_force.number,
                "document": section.version.document,
            },
            field="section",
        )


def _retraining_note(case: Case) -> str:
    return _("Breach case %(number)s: “%(clause)s” of %(version)s, on %(day)s.") % {
        "number": case.pk,
        "clause": case.section.title,
        "version": case.section.version,
        "day": formats.date_format(case.occurred_on, "DATE_FORMAT"),
    }


def _decide(
    case: Case,
    *,
    outcome: str,
    note: str,
    actor: User,
    course: Course | None,
    due_date: datetime.date | None,
) -> None:
    """Set the outcome; a retraining outcome first assigns the course (training's rules apply: an active course,
    a due date not in the past, no open assignment of it already). A case whose outcome is retraining already
    keeps the assignment it made: only its note changes."""
    if outcome == Outcome.RETRAINING and case.outcome != Outcome.RETRAINING:
        if course is None:
            raise InputRefused(_("Choose the course to retrain the person in."), field="course")
        if due_date is None:
            raise InputRefused(_("Give the date by which the retraining must be completed."), field="due_date")
        case.assignment = retraining_assign(
            person=case.person, course=course, actor=actor, due_date=due_date, note=_retraining_note(case)
        )
    case.outcome = outcome
    case.outcome_note = note.strip()
    case.outcome_changed_at = None if outcome == Outcome.PENDING else timezone.now()


@transaction.atomic
def case_open(
    *,
    person: StaffProfile,
    occurred_on: datetime.date,
    section: Section,
    description: str,
    actor: User,
    outcome: str = Outcome.PENDING,
    outcome_note: str = "",
    course: Course | None = None,
    due_date: datetime.date | None = None,
) -> Case:
    """Record a breach of the code by `person` on the day `occurred_on`, of a clause of the version in force that
    day (the organisation's calendar), with its outcome if decided already. A day in the future, or a clause of
    another version, is refused."""
    require_permission(actor, "cases.add_case")
    if occurred_on > timezone.localdate():
        raise InputRefused(_("The date of a breach cannot be in the future."), field="occurred_on")
    description = description.strip()
    if not description:
        raise InputRefused(_("Describe what happened."), field="description")
    _refuse_clause_not_in_force(section, occurred_on)
    case = Case.objects.create(
        person=person, occurred_on=occurred_on, section=section, description=description, recorded_by=actor
    )
    event_record(
        actor=actor,
        action=audit_actions.CASE_OPEN,
        target=case,
        details={
            "person": person.employee_id,
            "occurred_on": occurred_on.isoformat(),
            "version": section.version_id,
            "section": section.pk,
        },
    )
    if outcome != Outcome.PENDING:
        _decide_and_record(case, outcome=outcome, note=outcome_note, actor=actor, course=course, due_date=due_date)
    return case


def _decide_and_record(
    case: Case,
    *,
    outcome: str,
    note: str,
    actor: User,
    course: Course | None,
    due_date: datetime.date | None,
) -> None:
    before = case.outcome
    _decide(case, outcome=outcome, note=note, actor=actor, course=course, due_date=due_date)
    case.save(update_fields=["outcome", "outcome_note", "outcome_changed_at", "assignment"])
    details: dict[str, object] = {"from": before, "to": outcome, "note": case.outcome_note}
    if outcome == Outcome.RETRAINING:
        details["assignment"] = case.assignment_id
    event_record(actor=actor, action=audit_actions.CASE_OUTCOME, target=case, details=details)


@transaction.atomic
def case_set_outcome(
    *,
    case: Case,
    outcome: str,
    note: str,
    actor: User,
    course: Course | None = None,
    due_date: datetime.date | None = None,
) -> Case:
    """Decide or change the outcome of a case; each change is an audit event naming the outcome before and after.

    Retraining assigns the course only when chosen anew: an assignment made earlier keeps its own course of events
    (it is completed or cancelled in training), whatever the case's outcome becomes.
    """
    require_permission(actor, "cases.change_case")
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "section__version__document")
        .get(pk=case.pk)
    )
    if outcome == case.outcome and note.strip() == case.outcome_note:
        raise InputRefused(_("Nothing changed: the case has this outcome and note already."))
    _decide_and_record(case, outcome=outcome, note=note, actor=actor, course=course, due_date=due_date)
    return case


def cases_export_record(*, actor: User, file_format: str, rows: int, filters: dict[str, object]) -> None:
    """Note in the audit log who exported breach cases, in which format, how many, with which filters."""
    require_permission(actor, "cases.view_case")
    event_record(
        actor=actor,
        action=audit_actions.CASES_EXPORT,
        target=None,
        details={"format": file_format, "rows": rows, "filters": filters},
    )
