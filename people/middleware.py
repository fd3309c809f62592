from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

PREFERRED_LANGUAGE_SESSION_KEY = "people.preferred_language"


def remember_language(request: HttpRequest, language: str) -> None:
    """Use `language` for the rest of this person's session."""
    request.session[PREFERRED_LANGUAGE_SESSION_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language


class PreferredLanguageMiddleware:
    """Speak the signed-in person's preferred language, whatever the browser asks for.

    The language is read from the session (set at sign-in and when the person
    changes it), so this costs no query per request. Place it after
    LocaleMiddleware and AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(PREFERRED_LANGUAGE_SESSION_KEY)
        if language and request.user.is_authenticated and translation.check_for_language(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
