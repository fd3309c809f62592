"""A browser with a kiosk open reaches the kiosk's pages only (acknowledgements.kiosk)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .kiosk import kiosk_for_device

# The browser session's kiosk, and the device's signed cookie that carries the kiosk's token.
KIOSK_SESSION_KEY = "acknowledgements.kiosk"
KIOSK_COOKIE = "kiosk_device"
KIOSK_COOKIE_SALT = "acknowledgements.kiosk.device"


class KioskMiddleware:
    """While a kiosk is open in this browser session, on this device, every request but the kiosk's own goes
    back to the kiosk: the device is signed in as the supervisor, and whoever stands at it must not reach the
    supervisor's portal. A kiosk that ended (timed out, or ended elsewhere) or a session without the device's
    cookie is signed out, and sent to the sign-in page. Sets `request.kiosk` (None without a kiosk); place it
    after the authentication and messages middleware. Costs nothing on requests without a kiosk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.kiosk = None  # type: ignore[attr-defined]
        kiosk_id = request.session.get(KIOSK_SESSION_KEY)
        if kiosk_id is None:
            return self.get_response(request)
        token = request.get_signed_cookie(KIOSK_COOKIE, default="", salt=KIOSK_COOKIE_SALT)
        kiosk = kiosk_for_device(kiosk_id=kiosk_id, token=token or "")
        if kiosk is None:
            logout(request)
            messages.info(request, _("The kiosk has ended. Sign in again to open another."))
            response = redirect(settings.LOGIN_URL)
            response.delete_cookie(KIOSK_COOKIE)
            return response
        if not request.path.startswith(reverse("kiosk:home")):
            return redirect("kiosk:home")
        request.kiosk = kiosk  # type: ignore[attr-defined]
        return self.get_response(request)
