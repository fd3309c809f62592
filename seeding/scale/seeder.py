"""A whole scale run, in one transaction: what `manage.py seed_scale` calls."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from acknowledgements.models import AcknowledgementRequest, Signature
from audit.services import event_record
from people.models import StaffProfile
from reminders.models import ReminderLog
from training.models import Assignment, Completion

from .. import audit_actions
from .courses import training_write
from .documents import documents_write
from .loading import checked_after_loading
from .options import COMPLETED_SHARE, DEFAULT_PASSWORD, SECTIONS_PER_VERSION, ScaleOptions, ScaleSummary
from .organisation import plan_organisation
from .reminder_history import reminder_history_write
from .run import ScaleRun
from .signing import requests_write, signatures_write
from .staff import departments_write, existing_batches, staff_write


def seed(options: ScaleOptions, *, password: str = DEFAULT_PASSWORD, log: Callable[[str], None]) -> ScaleSummary:
    """Build one organisation in the default database; see the package's docstring for its shape."""
    run = ScaleRun.start(options, log=log)
    started = time.perf_counter()
    batches = existing_batches()
    run.batch = (batches[-1] + 1) if batches else 1
    run.summary.batch = run.batch
    with transaction.atomic():
        _write(run, password=password)
        event_record(
            actor=None,
            action=audit_actions.SEED_SCALE,
            target=None,
            details={"batch": run.batch, "people": run.summary.people, "signatures": run.summary.signatures},
        )
    run.done("committed")
    _analyse(run)
    run.summary.seconds = time.perf_counter() - started
    return run.summary


def _write(run: ScaleRun, *, password: str) -> None:
    """Every step, in the order the random draws are made (the same options give the same organisation)."""
    org = plan_organisation(run.options, run.rng)
    department_pks = departments_write(run, org)
    users = get_user_model()
    with checked_after_loading(
        users, users.groups.through, StaffProfile, AcknowledgementRequest, Signature, Completion, Assignment
    ):
        staff = staff_write(run, org, department_pks, password=password)
        published = documents_write(run, org, staff.user_pks)
        signed = requests_write(run, org, staff.profile_pks, published)
        signatures_write(run, org, staff.profile_pks, published, signed)
        training_write(run, org, staff, published)
    run.done("foreign keys and indexes rebuilt")
    if run.options.reminder_history:
        reminder_history_write(run)


def _analyse(run: ScaleRun) -> None:
    """Fresh planner statistics (and, outside a transaction, a vacuum) for the tables just filled."""
    if connection.vendor != "postgresql":
        return
    filled = [get_user_model(), StaffProfile, AcknowledgementRequest, Signature, Completion, Assignment, ReminderLog]
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in filled:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")  # type: ignore[attr-defined]
    run.done(f"{command} of {len(filled)} tables")


def expected_summary(options: ScaleOptions) -> ScaleSummary:
    """What a run with these options creates: exact for the organisation, expected values for the draws."""
    org = plan_organisation(options, random.Random(options.seed))  # noqa: S311 - not for security
    requests = options.people * options.documents
    signed = round(requests * options.signed_fraction)
    overdue = round(requests * options.overdue_fraction)
    completions = round(options.people * options.courses * COMPLETED_SHARE)
    return ScaleSummary(
        departments=len(org.departments),
        people=options.people,
        managers=org.managers,
        documents=options.documents,
        versions=options.documents * options.versions,
        sections=options.documents * options.versions * SECTIONS_PER_VERSION,
        requests=requests,
        signed=signed,
        overdue=overdue,
        pending=requests - signed - overdue,
        signatures=signed,
        courses=options.courses,
        completions=completions,
        assignments=options.people * options.courses,
    )
