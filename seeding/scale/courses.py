"""Training: courses with a yearly refresher, completions over the last thirteen months, open assignments."""

from __future__ import annotations

import datetime
import functools

from dateutil.relativedelta import relativedelta

from training.models import Assignment, AssignmentReason, AssignmentStatus, Completion, Course

from .documents import Published
from .loading import Rows
from .options import COMPLETED_SHARE
from .organisation import Organisation
from .run import ScaleRun
from .staff import Staff

REFRESHER_MONTHS = 12
TOPICS = ["Code of conduct refresher", "Protecting customer data", "Resolving complaints well"]


def training_write(run: ScaleRun, org: Organisation, staff: Staff, published: list[Published]) -> None:
    """The courses, on the first document's sections, and everyone's history in each."""
    if not run.options.courses:
        return
    recorder_pk = staff.user_pks[next(i for i, p in enumerate(org.people) if p.role == "Compliance officer")]
    first = published[0].version
    section_pks = list(first.sections.order_by("position").values_list("pk", flat=True))
    completions = run.rows(
        Completion, ["person_id", "course_id", "completed_on", "score", "evidence_note", "recorded_by_id"]
    )
    assignments = run.rows(Assignment, ["person_id", "course_id", "reason", "due_date", "status"])
    for number in range(run.options.courses):
        course = _course_create(run, number, first.document_id)
        course.sections.set(section_pks[number * 3 : number * 3 + 3])
        run.summary.courses += 1
        for person_pk in staff.profile_pks:
            _history_add(run, person_pk, course.pk, recorder_pk, completions, assignments)
    completions.flush()
    assignments.flush()
    run.summary.completions = completions.written
    run.summary.assignments = assignments.written
    run.done(
        f"{run.summary.courses} courses, {run.summary.completions} completions, "
        f"{run.summary.assignments} open assignments"
    )


def _course_create(run: ScaleRun, number: int, document_pk: int) -> Course:
    topic = TOPICS[number % len(TOPICS)]
    title = topic if number < len(TOPICS) else f"{topic} {number // len(TOPICS) + 1}"
    return Course.objects.create(
        title=f"{title}{run.name_suffix}",
        description="Yearly training on the code of conduct, with a short test.",
        document_id=document_pk,
        refresher_interval_months=REFRESHER_MONTHS,
        is_mandatory=True,
    )


def _history_add(
    run: ScaleRun, person_pk: int, course_pk: int, recorder_pk: int, completions: Rows, assignments: Rows
) -> None:
    """One person in one course: a completion and its refresher open, or the initial assignment open."""
    rng = run.rng
    if rng.random() < COMPLETED_SHARE:
        # Completed within the last thirteen months: some refreshers fall due soon, a few are overdue.
        completed_on = run.today - datetime.timedelta(days=rng.randint(0, 395))
        completions.add((person_pk, course_pk, completed_on, rng.randint(60, 100), "Online test passed.", recorder_pk))
        reason = AssignmentReason.REFRESHER
        due = _refresher_due(completed_on)
    else:
        reason = AssignmentReason.INITIAL
        due = run.today + datetime.timedelta(days=run.rng.randint(-20, 30))
    assignments.add((person_pk, course_pk, reason, due, AssignmentStatus.OPEN))


@functools.cache
def _refresher_due(completed_on: datetime.date) -> datetime.date:
    """When a completion's refresher falls due. Completions fall on some 400 days, and adding a relativedelta
    is slow: at a million people, computing it once per person cost seconds."""
    return completed_on + relativedelta(months=REFRESHER_MONTHS)
