"""Every API error, whatever raised it, answers the same JSON shape:

    {"type": "<stable code>", "detail": "<a sentence for a person>", "errors": {"field": ["message"]}}

`type` is one of the codes below and never changes once published; `errors` is there only for
`validation_error` (the query parameter or body field at fault, `non_field_errors` for the whole).
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from common.errors import Conflict as DomainConflict
from common.errors import DomainError, InputRefused

VALIDATION_ERROR = "validation_error"
UNKNOWN_PARAMETER = "unknown_parameter"
NOT_AUTHENTICATED = "not_authenticated"
PERMISSION_DENIED = "permission_denied"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
THROTTLED = "throttled"
CONFLICT = "conflict"
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
NOT_ACCEPTABLE = "not_acceptable"
PARSE_ERROR = "parse_error"

ERROR_TYPES = [
    VALIDATION_ERROR,
    UNKNOWN_PARAMETER,
    NOT_AUTHENTICATED,
    PERMISSION_DENIED,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    THROTTLED,
    CONFLICT,
    UNSUPPORTED_MEDIA_TYPE,
    NOT_ACCEPTABLE,
    PARSE_ERROR,
]


class UnknownParameter(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = UNKNOWN_PARAMETER
    default_detail = gettext_lazy("This query parameter is not known here.")


class Conflict(exceptions.APIException):
    """The object is not in a state that allows the action (an illegal state transition): 409."""

    status_code = status.HTTP_409_CONFLICT
    default_code = CONFLICT
    default_detail = gettext_lazy("The object's state does not allow this.")


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every API error (for the schema; the handler below writes it)."""

    type = serializers.ChoiceField(choices=ERROR_TYPES, help_text=gettext_lazy("A stable code for the error."))
    detail = serializers.CharField(help_text=gettext_lazy("What went wrong, for a person to read."))
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("For validation errors only: the messages of each field or query parameter."),
    )


# DRF exception classes by the `type` their errors have; the first that matches wins.
_TYPES: list[tuple[type[exceptions.APIException], str]] = [
    (UnknownParameter, UNKNOWN_PARAMETER),
    (Conflict, CONFLICT),
    (exceptions.ParseError, PARSE_ERROR),
    (exceptions.ValidationError, VALIDATION_ERROR),
    (exceptions.NotAuthenticated, NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, NOT_AUTHENTICATED),
    (exceptions.PermissionDenied, PERMISSION_DENIED),
    (exceptions.NotFound, NOT_FOUND),
    (exceptions.MethodNotAllowed, METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, THROTTLED),
]


def error_body(error_type: str, detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": error_type, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def _field_errors(detail: Any) -> dict[str, list[str]]:
    """DRF's nested validation detail, flattened to {"field": ["message", ...]} ("items.0.name" for nesting)."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for field, inner in detail.items():
            for key, messages in _field_errors(inner).items():
                flat[str(field) if key == "non_field_errors" else f"{field}.{key}"] = messages
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, inner in enumerate(detail):
            for key, messages in _field_errors(inner).items():
                flat[str(index) if key == "non_field_errors" else f"{index}.{key}"] = messages
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(message) for message in messages]}


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    errors = _field_errors(exc.detail)
    return error_body(VALIDATION_ERROR, _("The request is not valid: see the errors of each field."), errors)


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("There is nothing here, or you may not see it."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, InputRefused):
        return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
    if isinstance(exc, DomainConflict):
        return Conflict(exc.message)
    if isinstance(exc, DomainError):
        return exceptions.ValidationError({"non_field_errors": [exc.message]})
    return None


def _seconds(wait: float | None) -> int:
    # Retry-After takes whole seconds; waiting one second less than needed would be refused again.
    return max(math.ceil(wait or 0), 1)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: the error shape for every refusal; None (a 500, logged) for a bug."""
    api_exception = _as_api_exception(exc)
    if api_exception is None:
        return None
    headers: dict[str, str] = {}
    if auth_header := getattr(api_exception, "auth_header", None):
        headers["WWW-Authenticate"] = auth_header
    if isinstance(api_exception, exceptions.Throttled):
        headers["Retry-After"] = str(_seconds(api_exception.wait))
    error_type = next((code for cls, code in _TYPES if isinstance(api_exception, cls)), VALIDATION_ERROR)
    if error_type == VALIDATION_ERROR and isinstance(api_exception, exceptions.ValidationError):
        body = _validation_body(api_exception)
        # A DomainError refused with its message: say it, not the general sentence.
        if isinstance(exc, DomainError):
            body["detail"] = exc.message
    elif isinstance(api_exception, exceptions.Throttled):
        seconds = _seconds(api_exception.wait)
        detail = ngettext(
            "Too many requests: try again in %(seconds)d second.",
            "Too many requests: try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
        body = error_body(THROTTLED, detail)
    else:
        body = error_body(error_type, str(api_exception.detail))
    return Response(body, status=api_exception.status_code, headers=headers)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """An address under /api/ that names no endpoint: a JSON 404, not the portal's HTML page."""
    return JsonResponse(error_body(NOT_FOUND, _("There is no API endpoint at this address.")), status=404)
