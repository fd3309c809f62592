"""Webhooks: the endpoints an administrator registers, the events the portal announces, and one delivery
row per event and endpoint, which is what the workers send, retry and show in the admin."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    VERSION_PUBLISHED = "version.published", _("Version published")
    SIGNATURE_CREATED = "signature.created", _("Signature created")
    REQUEST_OVERDUE = "request.overdue", _("Request overdue")
    REQUEST_STATE_CHANGED = "request.state_changed", _("Request state changed")
    COMPLETION_RECORDED = "completion.recorded", _("Completion recorded")
    PERSON_DEACTIVATED = "person.deactivated", _("Person deactivated")
    # Sent by an administrator to one endpoint to try it; nobody subscribes to it.
    TEST = "webhook.test", _("Test event")


# What an endpoint can subscribe to: every type but the test event.
SUBSCRIBABLE = [(value, label) for value, label in EventType.choices if value != EventType.TEST]


class Endpoint(models.Model):
    """A URL of a receiver that gets the events it subscribes to, signed with its secret."""

    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list, help_text=_("The event types sent to this endpoint."))
    # Kept as typed: the portal signs every delivery with it, and the receiver holds the same one.
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("reason disabled"), max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failed attempts in a row"), default=0)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["pk"]
        permissions = [("manage_endpoint", _("Can register, change and disable webhook endpoints"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active=True, disabled_at__isnull=True)
                | models.Q(active=False, disabled_at__isnull=False),
                name="webhooks_endpoint_disabled_when_inactive",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in self.events


class Event(models.Model):
    """Something the portal announced, once, whoever receives it; `payload` is the `data` of the body sent."""

    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("occurred"), db_index=True)
    payload = models.JSONField(_("data"), default=dict)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"

    def body(self) -> dict[str, Any]:
        """What the receiver gets, as JSON: the event's id, type, time and data."""
        return {"id": self.pk, "type": self.type, "occurred_at": self.occurred_at.isoformat(), "data": self.payload}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    # The last attempt failed and another is scheduled at next_attempt_at.
    FAILED = "failed", _("Failed, to retry")
    ABANDONED = "abandoned", _("Abandoned")


# What a worker may still send.
OUTSTANDING = [DeliveryStatus.PENDING, DeliveryStatus.FAILED]


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, *, now: Any) -> DeliveryQuerySet:
        """Outstanding deliveries whose time has come, to endpoints that are active."""
        return self.filter(status__in=OUTSTANDING, next_attempt_at__lte=now, endpoint__active=True)


class Delivery(models.Model):
    """An event on its way to one endpoint: the attempts made, and what the receiver last answered."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        Endpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # While an attempt is under way this is the end of its lease: nobody else sends it before then.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_response = models.TextField(_("last response (start)"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhooks_delivery_once_per_event_and_endpoint"),
        ]
        indexes = [
            # The sweep reads only what is still to send.
            models.Index(
                fields=["next_attempt_at"],
                name="webhooks_delivery_due_idx",
                condition=models.Q(status__in=["pending", "failed"]),
            ),
            models.Index(fields=["endpoint", "status"], name="webhooks_delivery_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
