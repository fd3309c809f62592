"""Retiring a document, end to end: the confirmation page's consequences, the reason, the withdrawn requests,
the figures, and a reader's page that tells the truth about it."""

from __future__ import annotations

import pytest

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(published, agent, compliance_officer):
    services.requests_create_for_version(version=published)
    signed = AcknowledgementRequest.objects.get(person=compliance_officer, version=published)
    services.signature_create(
        ack_request=signed, actor=compliance_officer.user, typed_name=compliance_officer.full_name
    )
    return published


def pending(version) -> int:
    return AcknowledgementRequest.objects.filter(version=version, status=RequestStatus.PENDING).count()


def retire(client, version, reason: str, capture):
    with capture(execute=True):
        return client.post(f"/codes/{version.document.slug}/retire/", {"reason": reason})


def test_without_courses_the_page_says_so(client, manager, asked) -> None:
    client.force_login(manager.user)

    page = client.get(f"/codes/{asked.document.slug}/retire/").content.decode()

    assert "No training course links to this document." in page


def test_retiring_withdraws_the_pending_requests_and_keeps_the_signatures(
    client, manager, asked, agent, compliance_officer, django_capture_on_commit_callbacks
) -> None:
    was_pending = pending(asked)
    client.force_login(manager.user)

    response = retire(client, asked, "Merged into the handbook", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert AcknowledgementRequest.objects.get(person=agent, version=asked).status == RequestStatus.WITHDRAWN
    assert AcknowledgementRequest.objects.get(person=compliance_officer, version=asked).status == RequestStatus.SIGNED
    assert pending(asked) == 0
    event = AuditEvent.objects.get(action="acknowledgements.requests.withdraw")
    assert event.details == {"requests": was_pending, "reason": "Merged into the handbook"}
    assert event.actor == manager.user


def test_without_a_reason_nothing_is_withdrawn(client, manager, asked, django_capture_on_commit_callbacks) -> None:
    was_pending = pending(asked)
    client.force_login(manager.user)

    response = retire(client, asked, "", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert pending(asked) == was_pending


def test_the_reader_says_the_document_was_retired_not_replaced(
    client, manager, asked, agent, django_capture_on_commit_callbacks
) -> None:
    client.force_login(manager.user)
    retire(client, asked, "Merged into the handbook", django_capture_on_commit_callbacks)
    client.force_login(agent.user)
    request = AcknowledgementRequest.objects.get(person=agent, version=asked)

    page = client.get(f"/acknowledgements/{request.pk}/").content.decode()

    assert "This document has been retired" in page
    assert "replaced by a newer one" not in page
    assert "Read and sign" not in client.get("/").content.decode()


def test_the_dashboard_counts_the_withdrawn_requests(
    client, manager, asked, compliance_officer, django_capture_on_commit_callbacks
) -> None:
    was_pending = pending(asked)
    client.force_login(manager.user)
    retire(client, asked, "Merged into the handbook", django_capture_on_commit_callbacks)
    client.force_login(compliance_officer.user)

    totals = client.get("/acknowledgements/dashboard/").context["totals"]

    assert (totals["withdrawn"], totals["pending"], totals["signed"]) == (was_pending, 0, 1)
    assert totals["asked"] == was_pending + 1
    assert totals["percent_signed"] == 100.0, "1 signed of the 1 still expected (withdrawn requests are not)"


def test_the_compliance_officer_sees_the_retired_documents_row_marked_retired(
    client, manager, compliance_officer, asked, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    client.force_login(manager.user)
    retire(client, asked, "Merged into the handbook", django_capture_on_commit_callbacks)
    client.force_login(compliance_officer.user)

    with django_assert_max_num_queries(15):
        response = client.get("/acknowledgements/dashboard/")

    row = next(row for row in response.context["versions"] if row["version_id"] == asked.pk)
    assert row["percent_signed"] == 100.0  # the rule stays: withdrawn requests are no longer expected
    page = response.content.decode()
    title = f'<a href="?version={asked.pk}">{asked.title} v{asked.number}</a>'
    assert title + ' <span class="badge text-bg-dark" title="The document was retired' in page
    assert ">Retired</span>" in page
