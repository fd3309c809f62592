"""A version printed, or made a PDF, in its own language or in a published translation's (?language=), with the
text's language set on the element that holds it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from codes.models import CodeVersion, VersionTranslation
from codes.tests.factories import publish_translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def romanian(published, manager, second_manager) -> VersionTranslation:
    """The published version's Romanian translation, published: each title and body begins "RO: "."""
    return publish_translation(published, language="ro", translator=manager.user, approver=second_manager.user)


def url(version: CodeVersion, action: str) -> str:
    return f"/codes/{version.document.slug}/v{version.number}/{action}/"


def test_the_printout_is_of_the_versions_own_text_in_its_language(client, agent, published, romanian) -> None:
    client.force_login(agent.user)

    page = client.get(url(published, "print")).content.decode()

    assert '<article class="printable" lang="en">' in page
    assert "Stay calm and courteous." in page
    assert "RO: " not in page
    assert published.content_hash in page


def test_the_printout_in_a_translations_language_is_that_text_with_its_hash(client, agent, published, romanian) -> None:
    client.force_login(agent.user)

    page = client.get(url(published, "print"), {"language": "ro"}).content.decode()

    assert '<article class="printable" lang="ro">' in page
    assert "<h1>RO: Customer Service Code</h1>" in page
    assert "RO: Stay calm and courteous." in page
    assert romanian.content_hash in page
    assert published.content_hash not in page


def test_a_language_without_a_published_translation_is_not_found(client, agent, published, manager) -> None:
    from codes.services import translation_start

    translation_start(version=published, language="ro", actor=manager.user)
    client.force_login(agent.user)

    assert client.get(url(published, "print"), {"language": "ro"}).status_code == 404
    assert client.get(url(published, "pdf"), {"language": "ro"}).status_code == 404


def test_the_pdf_in_a_translations_language_is_that_text_named_by_its_language(
    client, agent, published, romanian
) -> None:
    client.force_login(agent.user)

    response = client.get(url(published, "pdf"), {"language": "ro"})

    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "RO: Stay calm and courteous." in text
    assert 'filename="customer-service-v1-ro.pdf"' in response["Content-Disposition"]
