"""The kiosk's pages (acknowledgements.kiosk): a supervisor opens it; then, one person at a time, identify, read,
answer the check, sign before the witness; and the supervisor ends it.

Every page but "open" needs the kiosk of this browser session and device (`request.kiosk`, set by
KioskMiddleware), and shows only the person it holds: a request is found only among that person's pending
ones. After signing, the person sees their receipt (with the reading evidence it records, issue 17.3) until
they are done. Nothing of a person is shown once they are cleared (when done, and with the kiosk).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from codes.models import VersionStatus
from common.errors import DomainError
from common.http import AuthenticatedHttpRequest
from common.permissions import permission_required
from people.kiosk import IdentificationRefused

from . import kiosk, services
from .forms import AgreementForm, KioskIdentifyForm, KioskOpenForm
from .middleware import KIOSK_COOKIE, KIOSK_COOKIE_SALT, KIOSK_SESSION_KEY
from .models import AcknowledgementRequest, KioskSession, RequestStatus
from .views import SOURCE_TEXT, check_answered, reader_context, reading_reported, receipt_context


class KioskRequest(AuthenticatedHttpRequest):
    """A request on a kiosk's page: its kiosk is open on this device (KioskMiddleware). For type hints only."""

    kiosk: KioskSession


def kiosk_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A page of an open kiosk: without one (this browser never opened it), go and open one."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request, "kiosk", None) is None:
            return redirect("kiosk:open")
        return view(request, *args, **kwargs)

    return wrapped


def _persons_request(request: KioskRequest, pk: int) -> AcknowledgementRequest:
    """A pending request of the person the kiosk holds; anything else (nobody held, another person's, signed
    already) is not found."""
    return get_object_or_404(
        AcknowledgementRequest.objects.select_related("version__document", "person__user"),
        pk=pk,
        person_id=request.kiosk.person_id or 0,
        status=RequestStatus.PENDING,
        version__status=VersionStatus.PUBLISHED,
    )


@require_http_methods(["GET", "POST"])
@permission_required("acknowledgements.open_kiosk")
def open_kiosk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open a kiosk on this device: from here on this browser session reaches only the kiosk's pages."""
    if getattr(request, "kiosk", None) is not None:
        return redirect("kiosk:home")
    form = KioskOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened, token = kiosk.kiosk_open(actor=request.user, device=form.cleaned_data["device"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            # A new session key: whatever the supervisor's session was, the kiosk's is another.
            request.session.cycle_key()
            request.session[KIOSK_SESSION_KEY] = opened.pk
            response = redirect("kiosk:home")
            response.set_signed_cookie(
                KIOSK_COOKIE,
                token,
                salt=KIOSK_COOKIE_SALT,
                httponly=True,
                samesite="Strict",
                secure=request.is_secure(),
            )
            return response
    context = {"form": form, "idle_minutes": settings.KIOSK_IDLE_MINUTES}
    return render(request, "acknowledgements/kiosk/open.html", context, status=400 if form.errors else 200)


def _identify_page(request: KioskRequest, form: KioskIdentifyForm, *, status: int = 200) -> HttpResponse:
    return render(request, "acknowledgements/kiosk/identify.html", {"form": form}, status=status)


@require_GET
@kiosk_page
def home(request: KioskRequest) -> HttpResponse:
    """Who is next (the identify form), or what waits for the person the kiosk holds."""
    if request.kiosk.person is None:
        return _identify_page(request, KioskIdentifyForm())
    context = {"requests": kiosk.kiosk_requests(request.kiosk)}
    return render(request, "acknowledgements/kiosk/person.html", context)


@require_POST
@kiosk_page
def identify(request: KioskRequest) -> HttpResponse:
    if request.kiosk.person is not None:
        return redirect("kiosk:home")
    form = KioskIdentifyForm(request.POST)
    if form.is_valid():
        try:
            kiosk.kiosk_identify(
                kiosk=request.kiosk, employee_id=form.cleaned_data["employee_id"], secret=form.cleaned_data["secret"]
            )
        except IdentificationRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("kiosk:home")
    return _identify_page(request, form, status=400)


@require_POST
@kiosk_page
def done(request: KioskRequest) -> HttpResponse:
    """The person leaves (signed or not): the kiosk asks who is next, showing nothing of them."""
    kiosk.kiosk_person_clear(kiosk=request.kiosk)
    messages.info(request, _("Thank you. The next person may identify now."))
    return redirect("kiosk:home")


@require_POST
@kiosk_page
def end(request: KioskRequest) -> HttpResponse:
    """The supervisor ends the kiosk: the device is signed out, and whoever uses it next signs in."""
    kiosk.kiosk_end(kiosk=request.kiosk)
    logout(request)
    messages.info(request, _("The kiosk is closed. Sign in again to use the portal."))
    response = redirect(settings.LOGIN_URL)
    response.delete_cookie(KIOSK_COOKIE)
    return response


def _reader(
    request: KioskRequest, ack: AcknowledgementRequest, form: AgreementForm, *, status: int = 200
) -> HttpResponse:
    wanted = ack.version.language if request.GET.get("text") == SOURCE_TEXT else request.POST.get("language") or None
    context = reader_context(ack, form, wanted=wanted, namespace="kiosk")
    return render(request, "acknowledgements/read_and_sign.html", context, status=status)


@require_GET
@kiosk_page
def read(request: KioskRequest, pk: int) -> HttpResponse:
    ack = _persons_request(request, pk)
    services.request_mark_opened(ack_request=ack)
    return _reader(request, ack, AgreementForm())


@require_POST
@kiosk_page
def sign(request: KioskRequest, pk: int) -> HttpResponse:
    """Sign before the witness; then the person sees their receipt."""
    ack = _persons_request(request, pk)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            signature = kiosk.kiosk_sign(
                kiosk=request.kiosk,
                ack_request=ack,
                typed_name=form.cleaned_data["typed_name"],
                language=form.cleaned_data["language"] or None,
                ip_address=request.META.get("REMOTE_ADDR"),
                user_agent=request.headers.get("user-agent", ""),
            )
        except DomainError as error:
            form.add_error("typed_name" if isinstance(error, services.NameMismatch) else None, error.message)
        else:
            return redirect("kiosk:receipt", signature.pk)
    return _reader(request, ack, form, status=400)


@require_GET
@kiosk_page
def receipt(request: KioskRequest, pk: int) -> HttpResponse:
    """The receipt of what the held person just signed, until they are done."""
    signature = kiosk.kiosk_signature(request.kiosk, pk)
    if signature is None:
        raise Http404
    return render(request, "acknowledgements/kiosk/receipt.html", receipt_context(signature))


@require_POST
@kiosk_page
def answer_check(request: KioskRequest, pk: int) -> HttpResponse:
    ack = _persons_request(request, pk)
    check_answered(request, ack)
    return redirect(reverse("kiosk:read", args=[ack.pk]) + "#check")


@require_POST
@kiosk_page
def reading(request: KioskRequest, pk: int) -> HttpResponse:
    return reading_reported(request, _persons_request(request, pk))
