"""Pages and downloads with personal or compliance data are never kept by a browser or a proxy."""

from __future__ import annotations

import pytest
from django.test import Client

from acknowledgements.models import AcknowledgementRequest
from acknowledgements.services import requests_create_for_version, signature_create
from people.tests.factories import StaffProfileFactory
from portal.tests.urls import all_url_paths

pytestmark = pytest.mark.django_db


RECEIPTS = ["/acknowledgements/receipts/{signature}/", "/acknowledgements/receipts/{signature}/pdf/"]


def is_not_stored(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def signature(published, agent, compliance_officer):
    requests_create_for_version(version=published)
    return signature_create(
        ack_request=AcknowledgementRequest.objects.get(person=agent), actor=agent.user, typed_name=agent.full_name
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/acknowledgements/dashboard/",
        "/acknowledgements/dashboard/people/",
        "/acknowledgements/export/signatures.csv",
        "/acknowledgements/export/signatures.xlsx",
        "/acknowledgements/receipts/",
        "/acknowledgements/receipts/{signature}/",
        "/acknowledgements/receipts/{signature}/pdf/",
        "/acknowledgements/dashboard/versions/{version}/summary.pdf",
        "/training/status/",
        "/training/status/export.csv",
        "/audit/",
        "/people/staff/",
    ],
)
def test_compliance_pages_and_downloads_are_marked_no_store(
    client: Client, compliance_officer, signature, path: str
) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(path.format(signature=signature.pk, version=signature.request.version_id))
    response.close()  # Downloads stream from a temporary file.

    assert response.status_code == 200
    assert is_not_stored(response)


@pytest.mark.parametrize("path", RECEIPTS)
def test_the_signers_own_receipt_is_marked_no_store(client: Client, agent, signature, path: str) -> None:
    client.force_login(agent.user)

    response = client.get(path.format(signature=signature.pk))

    assert response.status_code == 200
    assert is_not_stored(response)


@pytest.mark.parametrize("path", all_url_paths())
def test_every_response_the_portal_renders_is_marked_no_store(client: Client, path: str) -> None:
    # Whatever the page answers (a page, a refusal, a redirect, not found), nothing is kept.
    client.force_login(StaffProfileFactory(user__is_superuser=True, user__is_staff=True).user)

    response = client.get(path)
    response.close()

    assert is_not_stored(response)
