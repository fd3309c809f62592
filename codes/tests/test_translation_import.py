"""A translation imported from a Word, Markdown or text file: its sections paired with the version's by order,
previewed side by side, and saved only once confirmed, as one contribution of the importer."""

from __future__ import annotations

import html
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from docx.document import Document

from audit.models import AuditEvent
from codes import services
from codes.models import CodeVersion, TranslationStatus, VersionTranslation
from codes.tests.factories import DraftFactory, SectionFactory
from codes.tests.importing.word_files import BAD_WORD_FILES, word_file
from codes.tests.test_translations import romanian, translate_all  # noqa: F401  # a fixture, and its helper

pytestmark = pytest.mark.django_db

ROMANIAN_MARKDOWN = """# Codul de conduită pentru serviciul clienți

## Profesionalism

Rămâneți calmi și **politicoși**.

## Confidențialitate

Verificați mai întâi identitatea.
"""


def romanian_code(document: Document) -> None:
    document.add_paragraph("Codul de conduită", style="Title")
    document.add_heading("Profesionalism", 1)
    paragraph = document.add_paragraph("Rămâneți calmi și ")
    paragraph.add_run("politicoși").bold = True
    paragraph.add_run(".")
    document.add_heading("Confidențialitate", 1)
    document.add_paragraph("Verificați mai întâi identitatea.")


def markdown_file(*titles: str) -> bytes:
    """A Markdown file of one section per title, each with a line of text, and no title of its own."""
    return "\n\n".join(f"## {title}\n\nText of {title}." for title in titles).encode()


def url(translation: VersionTranslation, action: str = "") -> str:
    version = translation.version
    base = f"/codes/{version.document.slug}/v{version.number}/translations/{translation.language}/"
    return base + (f"{action}/" if action else "")


def upload(client, translation: VersionTranslation, name: str, data: bytes):
    return client.post(url(translation, "import"), {"file": SimpleUploadedFile(name, data)})


def confirm(client, translation: VersionTranslation, preview):
    return client.post(url(translation, "import/confirm"), {"payload": preview.context["payload"]}, follow=True)


def rows(translation: VersionTranslation) -> list[tuple[str, str, bool]]:
    return list(translation.sections.order_by("section__position").values_list("title", "body", "translated"))


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def started(published, manager) -> VersionTranslation:
    """A Romanian translation of the published version (Professionalism, Privacy), nothing translated yet."""
    return services.translation_start(version=published, language="ro", actor=manager.user)


@pytest.fixture
def untouched(started) -> list[tuple[str, str, bool]]:
    return rows(started)


# ---------------------------------------------------------------------------
# The preview
# ---------------------------------------------------------------------------


def test_the_editor_of_a_draft_links_to_the_import(client, manager, started) -> None:
    client.force_login(manager.user)

    page = client.get(url(started)).content.decode()

    assert f'href="{url(started, "import")}"' in page
    assert client.get(url(started, "import")).status_code == 200


def test_a_reader_who_may_not_change_the_translation_sees_no_link(client, compliance_officer, started) -> None:
    client.force_login(compliance_officer.user)

    page = client.get(url(started)).content.decode()

    assert url(started, "import") not in page


def test_a_word_file_is_previewed_as_pairs_and_nothing_is_saved(client, manager, started, untouched) -> None:
    client.force_login(manager.user)

    preview = upload(client, started, "cod.docx", word_file(romanian_code))

    assert preview.status_code == 200
    page = text(preview)
    assert "The file has 2 sections; the version has 2: each is paired with the version's section" in page
    assert [(pair.source.title, pair.imported.title) for pair in preview.context["pairs"]] == [
        ("Professionalism", "Profesionalism"),
        ("Privacy", "Confidențialitate"),
    ]
    assert "1. Professionalism" in page
    assert "1. Profesionalism" in page
    assert "Stay calm and courteous." in page
    assert "Rămâneți calmi și **politicoși**." in page
    assert preview.context["imported_title"] == "Codul de conduită"
    assert rows(started) == untouched, "the preview saves nothing"
    assert not AuditEvent.objects.filter(action="codes.translation.import").exists()


def test_a_file_without_a_title_of_its_own_keeps_the_translation_s(client, manager, started) -> None:
    client.force_login(manager.user)

    preview = upload(client, started, "cod.md", markdown_file("Profesionalism", "Confidențialitate"))

    assert "The file has no title of its own: the translation keeps “Customer Service Code" in text(preview)
    confirm(client, started, preview)
    started.refresh_from_db()
    assert started.title == started.version.title


# ---------------------------------------------------------------------------
# Confirming
# ---------------------------------------------------------------------------


