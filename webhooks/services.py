"""State changes for webhooks: announcing events, sending deliveries, and the endpoints' administration.

The apps above announce their events here with `event_emit` / `events_emit`, inside the transaction of the
change, and build the payload themselves: webhooks knows nothing of people, codes or requests. Nothing is
written when no active endpoint subscribes to the event type, and nothing is sent before the transaction
commits: the deliveries are handed to the workers on commit, so the request that caused an event never
waits on a receiver.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import event_record
from common.chunks import batched
from common.errors import DomainError, InputRefused
from common.permissions import users_with_permission

from . import audit_actions
from .models import OUTSTANDING, SUBSCRIBABLE, Delivery, DeliveryStatus, Endpoint, Event, EventType
from .signing import Answer, body_encode, post, secret_generate, signature, url_refusal

Actor = User

# Events inserted and handed to the workers at a time.
BATCH_SIZE = 1000
MANAGE_PERMISSION = "webhooks.manage_endpoint"


# ---------------------------------------------------------------------------
# Announcing events
# ---------------------------------------------------------------------------


def subscribers(event_type: str) -> list[int]:
    """The active endpoints that subscribe to `event_type`: one query over the (few) active endpoints."""
    return subscribers_of([event_type])[event_type]


def subscribers_of(event_types: Iterable[str]) -> dict[str, list[int]]:
    """For each of `event_types`, the active endpoints that subscribe to it: one query, however many types."""
    active = list(Endpoint.objects.filter(active=True).order_by().values_list("pk", "events"))
    return {event_type: [pk for pk, events in active if event_type in events] for event_type in event_types}


def event_emit(*, type: str, payload: dict[str, Any], endpoints: list[int] | None = None) -> Event | None:
    """Announce one event of `type` with `payload` (JSON-ready: ids, strings, numbers) to its subscribers.

    Call it inside the transaction of the change it announces. Writes nothing, and returns None, when no
    active endpoint subscribes to `type` (one query); otherwise the event and one delivery per subscriber,
    which the workers send once the transaction commits. `endpoints` are the subscribers when the caller
    looked them up already (`subscribers_of`), before a lock it then holds until it commits, say.
    """
    if endpoints is None:
        endpoints = subscribers(type)
    if not endpoints:
        return None
    event = Event.objects.create(type=type, occurred_at=timezone.now(), payload=payload)
    _deliveries_create([event.pk], endpoints, occurred_at=event.occurred_at)
    return event


def events_emit(*, type: str, payloads: Iterable[dict[str, Any]] | QuerySet) -> int:
    """Announce one event of `type` per payload, set-based, as `event_emit` would one by one.

    `payloads` is either dicts, or a queryset selecting one JSON column (a `JSONObject`), whose rows go
    from the SELECT to the INSERT inside the database. Either way the events are inserted a thousand
    per statement (the queryset's all in one) and their deliveries a thousand events' worth per
    statement; a queryset is not even run when nobody subscribes. Returns how many events were written.
    """
    endpoints = subscribers(type)
    if not endpoints:
        return 0
    now = timezone.now()
    if isinstance(payloads, QuerySet):
        event_ids = _events_insert_from_query(type, now, payloads)
    else:
        event_ids = []
        for batch in batched(payloads, BATCH_SIZE):
            events = Event.objects.bulk_create([Event(type=type, occurred_at=now, payload=p) for p in batch])
            event_ids.extend(event.pk for event in events)
    _deliveries_create(event_ids, endpoints, occurred_at=now)
    return len(event_ids)


def _events_insert_from_query(type: str, occurred_at: datetime.datetime, rows: QuerySet) -> list[int]:
    """INSERT INTO event … SELECT: one event per row of `rows` (a values_list of one JSON column); their ids."""
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    meta = Event._meta
    select, params = rows.order_by().query.sql_with_params()  # in no order: the events are one set
    occurred = Event._meta.get_field("occurred_at").get_db_prep_save(occurred_at, connection)
    columns = ", ".join(quote(column) for column in ("type", "occurred_at", "payload"))
    # The WITH goes inside the INSERT, as in common.bulk: SQLite's driver reports rows only of a
    # statement that begins with INSERT. RETURNING is PostgreSQL's and SQLite's (3.35+) alike.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - the ORM's own SQL and our names
        f"WITH selected (payload) AS ({select}) "
        f"SELECT %s, %s, payload FROM selected RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, type, occurred])
        return [row[0] for row in cursor.fetchall()]


def _deliveries_create(event_ids: Sequence[int], endpoints: Sequence[int], *, occurred_at: datetime.datetime) -> None:
    if not event_ids:
        return
    for batch in batched(event_ids, BATCH_SIZE):
        Delivery.objects.bulk_create(
            [
                Delivery(event_id=event_id, endpoint_id=endpoint_id, next_attempt_at=occurred_at)
                for event_id in batch
                for endpoint_id in endpoints
            ]
        )
    _dispatch_on_commit(event_ids)


def _dispatch_on_commit(event_ids: Sequence[int]) -> None:
    # The workers see the rows only once they are committed; a rolled back change sends nothing. Robust: a
    # broker that is down must not turn the committed change into an error page; the sweep sends them later.
    transaction.on_commit(lambda: _dispatch(event_ids), robust=True)


def _dispatch(event_ids: Sequence[int]) -> None:
    from .tasks import dispatch  # the tasks call these services: imported when first needed

    for batch in batched(event_ids, BATCH_SIZE):
        dispatch.apply_async((batch,), queue=settings.WEBHOOK_QUEUE or None)


def deliveries_of_events(*, event_ids: Sequence[int]) -> list[int]:
    """The deliveries of these events still to send to an active endpoint (what `dispatch` hands out)."""
    return list(
        Delivery.objects.filter(event_id__in=event_ids, status__in=OUTSTANDING, endpoint__active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# ---------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------


def _lease() -> datetime.timedelta:
    # Longer than any attempt can take: until then nobody else may claim the delivery. A worker that
    # died while sending leaves it to the sweep once the lease has run out.
    return datetime.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 60)


def delivery_attempt(*, delivery_id: int) -> str:
    """Send a due delivery once, and record what the receiver answered. Returns the delivery's status after,
    or "skipped" when it was not to be sent (sent already, not due, being sent, its endpoint disabled).

    The attempt is claimed first by a conditional UPDATE (outstanding and due → under way until the
    lease ends), so two workers never send the same delivery at once. No transaction is held while the
    receiver answers. A 2xx answer is success; anything else (another status, a redirect, a timeout,
    no connection) is retried after the next of WEBHOOK_RETRY_DELAYS, and abandoned after the last.
    """
    now = timezone.now()
    delivery = Delivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    if (
        delivery is None
        or delivery.status not in OUTSTANDING
        or not delivery.endpoint.active
        or delivery.next_attempt_at is None
        or delivery.next_attempt_at > now
    ):
        return "skipped"
    attempt = delivery.attempts + 1
    claimed = Delivery.objects.filter(
        pk=delivery.pk, status__in=OUTSTANDING, attempts=delivery.attempts, next_attempt_at__lte=now
    ).update(attempts=attempt, last_attempt_at=now, next_attempt_at=now + _lease())
    if not claimed:
        return "skipped"
    answer = _send(delivery.event, delivery.endpoint)
    return _attempt_record(delivery, attempt=attempt, started=now, answer=answer)


def _send(event: Event, endpoint: Endpoint) -> Answer:
    body = body_encode(event.body())
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ConductPortal-Webhooks/1",
        "Webhook-Id": str(event.pk),
        "Webhook-Timestamp": str(timestamp),
        "Webhook-Signature": signature(endpoint.secret, timestamp, body),
    }
    return post(endpoint.url, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)


def retry_delay(attempt: int) -> datetime.timedelta | None:
    """How long after failed attempt number `attempt` (1 = the first) the next one is made; None: no more."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    return datetime.timedelta(seconds=delays[attempt - 1]) if attempt <= len(delays) else None


@transaction.atomic
def _attempt_record(delivery: Delivery, *, attempt: int, started: datetime.datetime, answer: Answer) -> str:
    # The next attempt is counted from the start of this one, whatever the time the receiver took.
    now = timezone.now()
    changes: dict[str, Any] = {
        "last_status_code": answer.status_code,
        "last_response": answer.excerpt,
        "last_error": answer.error,
    }
    if answer.succeeded:
        status = DeliveryStatus.SUCCEEDED
        changes.update(delivered_at=now, next_attempt_at=None)
    elif (delay := retry_delay(attempt)) is not None:
        status = DeliveryStatus.FAILED
        changes.update(next_attempt_at=started + delay)
    else:
        status = DeliveryStatus.ABANDONED
        changes.update(next_attempt_at=None)
    # Only the attempt this worker claimed is recorded (a lease that ran out was claimed again since).
    Delivery.objects.filter(pk=delivery.pk, attempts=attempt).update(status=status, **changes)
    endpoints = Endpoint.objects.filter(pk=delivery.endpoint_id)
    if answer.succeeded:
        endpoints.exclude(consecutive_failures=0).update(consecutive_failures=0)
    else:
        endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
        _disable_when_failing(delivery.endpoint_id)
    return status


def _disable_when_failing(endpoint_id: int) -> None:
    limit = settings.WEBHOOK_DISABLE_AFTER
    reason = ngettext(
        "Disabled after %(count)s failed attempt in a row.", "Disabled after %(count)s failed attempts in a row.", limit
    ) % {"count": limit}
    # Conditional, so that of two workers failing at once only one disables, audits and writes.
    disabled = Endpoint.objects.filter(pk=endpoint_id, active=True, consecutive_failures__gte=limit).update(
        active=False, disabled_at=timezone.now(), disabled_reason=reason
    )
    if disabled:
        endpoint = Endpoint.objects.get(pk=endpoint_id)
        event_record(
            actor=None,
            action=audit_actions.ENDPOINT_DISABLE,
            target=endpoint,
            details={"reason": reason, "failures": endpoint.consecutive_failures},
        )
        transaction.on_commit(lambda: _administrators_tell(endpoint))


def administrators() -> QuerySet[User]:
    """Everyone who may manage webhook endpoints (by permission, through a role or their own), active, with an email."""
    return users_with_permission(MANAGE_PERMISSION).exclude(email="").order_by("pk")


def _administrators_tell(endpoint: Endpoint) -> None:
    subject = _("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url}
    body = ngettext(
        "The webhook endpoint %(url)s (%(description)s) failed %(count)s time in a row and was disabled; "
        "events are no longer sent to it.\n\n"
        "Last answer: %(answer)s\n\n"
        "Once the receiver works again, enable the endpoint in the administration: the deliveries kept "
        "for it are then sent.",
        "The webhook endpoint %(url)s (%(description)s) failed %(count)s times in a row and was disabled; "
        "events are no longer sent to it.\n\n"
        "Last answer: %(answer)s\n\n"
        "Once the receiver works again, enable the endpoint in the administration: the deliveries kept "
        "for it are then sent.",
        endpoint.consecutive_failures,
    ) % {
        "url": endpoint.url,
        "description": endpoint.description or "—",
        "count": endpoint.consecutive_failures,
        "answer": _last_answer(endpoint),
    }
    for email in administrators().values_list("email", flat=True):
        EmailMessage(subject, body, to=[email]).send(fail_silently=True)


def _last_answer(endpoint: Endpoint) -> str:
    last = endpoint.deliveries.filter(last_attempt_at__isnull=False).order_by("-last_attempt_at").first()
    if last is None:
        return "—"
    if last.last_status_code is not None:
        return _("status %(code)s") % {"code": last.last_status_code}
    return last.last_error or "—"


def sweep_due(*, now: datetime.datetime | None = None) -> Iterable[list[int]]:
    """The ids of deliveries due now (retries whose time has come, and any whose hand-over to the workers was
    lost), to active endpoints, a thousand at a time by id: never the whole backlog in memory."""
    now = now or timezone.now()
    due = Delivery.objects.due(now=now).order_by("pk").values_list("pk", flat=True)
    last = 0
    while batch := list(due.filter(pk__gt=last)[:BATCH_SIZE]):
        yield batch
        last = batch[-1]


def prunable_events(*, before: datetime.datetime) -> QuerySet[Event]:
    """Events that occurred before `before` and have nothing left to send: every delivery succeeded or was
    abandoned (or their endpoint was deleted)."""
    return Event.objects.filter(occurred_at__lt=before).exclude(deliveries__status__in=OUTSTANDING)


def events_prune(*, before: datetime.datetime) -> int:
    """Delete the finished history older than `before`: the events and their deliveries, a thousand events per
    transaction, so that no lock is held long and the tables do not grow for ever. Returns how many events."""
    pruned = 0
    while batch := list(prunable_events(before=before).order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE]):
        with transaction.atomic():
            Event.objects.filter(pk__in=batch).delete()
        pruned += len(batch)
    return pruned


# ---------------------------------------------------------------------------
# Administration
# ---------------------------------------------------------------------------


def _require_manager(actor: Actor) -> None:
    if not actor.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("Your roles do not allow managing webhook endpoints."))


