"""Webhooks in the admin: endpoints are registered and changed through the services (audited); events and
deliveries are read-only records, with a "retry now" for deliveries that failed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import ViewOnlyAdmin
from common.errors import DomainError

from . import services
from .models import SUBSCRIBABLE, Delivery, Endpoint, Event, EventType
from .signing import SECRET_PREFIX, url_refusal

MANAGE = services.MANAGE_PERMISSION


def _administrator(request: HttpRequest) -> User:
    # The admin serves only signed-in staff accounts, never an anonymous visitor.
    return cast(User, request.user)


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_(
            "http:// or https://, without credentials; it must be reachable from the portal's workers. "
            "Redirects are not followed."
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The event types sent to this endpoint."),
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if refusal := url_refusal(url):
            raise forms.ValidationError(refusal)
        return url


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    """Endpoints: the secret is generated on creation and shown, read-only, to those who manage endpoints (the
    portal keeps it to sign with, so hiding it from them would protect nothing; "replace the secret" makes a
    new one). Every change goes through the services, which audit it."""

    form = EndpointForm
    list_display = ["url", "description", "event_types", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    actions = ["send_test_event", "enable", "disable", "rotate_secret"]
    STATE_FIELDS = ("active", "disabled_at", "disabled_reason", "consecutive_failures", "created_by", "created_at")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or request.user.has_perm(MANAGE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(MANAGE)

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is None:
            return ()
        secret = "secret" if request.user.has_perm(MANAGE) else "secret_hidden"
        return (secret, *self.STATE_FIELDS)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        editable = ("url", "description", "events")
        return editable if obj is None else (*editable, *self.get_readonly_fields(request, obj))

    @admin.display(description=_("events"))
    def event_types(self, obj: Endpoint) -> str:
        return ", ".join(obj.events)

    @admin.display(description=_("secret"))
    def secret_hidden(self, obj: Endpoint) -> str:
        return f"{SECRET_PREFIX}…"

    def save_model(self, request: HttpRequest, obj: Endpoint, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor = _administrator(request)
        if change:
            services.endpoint_update(
                endpoint=obj, url=data["url"], events=data["events"], description=data["description"], actor=actor
            )
            return
        endpoint = services.endpoint_create(
            url=data["url"], events=data["events"], description=data["description"], actor=actor
        )
        # The admin goes on with the object it built (to log and to redirect): it becomes the saved one.
        obj.__dict__.update(endpoint.__dict__)

    def response_add(self, request: HttpRequest, obj: Endpoint, post_url_continue: str | None = None) -> HttpResponse:
        # Always to the new endpoint's page, where its secret is: the receiver needs it to check signatures.
        self.message_user(
            request,
            _t("The endpoint is registered. Give its secret, below, to the receiver: it verifies every delivery."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:webhooks_endpoint_change", args=[obj.pk]))

    def delete_model(self, request: HttpRequest, obj: Endpoint) -> None:
        services.endpoint_delete(endpoint=obj, actor=_administrator(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            services.endpoint_delete(endpoint=endpoint, actor=_administrator(request))

    def _each(self, request: HttpRequest, queryset: QuerySet[Endpoint], change: Callable[[Endpoint], object]) -> int:
        done = 0
        for endpoint in queryset:
            try:
                change(endpoint)
            except DomainError as error:
                self.message_user(request, f"{endpoint}: {error.message}", messages.WARNING)
            else:
                done += 1
        return done

    @admin.action(description=_("Send a test event to the selected endpoints"), permissions=["manage"])
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        actor = _administrator(request)
        count = self._each(request, queryset, lambda endpoint: services.endpoint_test(endpoint=endpoint, actor=actor))
        self.message_user(
            request,
            ngettext(
                "A test event is on its way to %(count)d endpoint; its delivery shows in the deliveries list.",
                "A test event is on its way to %(count)d endpoints; their deliveries show in the deliveries list.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Enable the selected endpoints again (resets their failures)"), permissions=["manage"])
    def enable(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        actor = _administrator(request)
        count = self._each(request, queryset, lambda endpoint: services.endpoint_enable(endpoint=endpoint, actor=actor))
        self.message_user(
            request,
            ngettext("%(count)d endpoint enabled.", "%(count)d endpoints enabled.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Disable the selected endpoints"), permissions=["manage"])
    def disable(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        actor = _administrator(request)
        count = self._each(
            request, queryset, lambda endpoint: services.endpoint_disable(endpoint=endpoint, actor=actor, reason="")
        )
        self.message_user(
            request,
            ngettext("%(count)d endpoint disabled.", "%(count)d endpoints disabled.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Replace the secret of the selected endpoints"), permissions=["manage"])
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        actor = _administrator(request)
        count = self._each(
            request, queryset, lambda endpoint: services.endpoint_rotate_secret(endpoint=endpoint, actor=actor)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d endpoint has a new secret: give it to its receiver (shown on the endpoint's page).",
                "%(count)d endpoints have a new secret: give them to their receivers (shown on each endpoint's page).",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


class ReadOnlyAdmin(ViewOnlyAdmin):
    """Records the workers write: seen here, never added, changed or deleted by hand."""

    manage_permission = MANAGE
    # Counting millions of rows on every page is the slow part of a changelist.
    show_full_result_count = False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "event_type",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "event__type", "endpoint"]
    list_select_related = ["event", "endpoint"]
    fields = readonly_fields = (
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
        "last_status_code",
        "last_response",
        "last_error",
        "payload",
    )
    actions = ["retry_now"]

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE)

    @admin.display(description=_("type"), ordering="event__type")
    def event_type(self, obj: Delivery) -> str:
        return str(EventType(obj.event.type).label) if obj.event.type in EventType.values else obj.event.type

    @admin.display(description=_("body sent"))
    def payload(self, obj: Delivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.event.body(), indent=2, ensure_ascii=False))

    @admin.action(description=_("Retry the selected failed or abandoned deliveries now"), permissions=["manage"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.deliveries_retry(deliveries=queryset, actor=_administrator(request))
        if not count:
            self.message_user(
                request,
                _t("Nothing to retry: only failed or abandoned deliveries to an enabled endpoint are retried."),
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            ngettext("%(count)d delivery is being retried now.", "%(count)d deliveries are being retried now.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["pk", "type", "occurred_at"]
    list_filter = ["type"]
    fields = readonly_fields = ("type", "occurred_at", "payload")