def test_confirming_a_word_file_translates_each_paired_section(client, manager, started) -> None:
    client.force_login(manager.user)
    preview = upload(client, started, "cod.docx", word_file(romanian_code))

    response = confirm(client, started, preview)

    assert response.redirect_chain[-1][0] == url(started)
    assert "2 sections imported from cod.docx." in text(response)
    assert rows(started) == [
        ("Profesionalism", "Rămâneți calmi și **politicoși**.", True),
        ("Confidențialitate", "Verificați mai întâi identitatea.", True),
    ]
    started.refresh_from_db()
    assert started.title == "Codul de conduită"
    event = AuditEvent.objects.get(action="codes.translation.import")
    assert event.details == {
        "language": "ro",
        "filename": "cod.docx",
        "matched": 2,
        "file_sections": 2,
        "version_sections": 2,
    }


def test_a_markdown_file_is_imported_as_the_romanian_translation(client, manager, started) -> None:
    client.force_login(manager.user)
    preview = upload(client, started, "cod.md", ROMANIAN_MARKDOWN.encode())

    confirm(client, started, preview)

    assert rows(started) == [
        ("Profesionalism", "Rămâneți calmi și **politicoși**.", True),
        ("Confidențialitate", "Verificați mai întâi identitatea.", True),
    ]
    started.refresh_from_db()
    assert started.title == "Codul de conduită pentru serviciul clienți"


def test_the_importer_may_not_approve_the_translation(client, manager, second_manager, started) -> None:
    client.force_login(second_manager.user)
    confirm(client, started, upload(client, started, "cod.md", ROMANIAN_MARKDOWN.encode()))
    services.translation_submit(translation=started, actor=manager.user)

    response = client.post(url(started, "approve"), follow=True)

    assert "You translated some of this text, so someone else must approve it" in text(response)
    started.refresh_from_db()
    assert started.status == TranslationStatus.IN_REVIEW


def test_a_file_with_fewer_sections_leaves_the_version_s_last_untranslated_and_says_so(
    client, manager, started
) -> None:
    client.force_login(manager.user)

    preview = upload(client, started, "cod.md", markdown_file("Profesionalism"))

    page = text(preview)
    assert "The file has 1 section; the version has 2: the last section of the version gets nothing" in page
    assert page.count('data-testid="nothing-imported"') == 1
    assert "2. Privacy" in page
    confirm(client, started, preview)
    assert rows(started) == [
        ("Profesionalism", "Text of Profesionalism.", True),
        ("Privacy", "Verify identity first.", False),
    ]


def test_a_file_with_more_sections_leaves_out_the_extras_and_names_them(client, manager, started) -> None:
    client.force_login(manager.user)

    preview = upload(client, started, "cod.md", markdown_file("Unu", "Doi", "Trei", "Patru"))

    page = text(preview)
    assert "The file has 4 sections; the version has 2: the file's extra sections 3–4 are not imported." in page
    assert page.count('data-testid="not-imported"') == 2
    assert "3. Trei" in page
    assert "4. Patru" in page
    confirm(client, started, preview)
    assert [title for title, _body, _translated in rows(started)] == ["Unu", "Doi"]
    assert AuditEvent.objects.get(action="codes.translation.import").details["matched"] == 2


@pytest.mark.parametrize("case", ["macro project", "macro-enabled, renamed .docx", "zip bomb"])
def test_a_bad_word_file_is_refused_with_its_reason_and_nothing_changes(
    client, manager, started, untouched, case
) -> None:
    name, data, message = BAD_WORD_FILES[case]()
    client.force_login(manager.user)

    response = upload(client, started, name, data)

    assert response.status_code == 200
    assert message in text(response)
    assert "payload" not in response.context
    assert rows(started) == untouched


def test_a_translation_in_review_is_not_imported_into(client, manager, romanian) -> None:  # noqa: F811
    client.force_login(manager.user)
    preview = upload(client, romanian, "cod.md", markdown_file("Unu", "Doi"))
    services.translation_submit(translation=romanian, actor=manager.user)
    before = rows(romanian)

    response = confirm(client, romanian, preview)

    assert response.redirect_chain[-1][0] == url(romanian)
    assert "The Romanian translation is in review: only a draft translation is imported from a file." in text(response)
    assert rows(romanian) == before
    assert not AuditEvent.objects.filter(action="codes.translation.import").exists()
    assert client.get(url(romanian, "import"))["Location"] == url(romanian)


def test_an_agent_is_refused_the_import(client, agent, started, untouched) -> None:
    client.force_login(agent.user)

    assert client.get(url(started, "import")).status_code == 403
    assert upload(client, started, "cod.md", ROMANIAN_MARKDOWN.encode()).status_code == 403
    assert client.post(url(started, "import/confirm"), {"payload": "x"}).status_code == 403
    assert rows(started) == untouched


def test_a_compliance_officer_may_not_import(client, compliance_officer, started) -> None:
    client.force_login(compliance_officer.user)

    assert upload(client, started, "cod.md", ROMANIAN_MARKDOWN.encode()).status_code == 403


