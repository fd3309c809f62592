from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from acknowledgements.chain import verify_chain
from acknowledgements.models import AcknowledgementRequest, RequestStatus, Signature
from acknowledgements.selectors import totals
from codes.demo import DEMO_SLUG

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_organisation, settings) -> None:
    settings.DEBUG = True  # for seeding again


def test_the_demo_has_a_true_mix_of_statuses(seeded) -> None:
    figures = totals(AcknowledgementRequest.objects.all())

    assert figures["signed"] > figures["asked"] / 2
    assert figures["overdue"] > 0
    assert figures["pending"] > figures["overdue"], "some are pending and not yet due"
    assert figures["waived"] == 1
    main = AcknowledgementRequest.objects.get(person__user__username="agent", version__document__slug=DEMO_SLUG)
    assert main.status == RequestStatus.PENDING


def test_the_demo_signatures_form_a_valid_chain(seeded) -> None:
    result = verify_chain()

    assert result.intact
    assert result.checked == Signature.objects.count() > 0


def test_seeding_twice_signs_nothing_more(seeded) -> None:
    before = (Signature.objects.count(), AcknowledgementRequest.objects.count())

    call_command("seed_demo", stdout=StringIO())

    assert (Signature.objects.count(), AcknowledgementRequest.objects.count()) == before


def test_the_demo_shows_a_replaced_version_a_retired_document_and_a_leaver_adding_up(seeded, client) -> None:
    from acknowledgements.selectors import STATE_FIGURES, by_version
    from codes.demo import GIFTS_SLUG, SOCIAL_MEDIA_SLUG

    rows = {
        (row["version__document__slug"], row["version__number"]): row
        for row in by_version(AcknowledgementRequest.objects.all())
    }

    replaced = rows[(SOCIAL_MEDIA_SLUG, 1)]
    assert replaced["replaced"] > 0, "some had not signed version 1 when version 2 asked again"
    assert replaced["signed"] > 0
    assert replaced["pending"] == 0
    assert rows[(SOCIAL_MEDIA_SLUG, 2)]["pending"] > 0
    retired = rows[(GIFTS_SLUG, 1)]
    assert retired["withdrawn"] > 0
    assert retired["pending"] == 0
    assert retired["signed"] > 0
    assert sum(row["left"] for row in rows.values()) > 0, "the leaver's requests"
    for row in rows.values():
        assert row["asked"] == sum(row[name] for name in STATE_FIGURES)

    client.force_login(User.objects.get(username="compliance"))
    page = client.get("/acknowledgements/dashboard/").content.decode()
    assert "Social Media Guidelines" in page
    assert "Gifts and Hospitality Policy (2019)" in page
    assert "Replaced before signing" in page


def test_seeding_twice_makes_no_second_leaver(seeded) -> None:
    left = AcknowledgementRequest.objects.filter(status=RequestStatus.LEFT).count()

    call_command("seed_demo", stdout=StringIO())

    assert AcknowledgementRequest.objects.filter(status=RequestStatus.LEFT).count() == left > 0
