"""The editor's live preview, its warning about unsaved changes, and the comparison in rendered text."""

from __future__ import annotations

import pytest
from django.test import Client

from codes import services
from codes.diff import diff_rendered
from codes.models import CodeVersion

pytestmark = pytest.mark.django_db


def url(version: CodeVersion, action: str) -> str:
    return f"/codes/{version.document.slug}/v{version.number}/{action}/"


def preview(version: CodeVersion) -> str:
    return url(version, "sections/preview")


# --- the preview ---------------------------------------------------------------


def test_the_preview_renders_markdown_as_readers_will_see_it(client, manager, draft) -> None:
    client.force_login(manager.user)

    response = client.post(preview(draft), {"body": "Be **kind**.\n\n- listen\n- answer"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>Be <strong>kind</strong>.</p>" in html
    assert "<li>listen</li>" in html
    assert "<html" not in html  # a fragment, for htmx to put beside the editor


def test_the_preview_sanitises_what_it_renders(client, manager, draft) -> None:
    client.force_login(manager.user)

    html = client.post(preview(draft), {"body": "<script>alert(1)</script> [x](javascript:alert(1))"}).content.decode()

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_the_preview_refuses_a_text_over_the_limit_and_says_so(client, manager, draft, settings) -> None:
    settings.CODES_MAX_SECTION_CHARS = 10
    client.force_login(manager.user)

    response = client.post(preview(draft), {"body": "x" * 11})

    assert response.status_code == 413
    assert "a section can have at most 10 characters" in response.content.decode()


def test_the_preview_is_posted_only(client, manager, draft) -> None:
    client.force_login(manager.user)

    assert client.get(preview(draft)).status_code == 405


def test_the_preview_needs_the_csrf_token(manager, draft) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager.user)

    assert client.post(preview(draft), {"body": "Hello"}).status_code == 403


def test_the_preview_is_refused_to_those_who_may_not_edit(client, compliance_officer, draft) -> None:
    client.force_login(compliance_officer.user)

    assert client.post(preview(draft), {"body": "Hello"}).status_code == 403


def test_the_preview_of_a_version_one_may_not_see_is_not_found(client, agent, draft) -> None:
    client.force_login(agent.user)

    # An agent may not edit either; the permission is checked before the version is looked for.
    assert client.post(preview(draft), {"body": "Hello"}).status_code in (403, 404)


def test_the_preview_sends_the_anonymous_to_sign_in(client, draft) -> None:
    response = client.post(preview(draft), {"body": "Hello"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- the editor page -------------------------------------------------------------


def test_the_section_editor_previews_beside_the_text_and_warns_about_unsaved_changes(client, manager, draft) -> None:
    section = draft.sections.get(position=1)
    client.force_login(manager.user)

    html = client.get(url(draft, f"sections/{section.pk}/edit")).content.decode()

    assert f'hx-post="{preview(draft)}"' in html
    assert 'id="section-preview"' in html
    assert "<p>Stay calm and courteous.</p>" in html  # the saved text's preview, before any typing
    assert "data-warn-unsaved" in html
    assert "js/unsaved-changes.js" in html


def test_adding_a_section_has_the_preview_too(client, manager, draft) -> None:
    client.force_login(manager.user)

    html = client.get(url(draft, "sections/add")).content.decode()

    assert f'hx-post="{preview(draft)}"' in html


def test_the_section_is_saved_without_javascript_as_before(client, manager, draft) -> None:
    section = draft.sections.get(position=1)
    client.force_login(manager.user)

    response = client.post(
        url(draft, f"sections/{section.pk}/edit"),
        {"category": section.category, "title": section.title, "body": "Stay calm, always."},
    )

    assert response.status_code == 302
    section.refresh_from_db()
    assert section.body == "Stay calm, always."


# --- the comparison --------------------------------------------------------------


def test_the_comparison_shows_rendered_text_with_the_changed_words_marked(
    client, manager, second_manager, published
) -> None:
    second = services.version_start_draft(document=published.document, actor=manager.user)
    section = second.sections.get(position=1)
    services.section_update(
        section=section,
        actor=manager.user,
        category=section.category,
        title=section.title,
        body="Stay **calm** and kind.",
    )
    client.force_login(second_manager.user)

    page = client.get(f"/codes/{published.document.slug}/compare/", {"old": 1, "new": 2}).content.decode()

    assert "<p>Stay <strong>calm</strong> and <del>courteous</del><ins>kind</ins>.</p>" in page
    assert "**calm**" not in page


def test_the_comparison_escapes_markup_typed_into_a_section(client, manager, second_manager, published) -> None:
    second = services.version_start_draft(document=published.document, actor=manager.user)
    section = second.sections.get(position=1)
    services.section_update(
        section=section,
        actor=manager.user,
        category=section.category,
        title=section.title,
        body="Stay calm <img src=x onerror=alert(1)> and <script>alert(2)</script>.",
    )
    client.force_login(second_manager.user)

    page = client.get(f"/codes/{published.document.slug}/compare/", {"old": 1, "new": 2}).content.decode()

    assert "<img src=x" not in page
    assert "<script>alert" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_rendered_diff_marks_words_inside_the_new_markup() -> None:
    assert diff_rendered("Be calm.", "Be *very* calm.") == "<p>Be <em><ins>very</ins></em> calm.</p>\n"


def test_a_removed_paragraph_stays_a_paragraph_struck_through() -> None:
    assert diff_rendered("One.\n\nTwo.", "One.") == "<p>One.</p>\n<p><del>Two.</del></p>\n"


def test_a_rendered_diff_cannot_be_made_to_close_or_open_its_marks() -> None:
    html = diff_rendered("a", "a </ins><del>x</del> <ins onclick=alert(1)>")

    assert html == "<p>a<ins> &lt;/ins&gt;&lt;del&gt;x&lt;/del&gt; &lt;ins onclick=alert(1)&gt;</ins></p>\n"


def test_an_unchanged_text_is_only_rendered() -> None:
    assert diff_rendered("Be **calm**.", "Be **calm**.") == "<p>Be <strong>calm</strong>.</p>\n"
