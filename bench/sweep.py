"""A reminder sweep after 10% of a version's requests became overdue, with the locmem email backend."""

from __future__ import annotations

import datetime
import time

from bench.plumbing import Bench, Result
from bench.probes import counting_queries
from bench.report import Row


def step_sweep(params: Result) -> Result:
    """Make 10% of a version's requests overdue (half of them a week late), then time one reminder sweep."""
    from django.core import mail
    from django.test.utils import override_settings
    from django.utils import timezone

    from acknowledgements.models import AcknowledgementRequest
    from reminders.services import sweep_now

    today = timezone.localdate()
    overdue = _make_overdue(params["version_id"], today)
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        counting_queries() as counter,
    ):
        mail.outbox = []
        started = time.perf_counter()
        claimed, delivered = sweep_now(day=today)
        seconds = time.perf_counter() - started
        emails = len(mail.outbox)
    return {
        "seconds": seconds,
        "queries": counter.count,
        "emails": emails,
        "claimed": claimed.claimed,
        "by_rule": claimed.by_rule,
        "sent": delivered.sent,
        "failed": len(delivered.failed),
        "people": AcknowledgementRequest.objects.filter(version_id=params["version_id"]).count(),
        "overdue": overdue,
    }


def _make_overdue(version_id: int, today: datetime.date) -> int:
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
    bench.rows.append(
        Row(
            f"reminder sweep, {result['people']:,} people, {result['overdue']:,} overdue",
            f"{result['seconds']:.1f} s, {result['queries']:,} queries, {result['emails']:,} emails "
            f"({result['claimed']:,} claimed, {result['failed']} failed)",
            "≤ 60 s",
            result["seconds"] <= 60 and result["failed"] == 0,
        )
    )
