"""The actions webhooks records in the audit log (audit/actions.py). Codes are stored: never rename one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.actions import register

ENDPOINT_CREATE = register("webhooks.endpoint.create", _("Webhook endpoint registered"))
ENDPOINT_UPDATE = register("webhooks.endpoint.update", _("Webhook endpoint changed"))
ENDPOINT_DELETE = register("webhooks.endpoint.delete", _("Webhook endpoint deleted"))
ENDPOINT_DISABLE = register("webhooks.endpoint.disable", _("Webhook endpoint disabled"))
ENDPOINT_ENABLE = register("webhooks.endpoint.enable", _("Webhook endpoint enabled again"))
ENDPOINT_ROTATE_SECRET = register("webhooks.endpoint.rotate_secret", _("Webhook endpoint secret replaced"))
ENDPOINT_TEST = register("webhooks.endpoint.test", _("Webhook test event sent"))
DELIVERY_RETRY = register("webhooks.delivery.retry", _("Webhook deliveries retried now"))
