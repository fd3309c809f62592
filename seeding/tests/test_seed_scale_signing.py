"""seeding.scale.signing: requests signed, pending or overdue, and an intact chain in the order of signing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from acknowledgements.chain import verify_chain
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from seeding.tests.test_seed_scale import seed_scale

pytestmark = pytest.mark.django_db


def test_the_signature_chain_verifies_in_the_order_of_signing() -> None:
    seed_scale()

    assert verify_chain().intact
    signatures = list(Signature.objects.order_by("sequence").select_related("request", "person__user", "version"))
    assert [s.sequence for s in signatures] == list(range(1, len(signatures) + 1))
    moments = [s.signed_at for s in signatures]
    assert moments == sorted(moments)
    assert moments[-1] <= timezone.now()
    for signature in signatures:
        request = signature.request
        assert (request.person_id, request.version_id) == (signature.person_id, signature.version_id)
        assert request.status == RequestStatus.SIGNED
        assert request.resolved_at == signature.signed_at
        assert request.first_opened_at == signature.first_opened_at < signature.signed_at
        assert signature.typed_name == signature.person.full_name
        assert signature.content_hash == signature.version.content_hash


def test_overdue_requests_are_past_due_and_pending_ones_are_not() -> None:
    seed_scale(people=200, signed_fraction=0.5, overdue_fraction=0.3)

    today = timezone.localdate()
    pending = AcknowledgementRequest.objects.filter(status=RequestStatus.PENDING)
    overdue = pending.filter(due_date__lt=today).count()
    assert 0.2 * 400 <= overdue <= 0.4 * 400
    assert 0.1 * 400 <= pending.count() - overdue <= 0.3 * 400
