"""Reads for code document pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CodeDocument


def document_list(*, owner_id: int | None = None) -> QuerySet[CodeDocument]:
    documents = CodeDocument.objects.select_related("owner")
    if owner_id is not None:
        documents = documents.filter(owner_id=owner_id)
    return documents
