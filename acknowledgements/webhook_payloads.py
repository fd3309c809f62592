"""What acknowledgements tells webhook receivers (docs/webhooks.md): the data of its events, built here, sent by
`webhooks`. A change of many requests at once gives a query of payloads, one JSON object per request, which
`webhooks.services.events_emit` inserts from the SELECT without reading it into Python."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import JSONObject

from .models import AcknowledgementRequest, Signature


def signature_created(signature: Signature) -> dict[str, Any]:
    """`signature.created`: the record, with what a receiver needs to check it against the chain."""
    return {
        "signature": signature.pk,
        "request": signature.request_id,
        "version": signature.version_id,
        "person": signature.person_id,
        "sequence": signature.sequence,
        "signed_at": signature.signed_at.isoformat(),
        "language": signature.language,
        "content_hash": signature.content_hash,
        "record_hash": signature.record_hash,
    }


def request_state_changed(
    ack_request: AcknowledgementRequest, *, before: str, after: str, at: datetime.datetime
) -> dict[str, Any]:
    """`request.state_changed` for one request."""
    return {
        "request": ack_request.pk,
        "version": ack_request.version_id,
        "person": ack_request.person_id,
        "from": before,
        "to": after,
        "at": at.isoformat(),
    }


def requests_state_changed(
    requests: QuerySet[AcknowledgementRequest], *, before: str, after: str, at: datetime.datetime
) -> QuerySet:
    """`request.state_changed` for each of `requests`, as a query (the same data as `request_state_changed`)."""
    return requests.order_by().values_list(
        JSONObject(
            request=F("pk"),
            version=F("version_id"),
            person=F("person_id"),
            **{"from": _text(before)},
            to=_text(after),
            at=_text(at.isoformat()),
        )
    )


def requests_overdue(request_ids: Sequence[int]) -> QuerySet:
    """`request.overdue` for each of these requests, as a query."""
    requests = AcknowledgementRequest.objects.filter(pk__in=request_ids).order_by()
    return requests.values_list(
        JSONObject(request=F("pk"), version=F("version_id"), person=F("person_id"), due_date=F("due_date"))
    )


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())
