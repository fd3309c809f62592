from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models.functions import Cast
from django.utils import timezone

from common.text import as_in_json_column, replace_any_case, replace_in_json

from .actions import AuditAction, lookup
from .models import AuditEvent


def event_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    target: models.Model | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call it inside the transaction of the change it records.

    `target` is None for an action on no single object, such as an export. The action must be
    registered (audit/actions.py), so that the audit page can name it and filter on it.
    """
    event = _event(actor, action, target, details)
    event.save(force_insert=True)
    return event


def events_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    targets: Iterable[tuple[models.Model, dict[str, Any]]],
) -> int:
    """Append one audit event per (target, details), as `event_record` would, in one insert per thousand:
    a bulk change (an HR import) records each person's event without a round trip each."""
    events = [_event(actor, action, target, details) for target, details in targets]
    return len(AuditEvent.objects.bulk_create(events, batch_size=1000))


def _event(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: AuditAction,
    target: models.Model | None,
    details: dict[str, Any] | None,
) -> AuditEvent:
    if lookup(action.code) is not action:
        raise ImproperlyConfigured(f"The audit action {action.code!r} is not registered: register() it in its app.")
    return AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        action=action.code,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        details=details or {},
    )


# Longer descriptions are cut to the column's length.
OBJECT_REPR_LENGTH = AuditEvent._meta.get_field("object_repr").max_length


def events_pseudonymise(*, mentions: Iterable[str], pseudonym: str) -> int:
    """Replace every mention of a person (their name, email, username, employee id), whatever its case, in the
    audit log's descriptions — an event's object as it was named, and its details — by their pseudonym; returns how
    many events changed, each marked as pseudonymised when.

    Who acted, what was done to which object and when stay as they were: the database lets only these three
    columns change (audit migration 0004), hence plain SQL, as the model refuses any change. The events are found
    in SQL and rewritten in Python, for one rule of case on PostgreSQL and SQLite alike; few name a leaver.
    """
    mentions = list(mentions)
    details_text = Cast("details", output_field=models.TextField())
    named = models.Q(pk__in=[])
    for mention in mentions:
        named |= models.Q(object_repr__icontains=mention) | models.Q(details_text__icontains=as_in_json_column(mention))
    events = (
        AuditEvent.objects.annotate(details_text=details_text).filter(named).values_list("pk", "object_repr", "details")
    )
    table = AuditEvent._meta.db_table
    details_field = AuditEvent._meta.get_field("details")
    changed = 0
    with connection.cursor() as cursor:
        for pk, object_repr, details in events.iterator():
            for mention in mentions:
                object_repr = replace_any_case(object_repr, mention, pseudonym)
                details = replace_in_json(details, mention, pseudonym)
            cursor.execute(
                f"UPDATE {table} SET object_repr = %s, details = %s, pseudonymised_at = %s WHERE id = %s",  # noqa: S608
                [
                    object_repr[:OBJECT_REPR_LENGTH],
                    details_field.get_db_prep_value(details, connection),
                    timezone.now(),
                    pk,
                ],
            )
            changed += 1
    return changed
