from __future__ import annotations

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
    if lookup(action.code) is not action:
        raise ImproperlyConfigured(f"The audit action {action.code!r} is not registered: register() it in its app.")
    return AuditEvent.objects.create(
        actor_id=actor.pk if actor is not None else None,
        action=action.code,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        object_repr=str(target)[:255] if target is not None else "",
        details=details or {},
    )
