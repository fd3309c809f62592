"""Translations of a version: drafted from the source, reviewed by someone who translated none of it,
published with (or after) the version, then frozen with a hash of their own."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from codes import services
from codes.content import translation_content_hash
from codes.models import FrozenTranslationError, SectionTranslation, TranslationStatus, VersionTranslation
from codes.selectors import untranslated_sections
from codes.tests.factories import SectionFactory
from common.errors import DomainError

pytestmark = pytest.mark.django_db

ROMANIAN = {
    "Professionalism": ("Profesionalism", "Rămâneți calmi și politicoși."),
    "Privacy": ("Confidențialitate", "Verificați mai întâi identitatea."),
}


def translate_all(translation: VersionTranslation, actor) -> None:
    for each in translation.sections.select_related("section"):
        title, body = ROMANIAN[each.section.title]
        services.translation_section_update(section_translation=each, actor=actor, title=title, body=body)


@pytest.fixture
def romanian(published, manager) -> VersionTranslation:
    """A Romanian translation of the published version, every section translated by the manager."""
    translation = services.translation_start(version=published, language="ro", actor=manager.user)
    translate_all(translation, manager.user)
    return translation


def test_a_translation_starts_as_the_source_text_with_every_section_still_to_translate(published, manager) -> None:
    translation = services.translation_start(version=published, language="ro", actor=manager.user)

    rows = list(translation.sections.order_by("section__position").values_list("title", "body", "translated"))
    assert rows == [
        ("Professionalism", "Stay calm and courteous.", False),
        ("Privacy", "Verify identity first.", False),
    ]
    assert AuditEvent.objects.filter(action="codes.translation.start").count() == 1


def test_a_version_cannot_be_translated_into_its_own_language(published, manager) -> None:
    with pytest.raises(DomainError, match="other than the version's own"):
        services.translation_start(version=published, language="en", actor=manager.user)


def test_a_version_has_one_translation_per_language(romanian, published, manager) -> None:
    with pytest.raises(DomainError, match="already has a Romanian translation"):
        services.translation_start(version=published, language="ro", actor=manager.user)


def test_an_agent_cannot_start_a_translation(published, agent) -> None:
    with pytest.raises(PermissionDenied):
        services.translation_start(version=published, language="ro", actor=agent.user)

    assert not VersionTranslation.objects.exists()


def test_a_translation_with_a_section_left_untranslated_cannot_be_sent_for_review(published, manager) -> None:
    translation = services.translation_start(version=published, language="ro", actor=manager.user)
    first = translation.sections.order_by("section__position").first()
    services.translation_section_update(section_translation=first, actor=manager.user, title="Profesionalism", body="…")

    with pytest.raises(DomainError, match="1 section is still to translate"):
        services.translation_submit(translation=translation, actor=manager.user)


def test_a_translation_of_a_draft_waits_for_the_version_to_be_approved(draft, manager) -> None:
    translation = services.translation_start(version=draft, language="ro", actor=manager.user)
    translate_all(translation, manager.user)

    with pytest.raises(DomainError, match="reviewed once the version is approved"):
        services.translation_submit(translation=translation, actor=manager.user)


def test_sections_added_to_the_draft_after_the_translation_started_are_to_translate(draft, manager) -> None:
    translation = services.translation_start(version=draft, language="ro", actor=manager.user)
    translate_all(translation, manager.user)
    SectionFactory(version=draft, position=3, title="Complaints", body="Log every complaint.")
    draft.status = "approved"
    draft.save(update_fields=["status"])

    with pytest.raises(DomainError, match="1 section is still to translate"):
        services.translation_submit(translation=translation, actor=manager.user)


def test_a_section_added_to_the_draft_joins_its_translations_as_still_to_translate(draft, manager) -> None:
    translation = services.translation_start(version=draft, language="ro", actor=manager.user)

    services.section_add(version=draft, actor=manager.user, category="other", title="Complaints", body="Log them.")

    assert list(untranslated_sections(translation).values_list("title", flat=True)) == [
        "Professionalism",
        "Privacy",
        "Complaints",
    ]
    assert translation.sections.filter(section__title="Complaints", body="Log them.").exists()


def test_a_source_section_changed_after_its_translation_is_to_translate_again(draft, manager) -> None:
    translation = services.translation_start(version=draft, language="ro", actor=manager.user)
    translate_all(translation, manager.user)
    privacy = draft.sections.get(title="Privacy")

    services.section_update(section=privacy, actor=manager.user, category="privacy", title="Privacy", body="New.")

    assert list(untranslated_sections(translation).values_list("title", flat=True)) == ["Privacy"]


def test_the_translator_cannot_approve_their_own_translation(romanian, manager) -> None:
    services.translation_submit(translation=romanian, actor=manager.user)

    with pytest.raises(DomainError, match="four-eyes"):
        services.translation_approve(translation=romanian, actor=manager.user)
    romanian.refresh_from_db()
    assert romanian.status == TranslationStatus.IN_REVIEW


def test_someone_who_edited_one_section_cannot_approve_it(romanian, manager, second_manager) -> None:
    romanian.status = TranslationStatus.DRAFT
    first = romanian.sections.first()
    services.translation_section_update(
        section_translation=first, actor=second_manager.user, title="Profesionalism", body="x"
    )
    services.translation_submit(translation=romanian, actor=manager.user)

    with pytest.raises(DomainError, match="four-eyes"):
        services.translation_approve(translation=romanian, actor=second_manager.user)


def test_approving_the_translation_of_a_published_version_publishes_it_with_its_hash(
    romanian, manager, second_manager
) -> None:
    services.translation_submit(translation=romanian, actor=manager.user)

    services.translation_approve(translation=romanian, actor=second_manager.user)

    romanian.refresh_from_db()
    assert romanian.status == TranslationStatus.PUBLISHED
    assert romanian.approver == second_manager.user
    assert romanian.content_hash == translation_content_hash(romanian)
    assert romanian.content_hash != romanian.version.content_hash


def test_a_translation_approved_before_its_version_is_published_with_it(draft, manager, second_manager) -> None:
    from codes.tests.factories import publish

    draft.status = "approved"
    draft.save(update_fields=["status"])
    translation = services.translation_start(version=draft, language="ro", actor=manager.user)
    translate_all(translation, manager.user)
    services.translation_submit(translation=translation, actor=manager.user)
    services.translation_approve(translation=translation, actor=second_manager.user)
    translation.refresh_from_db()
    assert translation.status == TranslationStatus.APPROVED
    draft.status = "draft"
    draft.save(update_fields=["status"])

    publish(draft, author=manager.user, approver=second_manager.user)

    translation.refresh_from_db()
    assert translation.status == TranslationStatus.PUBLISHED
    assert translation.content_hash == translation_content_hash(translation)


def test_a_translation_of_a_version_since_replaced_cannot_be_approved(romanian, published, manager, second_manager):
    services.translation_submit(translation=romanian, actor=manager.user)
    published.status = "superseded"
    published.save(update_fields=["status"])

    with pytest.raises(DomainError, match="no longer once it is replaced or retired"):
        services.translation_approve(translation=romanian, actor=second_manager.user)
    romanian.refresh_from_db()
    assert romanian.status == TranslationStatus.IN_REVIEW


def test_changes_requested_send_the_translation_back_to_its_translator(romanian, manager, second_manager) -> None:
    services.translation_submit(translation=romanian, actor=manager.user)

    services.translation_request_changes(translation=romanian, actor=second_manager.user, comment="Use formal address.")

    romanian.refresh_from_db()
    assert (romanian.status, romanian.review_comment) == (TranslationStatus.DRAFT, "Use formal address.")


def test_a_translation_in_review_cannot_be_edited(romanian, manager) -> None:
    services.translation_submit(translation=romanian, actor=manager.user)

    with pytest.raises(DomainError, match="in review, so it cannot be edited"):
        services.translation_section_update(
            section_translation=romanian.sections.first(), actor=manager.user, title="Alt titlu", body=""
        )


@pytest.fixture
def published_romanian(romanian, manager, second_manager) -> VersionTranslation:
    services.translation_submit(translation=romanian, actor=manager.user)
    return services.translation_approve(translation=romanian, actor=second_manager.user)


def test_a_published_translation_refuses_a_section_change_through_the_model(published_romanian) -> None:
    section = published_romanian.sections.first()
    section.body = "Altceva."

    with pytest.raises(FrozenTranslationError):
        section.save()


def test_a_published_translation_refuses_bulk_updates(published_romanian) -> None:
    with pytest.raises(FrozenTranslationError):
        SectionTranslation.objects.filter(translation=published_romanian).update(body="Altceva.")


def test_a_published_translation_refuses_a_new_title(published_romanian) -> None:
    published_romanian.title = "Alt titlu"

    with pytest.raises(FrozenTranslationError):
        published_romanian.save()


def test_a_published_translation_cannot_be_discarded(published_romanian, manager) -> None:
    with pytest.raises(DomainError, match="published, so it cannot be discarded"):
        services.translation_discard(translation=published_romanian, actor=manager.user)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own guard is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE codes_sectiontranslation SET body = 'Altceva.' WHERE translation_id = %s",
        "DELETE FROM codes_sectiontranslation WHERE translation_id = %s",
        "UPDATE codes_versiontranslation SET title = 'Alt titlu' WHERE id = %s",
        "UPDATE codes_versiontranslation SET status = 'draft' WHERE id = %s",
        "DELETE FROM codes_versiontranslation WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_a_published_translation(published_romanian, sql) -> None:
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [published_romanian.pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own guard is PostgreSQL's")
def test_the_database_refuses_a_section_slipped_into_a_published_translation(published_romanian, draft) -> None:
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO codes_sectiontranslation (translation_id, section_id, title, body, translated)"
            " SELECT %s, id, 'x', 'y', true FROM codes_section WHERE version_id = %s LIMIT 1",
            [published_romanian.pk, draft.pk],
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own guard is PostgreSQL's")
def test_the_database_refuses_to_change_the_language_of_a_published_version(published) -> None:
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE codes_codeversion SET language = 'ro' WHERE id = %s", [published.pk])