def _clean(url: str, events: Iterable[str]) -> tuple[str, list[str]]:
    url = url.strip()
    if refusal := url_refusal(url):
        raise InputRefused(refusal, field="url")
    known = [value for value, _label in SUBSCRIBABLE]
    chosen = set(events)
    if not chosen:
        raise InputRefused(_("Choose at least one event to send."), field="events")
    if unknown := chosen - set(known):
        raise InputRefused(_("Unknown event types: %(types)s.") % {"types": ", ".join(sorted(unknown))}, field="events")
    return url, [value for value in known if value in chosen]


@transaction.atomic
def endpoint_create(*, url: str, events: Iterable[str], description: str = "", actor: Actor) -> Endpoint:
    """Register a receiver for the chosen events, with a newly generated secret. Only http(s) URLs without
    credentials."""
    _require_manager(actor)
    url, chosen = _clean(url, events)
    endpoint = Endpoint.objects.create(
        url=url,
        events=chosen,
        description=description.strip(),
        secret=secret_generate(),
        created_by_id=actor.pk,
    )
    event_record(actor=actor, action=audit_actions.ENDPOINT_CREATE, target=endpoint, details={"events": chosen})
    return endpoint


@transaction.atomic
def endpoint_update(*, endpoint: Endpoint, url: str, events: Iterable[str], description: str, actor: Actor) -> Endpoint:
    """Change where an endpoint is and what it receives. Deliveries already made keep going to it."""
    _require_manager(actor)
    url, chosen = _clean(url, events)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    changes = {
        name: {"from": getattr(endpoint, name), "to": value}
        for name, value in (("url", url), ("events", chosen), ("description", description.strip()))
        if getattr(endpoint, name) != value
    }
    for name, change in changes.items():
        setattr(endpoint, name, change["to"])
    if changes:
        endpoint.save(update_fields=list(changes))
        event_record(actor=actor, action=audit_actions.ENDPOINT_UPDATE, target=endpoint, details=changes)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, actor: Actor) -> None:
    """Delete an endpoint with its deliveries (the events stay)."""
    _require_manager(actor)
    event_record(actor=actor, action=audit_actions.ENDPOINT_DELETE, target=endpoint, details={"url": endpoint.url})
    endpoint.delete()


