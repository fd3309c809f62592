"""What codes tells webhook receivers (docs/webhooks.md): the data of its events, built here, sent by `webhooks`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from people.models import Department

from .models import CodeVersion


def version_published(version: CodeVersion, departments: Iterable[Department]) -> dict[str, Any]:
    """`version.published`: the version, its document, and whom it asks by when."""
    assert version.published_at is not None
    assert version.effective_date is not None
    acknowledge_by = version.acknowledge_by
    return {
        "version": version.pk,
        "document": version.document_id,
        "number": version.number,
        "title": version.title,
        "content_hash": version.content_hash,
        "published_at": version.published_at.isoformat(),
        "effective_date": version.effective_date.isoformat(),
        "days_to_acknowledge": version.days_to_acknowledge,
        "acknowledge_by": acknowledge_by.isoformat() if acknowledge_by else None,
        "major": version.is_major,
        "audience": {
            "all_staff": version.applies_to_all_staff,
            "departments": sorted(department.pk for department in departments),
        },
    }
