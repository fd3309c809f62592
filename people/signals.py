"""Sign-in receivers: remember the person's preferred language for the session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .middleware import remember_language
from .models import StaffProfile


@receiver(user_logged_in, dispatch_uid="people.remember_preferred_language")
def remember_preferred_language(sender: type, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    language = StaffProfile.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    if language:
        remember_language(request, language)