@transaction.atomic
def endpoint_disable(*, endpoint: Endpoint, actor: Actor, reason: str) -> Endpoint:
    """Stop sending to an endpoint; its deliveries wait until it is enabled again."""
    _require_manager(actor)
    reason = reason.strip() or _("Disabled by an administrator.")
    if not Endpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=timezone.now(), disabled_reason=reason[:300]
    ):
        raise DomainError(_("This endpoint is disabled already."))
    endpoint.refresh_from_db()
    event_record(actor=actor, action=audit_actions.ENDPOINT_DISABLE, target=endpoint, details={"reason": reason})
    return endpoint


@transaction.atomic
def endpoint_enable(*, endpoint: Endpoint, actor: Actor) -> Endpoint:
    """Send to a disabled endpoint again, from a clean slate of failures; the deliveries it missed are sent by
    the next sweep (those abandoned are not: retry them from the deliveries' list)."""
    _require_manager(actor)
    if not Endpoint.objects.filter(pk=endpoint.pk, active=False).update(
        active=True, disabled_at=None, disabled_reason="", consecutive_failures=0
    ):
        raise DomainError(_("This endpoint is enabled already."))
    endpoint.refresh_from_db()
    event_record(actor=actor, action=audit_actions.ENDPOINT_ENABLE, target=endpoint)
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, actor: Actor) -> Endpoint:
    """Give an endpoint a new secret: deliveries are signed with it from now on, retries included."""
    _require_manager(actor)
    Endpoint.objects.filter(pk=endpoint.pk).update(secret=secret_generate())
    endpoint.refresh_from_db()
    event_record(actor=actor, action=audit_actions.ENDPOINT_ROTATE_SECRET, target=endpoint)
    return endpoint


