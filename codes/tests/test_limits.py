"""Limits on one version's text (codes/limits.py): the services, the editor and the import refuse past them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codes import services
from codes.importing.parser import ParsedSection
from codes.limits import LimitExceeded
from codes.models import CodeVersion, Section
from codes.tests.factories import CodeDocumentFactory, DraftFactory
from common.tests.timing import growth

pytestmark = pytest.mark.django_db


def url(version: CodeVersion, action: str = "") -> str:
    return f"/codes/{version.document.slug}/v{version.number}/" + (f"{action}/" if action else "")


# 19,600 characters: a long section.
LONG_BODY = "Lorem ipsum dolor sit amet. " * 700


def fill(version: CodeVersion, count: int, *, body: str = "Be courteous to every customer.") -> None:
    """Give the version `count` sections in all."""
    start = version.sections.count()
    Section.objects.bulk_create(
        Section(version=version, position=position, title=f"Rule {position}", body=body)
        for position in range(start + 1, count + 1)
    )


# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------


def test_adding_a_section_past_the_limit_is_refused_naming_the_limit(settings, manager, draft) -> None:
    settings.CODES_MAX_SECTIONS = 2

    with pytest.raises(LimitExceeded) as refused:
        services.section_add(version=draft, actor=manager.user, category="other", title="Third", body="Text.")

    assert refused.value.message == (
        "A version can have at most 2 sections, and this one would have 3. "
        "Merge or remove sections, or split the text into separate documents."
    )
    assert draft.sections.count() == 2


def test_a_section_up_to_the_limit_is_added(settings, manager, draft) -> None:
    settings.CODES_MAX_SECTIONS = 3

    services.section_add(version=draft, actor=manager.user, category="other", title="Third", body="Text.")

    assert draft.sections.count() == 3


def test_a_section_text_past_the_limit_is_refused_on_save(settings, manager, draft) -> None:
    settings.CODES_MAX_SECTION_CHARS = 10
    section = draft.sections.get(position=1)

    with pytest.raises(LimitExceeded) as refused:
        services.section_update(
            section=section, actor=manager.user, category="other", title="Professionalism", body="x" * 11
        )

    assert refused.value.field == "body"
    assert "at most 10 characters" in refused.value.message
    section.refresh_from_db()
    assert section.body == "Stay calm and courteous."


def test_an_import_past_the_limit_on_sections_creates_no_draft(settings, manager, document) -> None:
    settings.CODES_MAX_SECTIONS = 2
    sections = [ParsedSection(title=f"Rule {n}", category="other", body="Text.") for n in range(3)]

    with pytest.raises(LimitExceeded):
        services.version_import_draft(document=document, actor=manager.user, sections=sections, filename="code.txt")

    assert not document.versions.exists()


# ---------------------------------------------------------------------------
# The editor's forms
# ---------------------------------------------------------------------------


def test_the_add_form_says_the_version_is_at_the_limit(settings, client, manager, draft) -> None:
    settings.CODES_MAX_SECTIONS = 2
    client.force_login(manager.user)

    response = client.post(url(draft, "sections/add"), {"category": "other", "title": "Third", "body": "Text."})

    assert response.status_code == 200
    assert "A version can have at most 2 sections, and this one would have 3." in response.content.decode()
    assert draft.sections.count() == 2


def test_a_body_past_the_limit_is_a_field_error_naming_the_limit(settings, client, manager, draft) -> None:
    settings.CODES_MAX_SECTION_CHARS = 10
    section = draft.sections.get(position=1)
    client.force_login(manager.user)

    response = client.post(
        url(draft, f"sections/{section.pk}/edit"), {"category": "other", "title": "Professionalism", "body": "x" * 11}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["body"] == [
        "This text has 11 characters; a section can have at most 10 characters. Split it into several sections."
    ]
    section.refresh_from_db()
    assert section.body == "Stay calm and courteous."


def upload_headings(client, document, count: int):
    data = b"".join(b"# H%d\n" % number for number in range(count))
    return client.post(
        f"/codes/{document.slug}/drafts/import/",
        {"file": SimpleUploadedFile("huge.md", data, content_type="text/markdown")},
    )


def test_an_upload_of_111011_headings_is_refused_naming_the_limit(client, manager, document) -> None:
    client.force_login(manager.user)

    response = upload_headings(client, document, 111_011)

    assert response.status_code == 200
    assert "at most 200 sections" in response.context["form"].errors["file"][0]
    assert not document.versions.exists()


def test_refusing_an_upload_of_too_many_headings_takes_time_that_grows_linearly(client, manager, document) -> None:
    client.force_login(manager.user)

    # Four times the headings: about four times the time when linear, sixteen when quadratic.
    assert (
        growth(
            lambda: upload_headings(client, document, 111_011 // 4), lambda: upload_headings(client, document, 111_011)
        )
        < 8
    )


# ---------------------------------------------------------------------------
# The editor of a version at the limit
# ---------------------------------------------------------------------------


def editor_queries(client, version: CodeVersion, query: str = "") -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(version, "edit") + query)
    assert response.status_code == 200
    return len(captured)


def test_the_editor_runs_as_many_queries_for_one_section_as_at_the_limit(
    client, manager, draft, django_assert_max_num_queries
) -> None:
    client.force_login(manager.user)
    few = editor_queries(client, draft)
    fill(draft, 200)

    # Session and user, the user's permissions, the version with its document (for edit), the
    # count of sections and one page of them: the same whatever the number of sections.
    with django_assert_max_num_queries(few):
        response = client.get(url(draft, "edit"))

    assert response.status_code == 200
    assert editor_queries(client, draft, "?page=8") == few


def test_a_version_at_the_limit_opens_one_page_of_sections(client, manager, draft) -> None:
    fill(draft, 200, body=LONG_BODY)
    client.force_login(manager.user)

    response = client.get(url(draft, "edit"))

    page = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 200_000
    assert "200 sections; a version can have at most 200." in page
    assert "25. Rule 25" in page
    assert "26. Rule 26" not in page
    assert "Page 1 of 8" in page


def test_a_version_at_the_limit_opens_about_as_fast_as_one_of_a_single_page(client, manager, draft) -> None:
    one_page = DraftFactory(document=CodeDocumentFactory(owner=manager.user), number=1, author=manager.user)
    fill(draft, 200, body=LONG_BODY)
    fill(one_page, 25, body=LONG_BODY)
    client.force_login(manager.user)

    # Only one page of sections is rendered, whatever the version holds.
    assert growth(lambda: client.get(url(one_page, "edit")), lambda: client.get(url(draft, "edit"))) < 2


def test_the_last_page_shows_the_last_section_without_a_move_down(client, manager, draft) -> None:
    fill(draft, 30)
    client.force_login(manager.user)

    page = client.get(url(draft, "edit") + "?page=2").content.decode()

    assert "26. Rule 26" in page
    assert "30. Rule 30" in page
    assert "Move Rule 26 up" in page
    assert "Move Rule 30 down" not in page


def test_moving_a_section_on_the_second_page_with_htmx_returns_that_page(client, manager, draft) -> None:
    fill(draft, 30)
    section = draft.sections.get(position=27)
    client.force_login(manager.user)

    response = client.post(
        url(draft, f"sections/{section.pk}/move") + "?page=2", {"direction": "up"}, headers={"HX-Request": "true"}
    )

    assert "26. Rule 27" in response.content.decode()
    section.refresh_from_db()
    assert section.position == 26


def test_moving_a_section_without_javascript_returns_to_its_page(client, manager, draft) -> None:
    fill(draft, 30)
    section = draft.sections.get(position=25)
    client.force_login(manager.user)

    response = client.post(url(draft, f"sections/{section.pk}/move"), {"direction": "down"})

    assert response.status_code == 302
    assert response["Location"] == url(draft, "edit") + f"?page=2#section-{section.pk}"
