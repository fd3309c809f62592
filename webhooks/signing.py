"""The signature scheme of deliveries (docs/webhooks.md), and the one HTTP request that sends a delivery."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

# Prefixed so that a secret is recognisable where it should not be (a log, a ticket).
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
SIGNATURE_VERSION = "v1"
# The start of the receiver's answer kept on the delivery, for the admin.
RESPONSE_EXCERPT_BYTES = 2048


def secret_generate() -> str:
    """A new endpoint secret: 32 random bytes, URL-safe base64, after the prefix."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Webhook-Signature` header: v1=hex(HMAC-SHA256(key=secret as UTF-8, msg=f"{timestamp}." + body))."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={mac}"


def body_encode(body: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON in UTF-8."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def url_refusal(url: str) -> str | None:
    """Why the portal will not send to `url`, or None. Only http(s) to a named host, and no credentials in it:
    a user:password@ part would be sent along with every event, and other schemes (file:, ftp:) are not webhooks."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("Enter a valid URL.")
    if parts.scheme not in ("http", "https"):
        return _("Only http:// and https:// URLs can receive webhooks.")
    if not parts.hostname or (port is not None and not 0 < port < 65536):
        return _("Enter a valid URL, with the name or address of the receiving server.")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return _("Leave credentials out of the URL: the receiver checks the signature instead.")
    return None


@dataclass(frozen=True)
class Answer:
    """What came of one attempt: the receiver's status code and the start of its answer, or the error."""

    status_code: int | None
    excerpt: str
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is answered as it came (a 3xx, so a failure): following it would send the event, and
    # its signature, to a server the administrator did not register.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body` to `url` once, within `timeout` seconds, following no redirect."""
    if refusal := url_refusal(url):  # checked again: an endpoint may predate a stricter rule
        return Answer(None, "", refusal)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Answer(response.status, _excerpt(response.read(RESPONSE_EXCERPT_BYTES)), "")
    except urllib.error.HTTPError as error:  # the receiver answered, with a status other than 2xx
        try:
            content = error.read(RESPONSE_EXCERPT_BYTES)
        except (OSError, http.client.HTTPException):
            content = b""
        finally:
            error.close()
        return Answer(error.code, _excerpt(content), "")
    # Refused, unreachable, timed out, TLS, a malformed answer: no status to keep, the error instead.
    except (OSError, ValueError, http.client.HTTPException) as error:
        return Answer(None, "", f"{type(error).__name__}: {error}"[:1000])


def _excerpt(content: bytes) -> str:
    return content.decode("utf-8", errors="replace").replace("\x00", "")
