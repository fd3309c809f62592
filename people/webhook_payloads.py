"""What people tells webhook receivers (docs/webhooks.md): the data of its events, built here, sent by `webhooks`.

Given as queries of payloads: the staff record is read only when an endpoint subscribes to the event."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import JSONObject

from .models import StaffProfile


def people_deactivated(user_ids: Sequence[int], *, at: datetime.datetime) -> QuerySet:
    """`person.deactivated` for the staff records of these accounts."""
    return (
        StaffProfile.objects.filter(user_id__in=user_ids)
        .order_by()
        .values_list(
            JSONObject(
                person=F("pk"),
                user=F("user_id"),
                employee_id=F("employee_id"),
                at=Value(at.isoformat(), output_field=CharField()),
            )
        )
    )
