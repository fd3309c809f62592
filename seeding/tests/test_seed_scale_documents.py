"""seeding.scale.documents: one published version per document, its latest, with valid content hashes."""

from __future__ import annotations

import pytest

from acknowledgements.models import AcknowledgementRequest
from codes.content import verify_content_hash
from codes.models import CodeDocument, VersionStatus
from seeding.tests.test_seed_scale import seed_scale

pytestmark = pytest.mark.django_db


def test_each_document_has_one_published_version_its_latest() -> None:
    seed_scale()

    for document in CodeDocument.objects.all():
        versions = list(document.versions.order_by("number"))
        assert [v.status for v in versions] == [VersionStatus.SUPERSEDED, VersionStatus.PUBLISHED]
        assert all(verify_content_hash(v) for v in versions)
        published_at = [v.published_at for v in versions]
        assert published_at == sorted(published_at)
    # Requests are asked only for published versions.
    assert not AcknowledgementRequest.objects.exclude(version__status=VersionStatus.PUBLISHED).exists()
