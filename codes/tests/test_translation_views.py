"""The pages of translating a version: the panel on the version page, the side-by-side editor (also the
reviewer's page), sending for review, approving, asking for changes and discarding."""

from __future__ import annotations

import re

import pytest

from audit.models import AuditEvent
from codes import services
from codes.models import CodeVersion, SectionTranslation, TranslationStatus, VersionTranslation
from codes.tests.factories import DraftFactory, SectionFactory
from codes.tests.test_translations import romanian, translate_all  # noqa: F401  # a fixture, and its helper

pytestmark = pytest.mark.django_db


def version_url(version: CodeVersion) -> str:
    return f"/codes/{version.document.slug}/v{version.number}/"


def url(translation: VersionTranslation, action: str = "") -> str:
    return version_url(translation.version) + f"translations/{translation.language}/" + (f"{action}/" if action else "")


def section_url(pair: SectionTranslation) -> str:
    return url(pair.translation, f"sections/{pair.pk}")


def first_pair(translation: VersionTranslation) -> SectionTranslation:
    return translation.sections.select_related("translation__version__document").order_by("section__position")[0]


@pytest.fixture
def started(published, manager) -> VersionTranslation:
    """A Romanian translation of the published version, just started by the manager: nothing translated yet."""
    return services.translation_start(version=published, language="ro", actor=manager.user)


@pytest.fixture
def in_review(romanian, manager) -> VersionTranslation:  # noqa: F811
    return services.translation_submit(translation=romanian, actor=manager.user)


# ---------------------------------------------------------------------------
# The panel on the version page
# ---------------------------------------------------------------------------


def test_a_manager_starts_a_translation_from_the_version_page(client, manager, published) -> None:
    client.force_login(manager.user)
    page = client.get(version_url(published)).content.decode()
    assert 'data-testid="translations"' in page
    assert '<option value="ro">Romanian</option>' in page
    assert '<option value="en"' not in page, "never into the version's own language"

    response = client.post(version_url(published) + "translations/start/", {"language": "ro"})

    translation = VersionTranslation.objects.get(version=published)
    assert response.status_code == 302
    assert response["Location"] == url(translation)
    assert (translation.language, translation.started_by) == ("ro", manager.user)
    assert AuditEvent.objects.filter(action="codes.translation.start").count() == 1


def test_the_panel_offers_no_language_that_has_a_translation_already(client, manager, started) -> None:
    client.force_login(manager.user)

    page = client.get(version_url(started.version)).content.decode()

    assert "Start a translation" not in page
    assert "2 sections still to translate" in page
    assert f'href="{url(started)}"' in page


def test_starting_a_translation_into_a_language_taken_says_why(client, manager, started) -> None:
    client.force_login(manager.user)

    response = client.post(version_url(started.version) + "translations/start/", {"language": "ro"}, follow=True)

    assert "already has a Romanian translation" in response.content.decode()
    assert VersionTranslation.objects.count() == 1


def test_an_agent_sees_no_translation_panel(client, agent, started) -> None:
    client.force_login(agent.user)

    page = client.get(version_url(started.version)).content.decode()

    assert 'data-testid="translations"' not in page


def test_an_agent_cannot_start_a_translation(client, agent, published) -> None:
    client.force_login(agent.user)

    response = client.post(version_url(published) + "translations/start/", {"language": "ro"})

    assert response.status_code == 403
    assert not VersionTranslation.objects.exists()


def test_the_panel_shows_the_hash_and_approver_of_a_published_translation(
    client, manager, second_manager, in_review
) -> None:
    services.translation_approve(translation=in_review, actor=second_manager.user)
    in_review.refresh_from_db()
    client.force_login(manager.user)

    page = client.get(version_url(in_review.version)).content.decode()

    assert in_review.content_hash in page
    assert "approved by Radu" in page
    assert url(in_review, "discard") not in page, "a published translation is part of the record"


