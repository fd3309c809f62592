"""Pseudonymising a leaver leaves every signature record verifying, the leaver's included."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from acknowledgements.chain import verify_records
from acknowledgements.models import Signature, SignatureAuthentication
from privacy import services

pytestmark = pytest.mark.django_db


def test_a_pseudonymised_leavers_records_keep_verifying(signed_leaver) -> None:
    services.person_pseudonymise(person=signed_leaver, actor=None)

    out = StringIO()
    call_command("verify_signatures", stdout=out)
    assert "Intact: 3 records" in out.getvalue()
    assert verify_records().intact


def test_the_leavers_signature_holds_the_pseudonym_and_nothing_of_the_rest(signed_leaver) -> None:
    before = Signature.objects.get(person=signed_leaver)

    services.person_pseudonymise(person=signed_leaver, actor=None)

    after = Signature.objects.get(person=signed_leaver)
    assert (after.typed_name, after.ip_address, after.user_agent) == (services.pseudonym_of("HR-7731-ZQ"), None, "")
    assert after.pseudonymised_at is not None
    assert (after.typed_name_commitment, after.record_hash, after.record_mac) == (
        before.typed_name_commitment,
        before.record_hash,
        before.record_mac,
    )


def test_the_other_signers_records_are_left_as_they_were(signed_leaver, agent) -> None:
    services.person_pseudonymise(person=signed_leaver, actor=None)

    assert Signature.objects.get(person=agent).typed_name == agent.full_name
    assert Signature.objects.filter(pseudonymised_at__isnull=False).count() == 1


def test_the_leavers_subject_at_the_provider_becomes_the_pseudonym_and_still_verifies(signed_leaver) -> None:
    authentication = SignatureAuthentication.objects.get(signature__person=signed_leaver)

    services.person_pseudonymise(person=signed_leaver, actor=None)

    authentication.refresh_from_db()
    assert authentication.subject == services.pseudonym_of("HR-7731-ZQ")
    assert verify_records().intact
