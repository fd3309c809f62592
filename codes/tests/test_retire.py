"""Retiring a document: a confirmation page that states the consequences, and a reason, before anything changes."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from codes import services
from codes.models import VersionStatus
from codes.signals import Consequence, document_retired, retirement_consequences
from common.errors import DomainError
from people.tests.admin_client import form_data

pytestmark = pytest.mark.django_db


def retire_url(version) -> str:
    return f"/codes/{version.document.slug}/retire/"


@pytest.fixture
def told():
    """A stand-in for the apps above codes: it states one consequence, and records the announcements."""
    announced: list[dict] = []

    def consequences(sender, document_id, **kwargs) -> Consequence:
        return Consequence("3 things will happen", ("first", "second"))

    def retired(sender, **kwargs) -> None:
        announced.append({key: value for key, value in kwargs.items() if key != "signal"})

    retirement_consequences.connect(consequences, weak=False, dispatch_uid="test.consequences")
    document_retired.connect(retired, weak=False, dispatch_uid="test.retired")
    yield announced
    retirement_consequences.disconnect(dispatch_uid="test.consequences")
    document_retired.disconnect(dispatch_uid="test.retired")


def test_the_confirmation_page_states_the_consequences_and_changes_nothing(client, manager, published, told):
    client.force_login(manager.user)

    response = client.get(retire_url(published))

    page = response.content.decode()
    assert response.status_code == 200
    assert "3 things will happen" in page
    assert "<li>first</li>" in page
    assert "Version 1 stops being the published version" in page
    published.refresh_from_db()
    assert published.status == VersionStatus.PUBLISHED
    assert told == []


def test_retiring_without_a_reason_is_a_field_error(client, manager, published, told):
    client.force_login(manager.user)

    response = client.post(retire_url(published), {"reason": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    published.document.refresh_from_db()
    assert published.document.retired_at is None
    assert told == []


def test_retiring_with_a_reason_retires_records_and_announces(
    client, manager, published, told, django_capture_on_commit_callbacks
):
    client.force_login(manager.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retire_url(published), {"reason": "Merged into the handbook"})

    assert response.status_code == 302
    document = published.document
    document.refresh_from_db()
    published.refresh_from_db()
    assert document.retired_reason == "Merged into the handbook"
    assert published.status == VersionStatus.RETIRED
    event = AuditEvent.objects.get(action="codes.document.retire")
    assert event.details == {"reason": "Merged into the handbook"}
    assert told == [{"document_id": document.pk, "actor_id": manager.user.pk, "reason": "Merged into the handbook"}]
    page = client.get(f"/codes/{document.slug}/").content.decode()
    assert "Merged into the handbook" in page
    assert "Retire this document" not in page


def test_the_service_refuses_an_empty_reason(manager, published) -> None:
    with pytest.raises(DomainError, match="reason"):
        services.document_retire(document=published.document, actor=manager.user, reason="")


def test_an_agent_may_not_retire(client, agent, published) -> None:
    client.force_login(agent.user)

    assert client.get(retire_url(published)).status_code == 403
    assert client.post(retire_url(published), {"reason": "No"}).status_code == 403
    published.document.refresh_from_db()
    assert published.document.retired_at is None
    assert not AuditEvent.objects.filter(action="codes.document.retire").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, published) -> None:
    response = client.get(retire_url(published))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_retired_document_is_not_offered_for_a_new_draft(client, manager, published) -> None:
    services.document_retire(document=published.document, actor=manager.user, reason="Gone")
    client.force_login(manager.user)

    page = client.get(f"/codes/{published.document.slug}/").content.decode()

    assert "Start a new draft" not in page
    assert "Import a draft" not in page


def test_a_retired_versions_page_says_why(client, manager, published) -> None:
    services.document_retire(document=published.document, actor=manager.user, reason="Merged into the handbook")
    client.force_login(manager.user)

    page = client.get(f"/codes/{published.document.slug}/v1/").content.decode()

    assert "This document has been retired" in page
    assert "Merged into the handbook" in page
    assert "replaced by a newer one" not in page


def test_the_reason_for_retiring_is_not_rewritten_in_the_admin(client, administrator, published) -> None:
    document = published.document
    services.document_retire(document=document, actor=administrator.user, reason="Merged into the handbook")
    client.force_login(administrator.user)
    url = f"/admin/codes/codedocument/{document.pk}/change/"

    client.post(url, {**form_data(client.get(url)), "retired_reason": "Something else"})

    document.refresh_from_db()
    assert document.retired_reason == "Merged into the handbook"
