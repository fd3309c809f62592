from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import models

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
