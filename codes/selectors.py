"""Reads for code document pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CodeDocument


def document_list(*, owner: object | None = None) -> QuerySet[CodeDocument]:
    documents = CodeDocument.objects.select_related("owner")
    if owner is not None:
        documents = documents.filter(owner=owner)
    return documents
