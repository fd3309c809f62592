from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from acknowledgements.chain import verify_chain
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from acknowledgements.selectors import totals

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())


def test_the_demo_has_a_true_mix_of_statuses(seeded) -> None:
    figures = totals(AcknowledgementRequest.objects.all())

    assert figures["signed"] > figures["asked"] / 2
    assert figures["overdue"] > 0
    assert figures["pending"] > figures["overdue"], "some are pending and not yet due"
    assert figures["waived"] == 1
    assert AcknowledgementRequest.objects.get(person__user__username="agent").status == RequestStatus.PENDING


def test_the_demo_signatures_form_a_valid_chain(seeded) -> None:
    result = verify_chain()

    assert result.intact
    assert result.checked == Signature.objects.count() > 0


def test_seeding_twice_signs_nothing_more(seeded) -> None:
    before = (Signature.objects.count(), AcknowledgementRequest.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (Signature.objects.count(), AcknowledgementRequest.objects.count()) == before
