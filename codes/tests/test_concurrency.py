"""Two managers publishing at the same moment end with exactly one published version."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from audit.models import AuditEvent
from codes import services
from codes.models import CodeVersion, VersionStatus
from common.errors import DomainError

pytestmark = [
    # serialized_rollback restores the roles made by data migrations, which a transactional test flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the file)"),
]


def test_concurrent_publication_publishes_once(draft, manager, second_manager) -> None:
    services.version_submit(version=draft, actor=manager.user)
    services.version_approve(version=draft, actor=second_manager.user)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish_as(user) -> None:
        try:
            barrier.wait(timeout=10)
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
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish_as, args=(u.user,)) for u in (manager, second_manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["published", "refused"]
    assert CodeVersion.objects.filter(document=draft.document, status=VersionStatus.PUBLISHED).count() == 1
    assert AuditEvent.objects.filter(action="codes.version.publish").count() == 1
