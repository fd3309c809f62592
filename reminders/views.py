from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from acknowledgements.access import get_published_version_for_user, require_campaign_runner
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


def _reminded_said(result: services.CampaignReminded) -> str:
    if not result.reminded and not result.already:
        return _("Nobody is pending: nobody was reminded.")
    said = ngettext(
        "%(count)d pending person reminded now.", "%(count)d pending people reminded now.", result.reminded
    ) % {"count": result.reminded}
    if result.already:
        said += " " + ngettext(
            "%(count)d had been reminded today already, and was not reminded again.",
            "%(count)d had been reminded today already, and were not reminded again.",
            result.already,
        ) % {"count": result.already}
    return said


@require_POST
def campaign_remind(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    """Remind a campaign's pending people now (once a day each), and say how many, back on the campaign."""
    require_campaign_runner(request.user)
    version = get_published_version_for_user(request.user, version_id)
    result = services.campaign_remind(version=version, actor=request.user)
    messages.success(request, _reminded_said(result))
    return redirect("acknowledgements:campaign", version.pk)
