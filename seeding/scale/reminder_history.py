"""The reminder history: every reminder due today recorded as sent, as if the daily sweep had been running."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from common.chunks import batched
from reminders.models import DeliveryStatus, ReminderLog
from reminders.rules import Claim, all_rules

from .loading import BATCH_SIZE
from .run import ScaleRun


def reminder_history_write(run: ScaleRun) -> None:
    """Every reminder the rules find due today, recorded as sent, so that the next sweep sends only what is new."""
    for rule in all_rules():
        claims = rule.claims(run.today)
        if connection.vendor == "postgresql" and isinstance(claims, QuerySet):
            run.summary.reminders += _claim_in_sql(run, rule.kind, rule.stage, claims)
        else:
            run.summary.reminders += _claim_in_batches(run, rule.kind, rule.stage, claims)
    run.done(f"{run.summary.reminders} reminders recorded as sent already")


def _claim_in_sql(run: ScaleRun, kind: str, stage: str, claims: QuerySet) -> int:
    """INSERT … SELECT of one rule's (object, recipient, due date) claims: no row travels through Python."""
    select, params = claims.query.sql_with_params()
    # The table name is our own and the rule's query is compiled by the ORM.
    table = connection.ops.quote_name(ReminderLog._meta.db_table)
    sql = (
        f"INSERT INTO {table} (kind, object_id, recipient_id, due_date, stage, status, attempts, last_error,"  # noqa: S608
        f" created_at, sent_at) SELECT %s, due.object_id, due.recipient_id, due.due_date, %s, %s, 1, '', %s, %s"
        f" FROM ({select}) AS due (object_id, recipient_id, due_date) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, stage, DeliveryStatus.SENT, run.now, run.now, *params])
        return cursor.rowcount


def _claim_in_batches(run: ScaleRun, kind: str, stage: str, claims: Iterable[Claim]) -> int:
    """The same through the ORM, for SQLite and for rules whose claims are not a query."""
    claimed = 0
    for batch in batched(claims, BATCH_SIZE):
        ReminderLog.objects.bulk_create(
            [
                ReminderLog(
                    kind=kind,
                    object_id=object_id,
                    recipient_id=recipient_id,
                    due_date=due_date,
                    stage=stage,
                    status=DeliveryStatus.SENT,
                    attempts=1,
                    sent_at=run.now,
                )
                for object_id, recipient_id, due_date in batch
            ],
            ignore_conflicts=True,
        )
        claimed += len(batch)
    return claimed
