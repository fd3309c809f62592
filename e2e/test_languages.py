"""The code from a Word file and in every language (issue 16), through the pages, in a real browser: a
manager imports a Word document and publishes it, translates it into Romanian, a second manager approves
the translation, and an agent whose language is Romanian reads and signs the Romanian text.

Each test makes the state it starts from with the app's services, so any one of them runs alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from docx.document import Document as WordDocument
from playwright.sync_api import Dialog, Page, expect

from acknowledgements.models import Signature
from codes import services as code_services
from codes.models import CodeDocument, CodeVersion, TranslationStatus, VersionStatus, VersionTranslation
from people.models import StaffProfile

from .helpers import TEST_PASSWORD, assert_fits_the_screen, screenshot

# The test helpers by name, as the other journeys take theirs: mypy leaves the apps' test code out.
word_file = import_module("codes.tests.importing.word_files").word_file

pytestmark = [
    # The live server answers from another thread, so the data must be committed; the roles,
    # made by a data migration, are restored after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BrowserAs = Callable[[StaffProfile], Page]

ROMANIAN = {
    "Professionalism": ("Profesionalism", "Rămâneți calmi și politicoși cu fiecare client."),
    "Privacy": ("Confidențialitate", "Verificați identitatea clientului înainte de orice discuție."),
}


def _code_in_word(document: WordDocument) -> None:
    document.add_heading("Customer Service Code", level=0)
    document.add_heading("Professionalism", level=1)
    paragraph = document.add_paragraph("Stay ")
    paragraph.add_run("calm").bold = True
    paragraph.add_run(" and courteous with every customer.")
    document.add_heading("Privacy", level=1)
    document.add_paragraph("Verify the customer's identity before any conversation.", style="List Bullet")


def in_romanian(message: str) -> str:
    """What the portal shows for `message` to someone whose language is Romanian."""
    with translation.override("ro"):
        return gettext(message)


def _translate_each_section(page: Page) -> None:
    for section in page.locator("section[id^=section-]").all():
        source_title = section.locator("h2").inner_text()
        name = next(name for name in ROMANIAN if name in source_title)
        title, body = ROMANIAN[name]
        section.get_by_label("Title").fill(title)
        section.get_by_label("Text (Markdown)").fill(body)
        section.get_by_role("button", name="Save this section").click()
        expect(page.get_by_text(f"Section “{name}” saved.")).to_be_visible()


def test_a_word_file_becomes_a_code_in_romanian_that_a_romanian_speaker_signs(
    browser_as: BrowserAs,
    document: CodeDocument,
    manager: StaffProfile,
    second_manager: StaffProfile,
    agent: StaffProfile,
    tmp_path: Path,
) -> None:
    word = tmp_path / "customer-service-code.docx"
    word.write_bytes(word_file(_code_in_word))

    # The manager imports the Word file as the first draft, sends it for review; a second manager approves.
    author = browser_as(manager)
    author.goto(f"/codes/{document.slug}/")
    author.get_by_role("link", name="Import a draft from a file").click()
    author.get_by_label("Word, text or Markdown file").set_input_files(word)
    author.get_by_role("button", name="Preview").click()
    expect(author.get_by_text("Professionalism")).to_be_visible()
    screenshot(author, "languages-import-preview")
    author.get_by_role("button", name="Create the draft").click()
    expect(author.locator("#section-list")).to_contain_text("Privacy")
    author.get_by_role("button", name="Send for review").click()

    reviewer = browser_as(second_manager)
    reviewer.goto(f"/codes/{document.slug}/v1/")
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.get_by_text(re.compile("Approved by Radu"))).to_be_visible()

    author.goto(f"/codes/{document.slug}/v1/")
    author.get_by_role("link", name="Publish…").click()
    author.get_by_role("button", name="Publish now").click()
    expect(author.get_by_text("Published. Its text is now frozen.")).to_be_visible()
    version = CodeVersion.objects.get(document=document, number=1)
    assert version.status == VersionStatus.PUBLISHED
    assert list(version.sections.values_list("title", "body")) == [
        ("Professionalism", "Stay **calm** and courteous with every customer."),
        ("Privacy", "- Verify the customer's identity before any conversation."),
    ]

    # The manager translates it into Romanian, side by side, and sends the translation for review.
    author.get_by_label("Translate into").select_option("ro")
    author.get_by_role("button", name="Start a translation").click()
    expect(author).to_have_url(re.compile(rf"/codes/{document.slug}/v1/translations/ro/$"))
    author.get_by_label("Translated title").fill("Codul de conduită pentru relația cu clienții")
    author.get_by_role("button", name="Save the title").click()
    _translate_each_section(author)
    expect(author.get_by_test_id("untranslated")).to_have_count(0)
    screenshot(author, "languages-translation-editor")
    assert_fits_the_screen(author)
    author.get_by_role("button", name="Send for review").click()

    # The second manager finds it in My tasks, compares it side by side and approves it: it is published.
    reviewer.goto("/")
    reviewer.get_by_test_id("tasks-translation_review").get_by_role("link", name="Review").click()
    reviewer.get_by_role("button", name="Approve").click()
    romanian = VersionTranslation.objects.get(version=version, language="ro")
    assert romanian.status == TranslationStatus.PUBLISHED
    assert romanian.approver == second_manager.user

    # The agent, whose language is Romanian, reads the Romanian text and signs it.
    reader = browser_as(agent)
    reader.goto("/people/me/")
    reader.get_by_label("Language of the portal and its emails").select_option("ro")
    reader.get_by_role("button", name="Save", exact=True).click()
    reader.goto("/")
    reader.get_by_test_id("panel-tasks").get_by_role("link", name=in_romanian("Read and sign")).click()
    expect(reader.locator('[lang="ro"]').get_by_role("heading", name="Confidențialitate")).to_be_visible()
    screenshot(reader, "languages-reader-romanian")
    sign = reader.locator("#sign")
    sign.get_by_label(in_romanian("I agree to the statement above.")).check()
    sign.get_by_label(in_romanian("Your full name")).fill(agent.full_name)
    sign.get_by_label(in_romanian("Your password")).fill(TEST_PASSWORD)
    sign.get_by_role("button", name=in_romanian("Sign"), exact=True).click()

    signature = Signature.objects.get(person=agent, version=version)
    assert (signature.language, signature.content_hash) == ("ro", romanian.content_hash)
    receipt = reader.locator(".receipt")
    expect(receipt).to_contain_text(romanian.content_hash)
    expect(receipt).to_contain_text(in_romanian("Language read"))
    expect(receipt).to_contain_text("(ro)")
    screenshot(reader, "languages-receipt-romanian")


def test_saving_one_section_still_warns_of_changes_typed_in_another(
    browser_as: BrowserAs, published: CodeVersion, manager: StaffProfile
) -> None:
    code_services.translation_start(version=published, language="ro", actor=manager.user)
    page = browser_as(manager)
    page.goto(f"/codes/{published.document.slug}/v{published.number}/translations/ro/")
    first, second = page.locator("section[id^=section-]").all()
    second.get_by_label("Text (Markdown)").fill("Text nesalvat.")
    warnings: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        warnings.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    first.get_by_label("Title").fill("Profesionalism")
    first.get_by_role("button", name="Save this section").click()

    expect(page.get_by_label("Text (Markdown)").nth(1)).to_have_value("Text nesalvat.")
    assert warnings == ["beforeunload"]