@transaction.atomic
def endpoint_test(*, endpoint: Endpoint, actor: Actor) -> Delivery:
    """Send a test event (type `webhook.test`) to one active endpoint, whatever it subscribes to."""
    _require_manager(actor)
    if not endpoint.active:
        raise DomainError(_("Enable the endpoint before sending it a test event."))
    now = timezone.now()
    event = Event.objects.create(
        type=EventType.TEST,
        occurred_at=now,
        payload={"endpoint": endpoint.pk, "message": "This is a test event from Conduct Portal."},
    )
    delivery = Delivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=now)
    event_record(actor=actor, action=audit_actions.ENDPOINT_TEST, target=endpoint, details={"event": event.pk})
    _dispatch_on_commit([event.pk])
    return delivery


@transaction.atomic
def deliveries_retry(*, deliveries: QuerySet, actor: Actor) -> int:
    """Make failed and abandoned deliveries due now and send them; an abandoned one gets one more attempt.

    Those that succeeded, or whose endpoint is disabled, are left as they are. Returns how many."""
    _require_manager(actor)
    retried = list(
        deliveries.filter(
            status__in=[DeliveryStatus.FAILED, DeliveryStatus.ABANDONED], endpoint__active=True
        ).values_list("pk", "event_id")
    )
    if not retried:
        return 0
    Delivery.objects.filter(pk__in=[pk for pk, _event in retried]).update(
        status=DeliveryStatus.FAILED, next_attempt_at=timezone.now()
    )
    event_record(
        actor=actor,
        action=audit_actions.DELIVERY_RETRY,
        target=None,
        details={"deliveries": [pk for pk, _event in retried][:100], "count": len(retried)},
    )
    event_ids = sorted({event_id for _pk, event_id in retried})
    _dispatch_on_commit(event_ids)
    return len(retried)
