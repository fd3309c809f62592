"""Deleting a section and discarding a draft ask first, on a page of their own (no JavaScript needed)."""

from __future__ import annotations

import pytest

from codes.models import CodeVersion, VersionStatus

pytestmark = pytest.mark.django_db


def url(version: CodeVersion, action: str) -> str:
    return f"/codes/{version.document.slug}/v{version.number}/{action}/"


def delete_url(draft: CodeVersion) -> str:
    return url(draft, f"sections/{draft.sections.get(position=1).pk}/delete")


def test_opening_delete_asks_to_confirm_naming_the_section(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.get(delete_url(draft))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Delete the section “Professionalism”?" in page
    assert f'<form method="post" action="{delete_url(draft)}"' in page
    assert draft.sections.count() == 2


def test_confirming_deletes_the_section(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.post(delete_url(draft))

    assert response.status_code == 302
    assert list(draft.sections.values_list("title", flat=True)) == ["Privacy"]


def test_opening_discard_asks_to_confirm_naming_what_is_lost(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.get(url(draft, "discard"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Discard draft version 1?" in page
    assert "Its 2 sections will be deleted." in page
    assert f'<form method="post" action="{url(draft, "discard")}"' in page
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_confirming_discards_the_draft(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.post(url(draft, "discard"))

    assert response.status_code == 302
    assert not CodeVersion.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("action", ["delete", "discard"])
def test_another_method_is_refused(client, manager, draft, action) -> None:
    client.force_login(manager.user)
    address = delete_url(draft) if action == "delete" else url(draft, "discard")

    response = client.put(address)

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


@pytest.mark.parametrize("action", ["delete", "discard"])
def test_anonymous_visitors_are_sent_to_sign_in(client, draft, action) -> None:
    address = delete_url(draft) if action == "delete" else url(draft, "discard")

    response = client.get(address)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", ["delete", "discard"])
def test_a_read_only_role_may_not_open_the_confirmation(client, compliance_officer, draft, action) -> None:
    client.force_login(compliance_officer.user)
    address = delete_url(draft) if action == "delete" else url(draft, "discard")

    response = client.get(address)

    assert response.status_code == 403
    assert draft.sections.count() == 2


def test_a_draft_of_a_document_one_may_not_see_is_not_found(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.get(f"/codes/{draft.document.slug}/v99/discard/")

    assert response.status_code == 404


def test_the_editor_links_to_the_confirmations_for_a_browser_without_javascript(client, manager, draft) -> None:
    client.force_login(manager.user)

    page = client.get(url(draft, "edit")).content.decode()

    assert f'href="{delete_url(draft)}"' in page
    assert f'href="{url(draft, "discard")}"' in page
