"""Reads for the audit log page: each returns a queryset ready to paginate."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Mapping
from functools import reduce
from typing import Any

from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from .models import AuditEvent


def _start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def events(filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEvent]:
    """Audit events, newest first, narrowed by the cleaned data of ``EventFilterForm``.

    ``date_from`` and ``date_to`` are whole days in the current time zone, both included.
    """
    filters = filters or {}
    found = AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if action := filters.get("action"):
        found = found.filter(action=action)
    # Every word must match the username, first or last name, so "Maria Pop" finds Maria Popescu.
    for word in (filters.get("actor") or "").split():
        found = found.filter(
            Q(actor__username__icontains=word)
            | Q(actor__first_name__icontains=word)
            | Q(actor__last_name__icontains=word)
        )
    if object_repr := filters.get("object"):
        found = found.filter(object_repr__icontains=object_repr)
    if date_from := filters.get("date_from"):
        found = found.filter(created_at__gte=_start_of_day(date_from))
    if date_to := filters.get("date_to"):
        found = found.filter(created_at__lt=_start_of_day(date_to + datetime.timedelta(days=1)))
    return found


def events_about(objects: Mapping[type[Model], QuerySet]) -> QuerySet[AuditEvent]:
    """The events whose object is one of `objects` (for each model, a queryset of its rows), newest first.

    Events name their object by type and id (text), so each queryset becomes a subquery of ids the
    (object_type, object_id) index answers."""
    about = [
        Q(
            object_type=model._meta.label_lower,
            object_id__in=rows.order_by().annotate(object_key=Cast("pk", CharField())).values("object_key"),
        )
        for model, rows in objects.items()
    ]
    if not about:
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("actor").filter(reduce(operator.or_, about)).order_by("-created_at", "-id")
