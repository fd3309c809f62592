"""A reminder sweep after 10% of a version's requests became overdue, with the locmem email backend.

Its floor: the rules' claiming statements (INSERT … SELECT per rule), as a claim run rolled back before
the sweep ran them, run again alone on the driver's cursor in a transaction rolled back; plus sending
the emails the sweep sent, built again from their subject, text, recipients and HTML, to locmem.
"""

from __future__ import annotations

import datetime
import time

from bench.plumbing import Bench, Result
from bench.probes import Statement, counting_queries, recording_queries, run_raw
from bench.report import Row


def step_sweep(params: Result) -> Result:
    """Make 10% of a version's requests overdue (half of them a week late), then time one reminder sweep."""
    from django.core import mail
    from django.test.utils import override_settings
    from django.utils import timezone

    from acknowledgements.models import AcknowledgementRequest
    from reminders.services import sweep_now

    today = timezone.localdate()
    overdue = make_overdue(params["version_id"], today)
    claiming = _claiming_statements(today)
    claim_floor, claim_floor_rows = _claim_floor(claiming)
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        counting_queries() as counter,
    ):
        mail.outbox = []
        started = time.perf_counter()
        claimed, delivered = sweep_now(day=today)
        seconds = time.perf_counter() - started
        emails = len(mail.outbox)
        email_floor = _email_floor(mail.outbox)
    return {
        "seconds": seconds,
        "claim_floor": claim_floor,
        "claim_floor_rows": claim_floor_rows,
        "email_floor": email_floor,
        "queries": counter.count,
        "emails": emails,
        "claimed": claimed.claimed,
        "by_rule": claimed.by_rule,
        "sent": delivered.sent,
        "failed": len(delivered.failed),
        "people": AcknowledgementRequest.objects.filter(version_id=params["version_id"]).count(),
        "overdue": overdue,
    }


def _claiming_statements(day: datetime.date) -> list[Statement]:
    """The statements that claim the reminders due on `day`, as a claim run rolled back runs them."""
    from django.db import transaction

    from reminders.services import reminders_claim

    with transaction.atomic(), recording_queries(keep=_claims) as recorder:
        reminders_claim(day=day)
        transaction.set_rollback(True)
    return recorder.statements


def _claims(sql: str) -> bool:
    return sql.startswith('INSERT INTO "reminders_reminderlog"')


def _claim_floor(claiming: list[Statement]) -> tuple[float, int]:
    """The seconds and rows of the claiming statements run alone, in a transaction rolled back."""
    from django.db import transaction

    with transaction.atomic():
        floor = run_raw(claiming)
        transaction.set_rollback(True)
    return floor


def _email_floor(sent: list) -> float:
    """Seconds to send the same emails again to locmem, built anew from what each one says (no templates)."""
    from django.core import mail

    started = time.perf_counter()
    emails = []
    for email in sent:
        again = mail.EmailMultiAlternatives(email.subject, email.body, email.from_email, email.to)
        for content, mimetype in getattr(email, "alternatives", []):
            again.attach_alternative(content, mimetype)
        emails.append(again)
    with mail.get_connection() as connection:
        connection.send_messages(emails)
    return time.perf_counter() - started


def make_overdue(version_id: int, today: datetime.date) -> int:
    """Every tenth pending request of the version becomes overdue: half 3 days late, half 10 (escalated)."""
    from acknowledgements.models import AcknowledgementRequest

    requests = AcknowledgementRequest.objects.filter(version_id=version_id, status="pending")
    overdue = list(requests.order_by("pk").values_list("pk", flat=True))[::10]
    late, very_late = overdue[0::2], overdue[1::2]
    requests.filter(pk__in=late).update(due_date=today - datetime.timedelta(days=3))
    requests.filter(pk__in=very_late).update(due_date=today - datetime.timedelta(days=10))
    return len(overdue)


def measure_sweep(bench: Bench, version_id: int) -> None:
    bench.say("reminder sweep")
    result = bench.child("sweep", version_id=version_id).result
    if result["failed"] or not result["emails"]:
        bench.problems.append(f"the sweep sent {result['emails']} emails, {result['failed']} failed")
    if result["claim_floor_rows"] != result["claimed"]:
        bench.problems.append(f"the sweep's floor claimed {result['claim_floor_rows']:,}, not {result['claimed']:,}")
    floor = result["claim_floor"] + result["email_floor"]
    ratio = result["seconds"] / floor
    bench.rows.append(
        Row(
            f"reminder sweep, {result['people']:,} people, {result['overdue']:,} overdue",
            f"{result['seconds']:.1f} s, {result['queries']:,} queries, {result['emails']:,} emails "
            f"({result['claimed']:,} claimed, {result['failed']} failed)",
            "≤ 60 s, ≤ 2× floor",
            result["seconds"] <= 60 and result["failed"] == 0 and ratio <= 2,
            floor=f"claiming SQL alone {result['claim_floor']:.1f} s + the emails to locmem "
            f"{result['email_floor']:.1f} s = {floor:.1f} s",
            ratio=f"{ratio:.2f}×",
        )
    )
