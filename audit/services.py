from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import timezone

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
    """Replace every mention of a person (their name, email, username, employee id) in the audit log's
    descriptions — an event's object as it was named, and its details — by their pseudonym; returns how many
    events changed, each marked as pseudonymised when.

    Who acted, what was done to which object and when stay as they were: the database lets only these three
    columns change (audit migration 0004), hence plain SQL, as the model refuses any change.
    """
    table = AuditEvent._meta.db_table
    postgresql = connection.vendor == "postgresql"
    # How the details' JSON writes a mention: PostgreSQL's jsonb as UTF-8, Django's JSON text on SQLite escaped.
    details_text, contains = ("details::text", "strpos") if postgresql else ("details", "instr")
    details_value = f"replace({details_text}, %s, %s)" + ("::jsonb" if postgresql else "")
    changed = 0
    with connection.cursor() as cursor:
        for mention in mentions:
            in_json = json.dumps(mention, ensure_ascii=not postgresql)[1:-1]
            cursor.execute(
                f"UPDATE {table} SET object_repr = substr(replace(object_repr, %s, %s), 1, {OBJECT_REPR_LENGTH}), "  # noqa: S608
                f"details = {details_value}, pseudonymised_at = %s "
                f"WHERE {contains}(object_repr, %s) > 0 OR {contains}({details_text}, %s) > 0",
                [mention, pseudonym, in_json, pseudonym, timezone.now(), mention, in_json],
            )
            changed += cursor.rowcount
    return changed
