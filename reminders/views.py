from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from common.http import AuthenticatedHttpRequest
from common.pagination import paginate

from . import services
from .access import get_notification_for_user
from .selectors import notifications_of


@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, notifications_of(request.user))
    return render(request, "reminders/notification_list.html", {"page": page})


@require_POST
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark a notification read and go where it points."""
    notification = get_notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification, actor=request.user)
    if url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("reminders:notification_list")


@require_POST
def notifications_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=request.user)
    return redirect("reminders:notification_list")
