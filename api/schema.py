"""How the OpenAPI schema describes every endpoint the same way: the shared error body for each refusal,
and the query parameters each view declares (which are also the only ones it accepts, see api/base.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from .errors import ErrorSerializer

# The refusals any endpoint may answer, with what they mean.
ERROR_RESPONSES = {
    "400": _("The request is not valid (validation_error, unknown_parameter, parse_error)."),
    "401": _("No valid credentials (not_authenticated): a missing, unknown, revoked or expired token."),
    "403": _("Not allowed (permission_denied), e.g. a read-only token asked to write."),
    "404": _("Not found, or not visible to you (not_found)."),
    "405": _("This method is not allowed here (method_not_allowed)."),
    "406": _("The API answers application/json only (not_acceptable)."),
    "429": _("Too many requests (throttled); the Retry-After header says how many seconds to wait."),
}
# And those only a request with a body may get.
WRITE_ERROR_RESPONSES = {
    "409": _("The object's state does not allow this (conflict)."),
    "415": _("Send the body as application/json (unsupported_media_type)."),
}


class ApiAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        declared = getattr(self.view, "get_query_parameters", None)
        extra: list[OpenApiParameter] = list(declared()) if declared else []
        return [*super().get_override_parameters(), *extra]

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors = dict(ERROR_RESPONSES)
        if self.method in {"POST", "PUT", "PATCH", "DELETE"}:
            errors.update(WRITE_ERROR_RESPONSES)
        for code, description in errors.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, None, direction)
                response["description"] = str(description)
                responses[code] = response
        return responses
