"""Retiring a document, end to end: the confirmation page's consequences, the reason, the withdrawn requests,
the figures, and a reader's page that tells the truth about it."""

from __future__ import annotations

import pytest

from acknowledgements import services
from acknowledgements.models import AcknowledgementRequest, RequestStatus
from audit.models import AuditEvent
from training.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(published, agent, compliance_officer):
    services.requests_create_for_version(version=published)
    signed = AcknowledgementRequest.objects.get(person=compliance_officer, version=published)
    services.signature_create(request=signed, actor=compliance_officer.user, typed_name=compliance_officer.full_name)
    return published


def pending(version) -> int:
    return AcknowledgementRequest.objects.filter(version=version, status=RequestStatus.PENDING).count()


def retire(client, version, reason: str, capture):
    with capture(execute=True):
        return client.post(f"/codes/{version.document.slug}/retire/", {"reason": reason})


def test_the_confirmation_page_counts_the_requests_it_withdraws_and_names_the_courses(client, manager, asked) -> None:
    CourseFactory(title="Customer care basics", document=asked.document)
    client.force_login(manager.user)

    page = client.get(f"/codes/{asked.document.slug}/retire/").content.decode()

    assert f"{pending(asked)} pending requests to sign it will be withdrawn" in page
    assert "1 training course links to this document" in page
    assert "Customer care basics" in page


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


@pytest.mark.parametrize("extra_people", [0, 20])
def test_the_confirmation_page_costs_the_same_queries_for_1_or_20_people_and_courses(
    client, manager, published, agent, extra_people, django_assert_num_queries
) -> None:
    from people.tests.factories import StaffProfileFactory

    StaffProfileFactory.create_batch(extra_people, department=agent.department)
    services.requests_create_for_version(version=published)
    courses = CourseFactory.create_batch(1 + extra_people, document=published.document)
    client.force_login(manager.user)

    # session, unread notifications, user, permissions (user's own + through groups), the document,
    # its published version, the pending requests counted, the linked courses' titles
    with django_assert_num_queries(9):
        response = client.get(f"/codes/{published.document.slug}/retire/")
    assert response.status_code == 200
    # The counted queries found every pending request and every course.
    page = response.content.decode()
    assert f"{pending(published)} pending requests to sign it will be withdrawn" in page
    assert all(f"<li>{course.title}</li>" in page for course in courses)


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
