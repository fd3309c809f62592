"""What views share: running a service on a person's behalf, and sending them back where they came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import DomainError, InputRefused

Result = TypeVar("Result")


def _show_refusal(request: HttpRequest, error: DomainError, form: BaseForm | None) -> None:
    """A refusal of what was typed (`InputRefused`) goes on `form`, next to its field, when the page shows the
    form again; any other in a message."""
    if form is not None and isinstance(error, InputRefused):
        form.add_error(error.field, error.message)
    else:
        messages.error(request, error.message)


def attempt(request: HttpRequest, action: Callable[[], Any], success: str, *, form: BaseForm | None = None) -> bool:
    """Run a service; a refusal becomes a message the person reads, never a 500."""
    try:
        action()
    except DomainError as error:
        _show_refusal(request, error, form)
        return False
    messages.success(request, success)
    return True


def attempt_for_result(
    request: HttpRequest, action: Callable[[], Result], *, form: BaseForm | None = None
) -> Result | None:
    """`attempt` for a service whose result the success message tells (how many it changed): gives the result,
    or None after a refusal, with no message of success (the caller writes it from the result)."""
    try:
        return action()
    except DomainError as error:
        _show_refusal(request, error, form)
        return None


def safe_next(request: HttpRequest, default: str) -> str:
    """Where the form (or, for a confirmation page, the link) asked to return — its `next` field — when that is
    a page of this site; else `default`."""
    back = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return default