def test_a_published_translation_is_offered_printed_and_as_a_pdf_in_its_language(
    client, manager, second_manager, in_review
) -> None:
    services.translation_approve(translation=in_review, actor=second_manager.user)
    client.force_login(manager.user)
    page = client.get(version_url(in_review.version)).content.decode()
    panel = page[page.index('data-testid="translations"') :]

    printed, pdf = re.findall(r'href="([^"]+\?language=ro)"', panel)

    assert 'lang="ro"' in client.get(printed).content.decode()
    response = client.get(pdf)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_every_link_of_the_panel_opens_for_the_manager(client, manager, started) -> None:
    client.force_login(manager.user)
    page = client.get(version_url(started.version)).content.decode()
    panel = page[page.index('data-testid="translations"') :]

    links = set(re.findall(r'href="(/codes/[^"]+/translations/[^"]+)"', panel))

    assert links == {url(started), url(started, "discard")}
    for link in links:
        assert client.get(link).status_code == 200, link


# ---------------------------------------------------------------------------
# The side-by-side editor
# ---------------------------------------------------------------------------


def test_the_editor_shows_the_source_beside_the_translation_form(client, manager, started) -> None:
    client.force_login(manager.user)

    response = client.get(url(started))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<p>Stay calm and courteous.</p>" in page, "the source, rendered"
    pair = first_pair(started)
    assert f'name="section-{pair.pk}-title"' in page
    assert f'action="{section_url(pair)}"' in page
    assert "data-warn-unsaved" in page
    assert page.count('data-testid="untranslated"') == 2


def test_the_editor_renders_the_source_through_the_sanitiser(client, manager, draft) -> None:
    draft.sections.filter(position=1).update(body="Be **kind**. <script>alert(1)</script>")
    translation = services.translation_start(version=draft, language="ro", actor=manager.user)
    client.force_login(manager.user)

    page = client.get(url(translation)).content.decode()

    assert "<strong>kind</strong>" in page
    assert "<script>alert(1)" not in page


def test_saving_a_section_translates_it_and_returns_to_it(client, manager, started) -> None:
    pair = first_pair(started)
    client.force_login(manager.user)

    response = client.post(
        section_url(pair) + "?page=1",
        {f"section-{pair.pk}-title": "Profesionalism", f"section-{pair.pk}-body": "Rămâneți calmi."},
    )

    assert response.status_code == 302
    assert response["Location"] == url(started) + f"?page=1#section-{pair.pk}"
    pair.refresh_from_db()
    assert (pair.title, pair.body, pair.translated) == ("Profesionalism", "Rămâneți calmi.", True)
    assert AuditEvent.objects.filter(action="codes.translation.section_update").count() == 1


