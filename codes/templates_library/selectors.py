"""Reads for the template pages."""

from __future__ import annotations

from django.db.models import QuerySet

from codes.models import CodeTemplate


def templates_for_list(*, language: str = "") -> QuerySet[CodeTemplate]:
    """Every template, built in or saved, by name (in one `language`, when given), with the version a saved
    one comes from and who saved it: one query however many there are."""
    templates = CodeTemplate.objects.select_related("source_version__document", "created_by")
    if language:
        templates = templates.filter(language=language)
    return templates.order_by("name", "language", "pk")
