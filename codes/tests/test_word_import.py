"""A Word document becomes a draft through the import page and `manage.py import_code`, or is refused whole."""

from __future__ import annotations

import html
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from docx.document import Document

from codes.models import CodeDocument, CodeVersion, Section
from codes.tests.importing.word_files import BAD_WORD_FILES, add_picture, word_file

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def customer_service_code(document: Document) -> None:
    document.add_paragraph("Customer service code", style="Title")
    document.add_paragraph("Every agent follows this code.")
    document.add_heading("Integrity and honesty", 1)
    paragraph = document.add_paragraph("We ")
    paragraph.add_run("never").bold = True
    paragraph.add_run(" mislead a customer.")
    document.add_heading("Complaint handling", 1)
    document.add_paragraph("Listen", style="List Number")
    document.add_paragraph("Apologise", style="List Number")
    add_picture(document)
    add_picture(document)


def upload(client, document: CodeDocument, name: str, data: bytes):
    return client.post(
        f"/codes/{document.slug}/drafts/import/", {"file": SimpleUploadedFile(name, data, content_type=DOCX)}
    )


def import_code(*args: str) -> str:
    out = StringIO()
    call_command("import_code", *args, stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# The import page
# ---------------------------------------------------------------------------


def test_the_import_page_offers_word_files(client, manager, document) -> None:
    client.force_login(manager.user)

    response = client.get(f"/codes/{document.slug}/drafts/import/")

    page = html.unescape(response.content.decode())
    assert 'accept=".docx,' in page
    assert "A Word document (.docx) of at most 10 MB" in page


def test_a_word_file_is_previewed_then_becomes_the_draft(client, manager, document) -> None:
    client.force_login(manager.user)

    preview = upload(client, document, "code.docx", word_file(customer_service_code))

    assert preview.status_code == 200
    assert not document.versions.exists(), "the preview saves nothing"
    client.post(f"/codes/{document.slug}/drafts/import/confirm/", {"payload": preview.context["payload"]})
    draft = document.versions.get()
    assert [(s.title, s.body) for s in draft.sections.order_by("position")] == [
        ("Introduction", "Every agent follows this code."),
        ("Integrity and honesty", "We **never** mislead a customer."),
        ("Complaint handling", "1. Listen\n2. Apologise"),
    ]
    assert draft.change_summary == "Imported from code.docx."


def test_the_preview_says_how_many_images_were_left_out(client, manager, document) -> None:
    client.force_login(manager.user)

    response = upload(client, document, "code.docx", word_file(customer_service_code))

    assert "2 images were not imported: the portal keeps the text only." in response.content.decode()


def test_the_preview_shows_a_word_table_as_a_table(client, manager, document) -> None:
    def build(word: Document) -> None:
        word.add_heading("Responsiveness", 1)
        table = word.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "Channel", "Answer within"
        table.cell(1, 0).text, table.cell(1, 1).text = "Phone", "3 rings"

    client.force_login(manager.user)

    response = upload(client, document, "code.docx", word_file(build))

    assert "<td>3 rings</td>" in response.content.decode()


@pytest.mark.parametrize("case", BAD_WORD_FILES)
def test_a_bad_word_file_is_refused_with_its_reason_and_nothing_is_saved(client, manager, published, case) -> None:
    name, data, message = BAD_WORD_FILES[case]()
    document = published.document
    client.force_login(manager.user)

    response = upload(client, document, name, data)

    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert html.escape(message) in response.content.decode()
    assert document.versions.count() == 1
    assert Section.objects.filter(version__document=document).count() == published.sections.count()


def test_a_word_file_past_the_size_limit_is_refused_with_the_limit(settings, client, manager, published) -> None:
    settings.CODES_MAX_WORD_FILE_BYTES = 1_000
    client.force_login(manager.user)

    response = upload(client, published.document, "code.docx", word_file(customer_service_code))

    assert "the limit is 1,000 bytes" in response.context["form"].errors["file"][0]
    assert published.document.versions.count() == 1


def test_a_file_larger_than_any_import_is_refused_before_it_is_read(
    monkeypatch, settings, client, manager, document
) -> None:
    settings.CODES_MAX_WORD_FILE_BYTES = 1_000_000

    def parse(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr("codes.forms.parse_code_file", parse)
    client.force_login(manager.user)

    response = upload(client, document, "code.docx", b"PK\x03\x04" + b"\x00" * 1_000_001)

    assert (
        response.context["form"]
        .errors["file"][0]
        .startswith("The Word file is larger than the limit (1,000,005 bytes; the limit is 1,000,000 bytes).")
    )
    assert not document.versions.exists()


# ---------------------------------------------------------------------------
# manage.py import_code
# ---------------------------------------------------------------------------


def test_import_code_imports_a_word_file_as_a_draft(tmp_path, manager) -> None:
    file = tmp_path / "code.docx"
    file.write_bytes(word_file(customer_service_code))

    output = import_code(str(file), "--document", "service", "--author", "maria")

    draft = CodeVersion.objects.get(document__slug="service")
    assert list(draft.sections.order_by("position").values_list("title", flat=True)) == [
        "Introduction",
        "Integrity and honesty",
        "Complaint handling",
    ]
    assert "Imported 3 sections from code.docx as draft version 1 of service (document created)." in output


def test_import_code_says_how_many_images_were_left_out(tmp_path, manager) -> None:
    file = tmp_path / "code.docx"
    file.write_bytes(word_file(customer_service_code))

    output = import_code(str(file), "--document", "service", "--author", "maria", "--dry-run")

    assert "Note: 2 images were not imported: the portal keeps the text only." in output


def test_import_code_reads_a_word_file_by_its_content_whatever_its_name(tmp_path, manager) -> None:
    file = tmp_path / "code.txt"
    file.write_bytes(word_file(customer_service_code))

    import_code(str(file), "--document", "service", "--author", "maria")

    assert CodeVersion.objects.get(document__slug="service").sections.count() == 3


@pytest.mark.parametrize("case", ["macro-enabled, renamed .docx", "zip bomb", "renamed PDF", "encrypted"])
def test_import_code_refuses_a_bad_word_file_and_saves_nothing(tmp_path, manager, case) -> None:
    name, data, message = BAD_WORD_FILES[case]()
    file = tmp_path / name
    file.write_bytes(data)

    with pytest.raises(CommandError) as refused:
        import_code(str(file), "--document", "service", "--author", "maria")

    assert message in str(refused.value)
    assert not CodeDocument.objects.filter(slug="service").exists()