def test_a_section_saved_without_a_title_is_refused_next_to_the_field(client, manager, started) -> None:
    pair = first_pair(started)
    client.force_login(manager.user)

    response = client.post(section_url(pair), {f"section-{pair.pk}-title": " ", f"section-{pair.pk}-body": "x"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="error_1_id_section-{pair.pk}-title"' in page
    pair.refresh_from_db()
    assert (pair.title, pair.translated) == ("Professionalism", False)


def test_a_section_over_the_length_limit_is_refused_next_to_the_field(client, manager, started, settings) -> None:
    settings.CODES_MAX_SECTION_CHARS = 10
    pair = first_pair(started)
    client.force_login(manager.user)

    response = client.post(
        section_url(pair), {f"section-{pair.pk}-title": "Profesionalism", f"section-{pair.pk}-body": "x" * 11}
    )

    assert response.status_code == 200
    assert f'id="error_1_id_section-{pair.pk}-body"' in response.content.decode()
    pair.refresh_from_db()
    assert pair.translated is False


def test_the_editor_marks_the_sections_still_to_translate_and_lists_them_alone(client, manager, started) -> None:
    pair = first_pair(started)
    services.translation_section_update(section_translation=pair, actor=manager.user, title="Profesionalism", body="")
    client.force_login(manager.user)

    everything = client.get(url(started)).content.decode()
    still = client.get(url(started), {"only": "untranslated"}).content.decode()

    assert everything.count('data-testid="untranslated"') == 1
    assert "1 section still to translate" in everything
    assert f'id="section-{pair.pk}"' in everything
    assert f'id="section-{pair.pk}"' not in still
    assert "2. Privacy" in still
    assert 'href="?only=untranslated' not in still  # no other page to link to


def test_with_nothing_left_to_translate_the_filter_says_so(client, manager, romanian) -> None:  # noqa: F811
    client.force_login(manager.user)

    page = client.get(url(romanian), {"only": "untranslated"}).content.decode()

    assert "No section is still to translate." in page
    assert "0 sections still to translate" in page


def test_the_translated_title_is_saved(client, manager, started) -> None:
    client.force_login(manager.user)

    response = client.post(url(started, "title"), {"translation-title": "Codul serviciului pentru clienți"})

    assert response.status_code == 302
    assert response["Location"] == url(started) + "#translation-title"
    started.refresh_from_db()
    assert started.title == "Codul serviciului pentru clienți"


def test_an_empty_translated_title_is_refused_next_to_the_field(client, manager, started) -> None:
    client.force_login(manager.user)

    response = client.post(url(started, "title"), {"translation-title": ""})

    assert response.status_code == 200
    assert 'id="error_1_id_translation-title"' in response.content.decode()
    started.refresh_from_db()
    assert started.title == started.version.title


def test_a_translation_in_review_shows_no_forms(client, manager, in_review) -> None:
    client.force_login(manager.user)

    page = client.get(url(in_review)).content.decode()

    assert "Rămâneți calmi și politicoși." in page
    assert "<textarea" not in page
    assert "/sections/" not in page
    assert url(in_review, "title") not in page


def test_a_section_of_a_translation_in_review_cannot_be_saved(client, manager, in_review) -> None:
    pair = first_pair(in_review)
    client.force_login(manager.user)

    response = client.post(section_url(pair), {f"section-{pair.pk}-title": "Alt", f"section-{pair.pk}-body": ""})

    assert response.status_code == 302
    assert "in review, so it cannot be edited" in client.get(response["Location"]).content.decode()
    pair.refresh_from_db()
    assert pair.title == "Profesionalism"


def test_an_agent_is_refused_the_editor(client, agent, started) -> None:
    client.force_login(agent.user)

    assert client.get(url(started)).status_code == 403


def test_a_compliance_officer_reads_the_translation_without_forms(client, compliance_officer, started) -> None:
    client.force_login(compliance_officer.user)

    response = client.get(url(started))

    assert response.status_code == 200
    assert "<textarea" not in response.content.decode()


def test_a_compliance_officer_cannot_save_a_section(client, compliance_officer, started) -> None:
    pair = first_pair(started)
    client.force_login(compliance_officer.user)

    response = client.post(section_url(pair), {f"section-{pair.pk}-title": "x", f"section-{pair.pk}-body": ""})

    assert response.status_code == 403
    pair.refresh_from_db()
    assert pair.translated is False


def test_the_editor_sends_the_anonymous_to_sign_in(client, started) -> None:
    response = client.get(url(started))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_section_is_saved_by_post_only(client, manager, started) -> None:
    client.force_login(manager.user)

    assert client.get(section_url(first_pair(started))).status_code == 405
    assert client.post(url(started)).status_code == 405


def test_a_language_without_a_translation_is_not_found(client, manager, published) -> None:
    client.force_login(manager.user)

    assert client.get(version_url(published) + "translations/ro/").status_code == 404


@pytest.mark.parametrize("sections", [2, 20])
def test_the_editor_reads_the_same_number_of_queries_whatever_the_number_of_sections(
    client, manager, django_assert_max_num_queries, sections
) -> None:
    version = DraftFactory(author=manager.user)
    for position in range(1, sections + 1):
        SectionFactory(version=version, position=position, body=f"Rule **{position}**.")
    translation = services.translation_start(version=version, language="ro", actor=manager.user)
    client.force_login(manager.user)

    # The session, the user, the permissions (two), the version, the translation with its progress, the count
    # and the page of sections with their source, and the navigation's unread notifications and task counts.
    with django_assert_max_num_queries(10):
        response = client.get(url(translation))
    assert response.status_code == 200
    assert response.content.decode().count("<textarea") == sections


# ---------------------------------------------------------------------------
# Review
# ---------------------------------------------------------------------------


def test_the_translator_sends_the_translation_for_review(client, manager, romanian) -> None:  # noqa: F811
    client.force_login(manager.user)

    response = client.post(url(romanian, "submit"))

    assert response.status_code == 302
    romanian.refresh_from_db()
    assert romanian.status == TranslationStatus.IN_REVIEW


def test_a_translation_with_sections_left_is_not_sent_for_review(client, manager, started) -> None:
    client.force_login(manager.user)

    response = client.post(url(started, "submit"), follow=True)

    assert "2 sections are still to translate." in response.content.decode()
    started.refresh_from_db()
    assert started.status == TranslationStatus.DRAFT


def test_the_translation_of_a_draft_waits_for_the_version(client, manager, draft) -> None:
    translation = services.translation_start(version=draft, language="ro", actor=manager.user)
    client.force_login(manager.user)

    page = client.get(url(translation)).content.decode()

    assert "It can be sent for review once the version is approved." in page
    assert url(translation, "submit") not in page


def test_the_translator_sees_no_approve_button_and_the_reason(client, manager, in_review) -> None:
    client.force_login(manager.user)

    editor = client.get(url(in_review)).content.decode()
    version_page = client.get(version_url(in_review.version)).content.decode()

    for page in (editor, version_page):
        assert "four-eyes rule" in page
        assert url(in_review, "approve") not in page


def test_a_second_manager_approves_and_the_translation_is_published_with_its_version(
    client, second_manager, in_review
) -> None:
    client.force_login(second_manager.user)
    assert url(in_review, "approve") in client.get(url(in_review)).content.decode()

    response = client.post(url(in_review, "approve"))

    assert response.status_code == 302
    assert response["Location"] == version_url(in_review.version)
    in_review.refresh_from_db()
    assert (in_review.status, in_review.approver) == (TranslationStatus.PUBLISHED, second_manager.user)
    assert len(in_review.content_hash) == 64


def test_the_translator_cannot_approve_by_posting(client, manager, in_review) -> None:
    client.force_login(manager.user)

    client.post(url(in_review, "approve"))

    in_review.refresh_from_db()
    assert in_review.status == TranslationStatus.IN_REVIEW


def test_asking_for_changes_needs_a_comment(client, second_manager, in_review) -> None:
    client.force_login(second_manager.user)

    response = client.post(url(in_review, "request-changes"), {"comment": "  "})

    assert response.status_code == 200
    assert 'id="error_1_id_comment"' in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == TranslationStatus.IN_REVIEW


def test_the_changes_asked_for_are_shown_to_the_translator_with_the_forms(
    client, manager, second_manager, in_review
) -> None:
    client.force_login(second_manager.user)
    response = client.post(url(in_review, "request-changes"), {"comment": "Use the formal address."})
    assert response.status_code == 302
    client.force_login(manager.user)

    page = client.get(url(in_review)).content.decode()

    assert "Use the formal address." in page
    assert "<textarea" in page
    in_review.refresh_from_db()
    assert in_review.status == TranslationStatus.DRAFT


def test_an_agent_cannot_approve(client, agent, in_review) -> None:
    client.force_login(agent.user)

    assert client.post(url(in_review, "approve")).status_code == 403


# ---------------------------------------------------------------------------
# Discarding
# ---------------------------------------------------------------------------


def test_discarding_asks_first(client, manager, started) -> None:
    client.force_login(manager.user)

    response = client.get(url(started, "discard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Discard the Romanian translation of version 1?" in page
    assert "Its 0 translated sections will be deleted." in page
    assert f'action="{url(started, "discard")}"' in page
    assert VersionTranslation.objects.filter(pk=started.pk).exists()


def test_discarding_deletes_the_translation(client, manager, started) -> None:
    client.force_login(manager.user)

    response = client.post(url(started, "discard"))

    assert response.status_code == 302
    assert response["Location"] == version_url(started.version)
    assert not VersionTranslation.objects.filter(pk=started.pk).exists()
    assert AuditEvent.objects.filter(action="codes.translation.discard").count() == 1


def test_a_published_translation_is_not_discarded(client, manager, second_manager, in_review) -> None:
    services.translation_approve(translation=in_review, actor=second_manager.user)
    client.force_login(manager.user)

    response = client.post(url(in_review, "discard"), follow=True)

    assert "published, so it cannot be discarded" in response.content.decode()
    assert VersionTranslation.objects.filter(pk=in_review.pk).exists()


# ---------------------------------------------------------------------------
# Django's admin
# ---------------------------------------------------------------------------


def test_the_admin_shows_a_translation_and_its_sections_read_only(client, administrator, started) -> None:
    client.force_login(administrator.user)

    change = client.get(f"/admin/codes/versiontranslation/{started.pk}/change/")

    assert change.status_code == 200
    page = change.content.decode()
    assert "Stay calm and courteous." in page
    assert 'name="title"' not in page
    assert client.get("/admin/codes/versiontranslation/add/").status_code == 403
    assert client.post(f"/admin/codes/versiontranslation/{started.pk}/delete/").status_code == 403
