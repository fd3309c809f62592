"""Reads for the API's pages."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from .models import ApiToken


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first, revoked and expired ones included (they say why they stopped)."""
    return ApiToken.objects.filter(owner_id=user.pk).order_by("-created_at", "-id")
