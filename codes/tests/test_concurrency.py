"""Two managers publishing at the same moment end with exactly one published version."""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from codes import services
from codes.models import CodeVersion, VersionStatus
from common.errors import DomainError
from common.tests.concurrency import run_at_once

pytestmark = [
    # serialized_rollback restores the roles made by data migrations, which a transactional test flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the file)"),
]


def test_concurrent_publication_publishes_once(draft, manager, second_manager) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_approve(version=draft, actor=second_manager.user)
    outcomes: list[str] = []

    def publish_as(user) -> None:
        try:
            services.version_publish(
                version=CodeVersion.objects.get(pk=draft.pk),
                actor=user,
                effective_date=timezone.localdate(),
                days_to_acknowledge=14,
                is_major=True,
            )
            outcomes.append("published")
        except DomainError:
            outcomes.append("refused")

    run_at_once([partial(publish_as, u.user) for u in (manager, second_manager)])

    assert sorted(outcomes) == ["published", "refused"]
    assert CodeVersion.objects.filter(document=draft.document, status=VersionStatus.PUBLISHED).count() == 1
    assert AuditEvent.objects.filter(action="codes.version.publish").count() == 1