def test_the_import_sends_the_anonymous_to_sign_in(client, started) -> None:
    response = client.get(url(started, "import"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_import_is_confirmed_by_post_only(client, manager, started) -> None:
    client.force_login(manager.user)

    assert client.get(url(started, "import/confirm")).status_code == 405


def test_a_change_to_the_version_s_sections_after_the_preview_is_refused(client, manager, draft) -> None:
    translation = services.translation_start(version=draft, language="ro", actor=manager.user)
    client.force_login(manager.user)
    preview = upload(client, translation, "cod.md", markdown_file("Unu", "Doi"))
    services.section_add(version=draft, actor=manager.user, category="other", title="Refunds", body="Within 14 days.")
    before = rows(translation)

    response = confirm(client, translation, preview)

    assert response.redirect_chain[-1][0] == url(translation, "import")
    assert "The version's sections changed since the preview" in text(response)
    assert rows(translation) == before
    assert not AuditEvent.objects.filter(action="codes.translation.import").exists()


def test_an_altered_preview_is_refused(client, manager, started, untouched) -> None:
    client.force_login(manager.user)
    preview = upload(client, started, "cod.md", markdown_file("Unu", "Doi"))

    response = client.post(url(started, "import/confirm"), {"payload": preview.context["payload"] + "x"}, follow=True)

    assert "The preview has expired or was altered. Upload the file again." in text(response)
    assert rows(started) == untouched


def test_the_preview_of_one_translation_does_not_import_into_another(client, manager, started, untouched) -> None:
    other = services.translation_start(version=DraftFactory(author=manager.user), language="ro", actor=manager.user)
    client.force_login(manager.user)
    preview = upload(client, other, "cod.md", markdown_file("Unu", "Doi"))

    response = confirm(client, started, preview)

    assert "The preview has expired or was altered." in text(response)
    assert rows(started) == untouched


def test_the_service_refuses_someone_who_may_not_change_translations(agent, started) -> None:
    with pytest.raises(PermissionDenied):
        services.translation_import(
            translation=started, actor=agent.user, title="", sections=[("Unu", "…")], filename="cod.md"
        )


@pytest.mark.parametrize("sections", [2, 20])
def test_the_preview_reads_the_same_number_of_queries_whatever_the_number_of_sections(
    client, manager, django_assert_max_num_queries, sections
) -> None:
    version: CodeVersion = DraftFactory(author=manager.user)
    for position in range(1, sections + 1):
        SectionFactory(version=version, position=position, title=f"Rule {position}")
    translation = services.translation_start(version=version, language="ro", actor=manager.user)
    client.force_login(manager.user)
    data = markdown_file(*(f"Regula {position}" for position in range(1, sections + 1)))

    # The session, the user, the permissions (two), the version with its document, the translation, the
    # version's sections (all in one), and the navigation's unread notifications and task counts: 9.
    with django_assert_max_num_queries(9):
        response = upload(client, translation, "cod.md", data)
    assert len(response.context["pairs"]) == sections


# ---------------------------------------------------------------------------
# manage.py import_code --translation LANGUAGE --number N
# ---------------------------------------------------------------------------


def import_code(*args: str) -> str:
    out = StringIO()
    call_command("import_code", *args, stdout=out)
    return out.getvalue()


def test_import_code_imports_a_translation_and_starts_it(tmp_path, manager, published) -> None:
    file = tmp_path / "cod.docx"
    file.write_bytes(word_file(romanian_code))

    out = import_code(str(file), "--document", "customer-service", "--translation", "ro", "--number", "1")

    assert "Imported 2 of 2 sections from cod.docx into the ro translation of version 1" in out
    assert "(translation started)" in out
    translation = VersionTranslation.objects.get(version=published, language="ro")
    assert rows(translation)[0] == ("Profesionalism", "Rămâneți calmi și **politicoși**.", True)
    assert translation.title == "Codul de conduită"
    assert translation.contributions.filter(person=manager.user).exists(), "the document's owner imported it"


def test_import_code_shows_the_pairs_of_a_dry_run_and_saves_nothing(tmp_path, started, untouched) -> None:
    file = tmp_path / "cod.md"
    file.write_bytes(markdown_file("Unu", "Doi", "Trei"))

    out = import_code(str(file), "--document", "customer-service", "--translation", "ro", "--number", "1", "--dry-run")

    assert " 1. Professionalism  <-  Unu" in out
    assert " 3. (none: not imported)  <-  Trei" in out
    assert "Dry run: 3 sections found in cod.md for the 2 of version 1; nothing saved." in out
    assert rows(started) == untouched


def test_import_code_refuses_a_translation_that_is_not_a_draft(tmp_path, manager, romanian) -> None:  # noqa: F811
    services.translation_submit(translation=romanian, actor=manager.user)
    file = tmp_path / "cod.md"
    file.write_bytes(markdown_file("Unu", "Doi"))

    with pytest.raises(CommandError, match="in review, so it cannot be imported into"):
        import_code(str(file), "--document", "customer-service", "--translation", "ro", "--number", "1")

    assert not AuditEvent.objects.filter(action="codes.translation.import").exists()
