"""Reading an upload: which files are refused, and how their bytes become text. No database needed."""

from __future__ import annotations

import pytest

from codes.importing.decoding import MAX_IMPORT_BYTES, ImportRefused
from codes.importing.parser import ParsedSection, parse_code_text
from codes.tests.importing.helpers import refusal, titles

BINARY_MESSAGE = (
    "The file looks like a binary file (a PDF, a picture or an archive), which cannot be imported. "
    "Upload a Word document (.docx), or save the text as plain text or Markdown (.txt, .md) and upload that file."
)


# ---------------------------------------------------------------------------
# Files that are refused
# ---------------------------------------------------------------------------


def test_empty_file_is_refused():
    assert refusal(b"") == "The file is empty: there is no text in it to import."


@pytest.mark.parametrize("data", [b" ", b"\n\n\n", b" \t\r\n \r\n\t ", b"\xef\xbb\xbf", b"\xef\xbb\xbf  \n"])
def test_file_of_only_whitespace_is_refused_as_empty(data):
    assert refusal(data) == "The file is empty: it contains only spaces and blank lines."


def test_file_larger_than_the_limit_is_refused_and_the_limit_is_stated():
    assert refusal(b"a" * (MAX_IMPORT_BYTES + 1)) == (
        "The file is larger than 1 MB (1,000,001 bytes; the limit is 1,000,000 bytes). "
        "Split it into smaller files, or remove pictures and attachments, and upload it again."
    )


def test_file_of_exactly_the_limit_is_accepted(settings):
    settings.CODES_MAX_SECTION_CHARS = MAX_IMPORT_BYTES  # this test is about the size of the file
    heading = b"# Professionalism\n\n"
    data = heading + b"a" * (MAX_IMPORT_BYTES - len(heading))

    sections = parse_code_text(data)

    assert titles(sections) == ["Professionalism"]
    assert len(sections[0].body) == MAX_IMPORT_BYTES - len(heading)


def test_file_containing_a_nul_byte_is_refused_as_binary():
    assert refusal(b"1. Professionalism\n\nBe polite.\x00\x00\x00") == BINARY_MESSAGE


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", id="pdf"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml", id="docx-zip"),
        pytest.param(b"PK\x03\x04word/document.xml", id="zip-without-nul"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", id="png"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF", id="jpeg"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", id="word-97-doc"),
        pytest.param(b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Calibri;}} Code of conduct}", id="rtf"),
    ],
)
def test_binary_files_are_refused_by_their_signature(data):
    assert refusal(data) == BINARY_MESSAGE


def test_romanian_text_saved_as_latin1_is_refused_with_offset_and_line():
    data = "Reguli de conduita\n\nÎn relatia cu clientii, angajatul este politicos.\n".encode("latin-1")

    assert refusal(data) == (
        "The file is not valid UTF-8 text: the byte 0xCE at byte offset 20 (line 3) cannot be read. "
        "It was probably saved in an older encoding such as Windows-1250 or Latin-1. "
        "The file must be saved as UTF-8: open it in an editor, save it with the encoding “UTF-8” "
        "and upload it again."
    )


def test_romanian_text_saved_as_windows_1250_is_refused_with_offset_and_line():
    data = "# Cod\r\n\r\nCodul de conduită\r\nConfidenţialitatea datelor\r\n".encode("cp1250")

    message = refusal(data)

    assert message.startswith("The file is not valid UTF-8 text: the byte 0xE3 at byte offset 25 (line 3) cannot")
    assert "must be saved as UTF-8" in message


def test_offsets_count_the_byte_order_mark_and_old_mac_line_endings():
    data = b"\xef\xbb\xbf" + "Titlu\r\rConfidenţialitate".encode("cp1250")

    assert "the byte 0xFE at byte offset 18 (line 3)" in refusal(data)


def test_utf16_text_is_refused_with_a_request_for_utf8():
    assert refusal("# Codul de conduită\n".encode("utf-16")) == (
        "The file is saved as UTF-16 text, which cannot be read here. "
        "Save it as UTF-8 (in most editors: “Save as” → encoding “UTF-8”) and upload it again."
    )


def test_import_refused_is_a_domain_error():
    from common.errors import DomainError

    assert issubclass(ImportRefused, DomainError)


# ---------------------------------------------------------------------------
# Reading the text
# ---------------------------------------------------------------------------


def test_utf8_byte_order_mark_is_accepted_and_stripped():
    sections = parse_code_text(b"\xef\xbb\xbf# Professionalism\n\nBe on time.\n")

    assert sections == [ParsedSection("Professionalism", "professionalism", "Be on time.")]


def test_windows_line_endings_are_normalised():
    sections = parse_code_text(
        b"1. Professionalism\r\n\r\nBe on time.\r\nBe polite.\r\n\r\n2. Integrity\r\n\r\nBe honest.\r\n"
    )

    assert titles(sections) == ["Professionalism", "Integrity"]
    assert sections[0].body == "Be on time.\nBe polite."
    assert "\r" not in sections[0].body


def test_old_mac_line_endings_are_normalised():
    sections = parse_code_text(b"Professionalism\r===============\r\rBe on time.\rBe polite.\r")

    assert sections == [ParsedSection("Professionalism", "professionalism", "Be on time.\nBe polite.")]
