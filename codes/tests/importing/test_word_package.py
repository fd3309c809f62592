"""What a Word file must be before it is opened (codes/importing/word_package.py).

Every bad file is also refused through the import page and the command, with nothing saved
(codes/tests/test_word_import.py); here are the rules that need a closer look.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from docx.document import Document

from codes.importing.decoding import ImportRefused
from codes.importing.parser import check_upload_size, parse_code_file
from codes.tests.importing.helpers import titles
from codes.tests.importing.word_files import BILLION_LAUGHS, add_run_xml, replace_part, word_file, word_package


def refusal(data: bytes, filename: str = "code.docx") -> str:
    with pytest.raises(ImportRefused) as caught:
        parse_code_file(data, filename=filename)
    return caught.value.message


def privacy_file() -> bytes:
    return word_file(lambda document: document.add_heading("Privacy", 1))


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_anything_is_unpacked(monkeypatch) -> None:
    bomb = word_package({"word/document.xml": b"0" * 20_000_000})

    def unpack(*args, **kwargs):
        raise AssertionError("an entry was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpack)

    assert "zip bomb" in refusal(bomb)


def test_the_refusal_of_a_zip_bomb_names_how_tightly_it_is_packed() -> None:
    bomb = word_package({"word/document.xml": b"0" * 2_000_000})

    assert re.search(r"one part unpacks to [\d,]+ times its packed size", refusal(bomb))


def test_a_small_part_packed_tightly_is_not_taken_for_a_zip_bomb() -> None:
    data = replace_part(privacy_file(), "word/media/blank.bin", b"\x00" * 500_000)

    assert titles(parse_code_file(data, filename="code.docx").sections) == ["Privacy"]


def test_the_limit_on_a_word_files_size_is_a_setting(settings) -> None:
    settings.CODES_MAX_WORD_FILE_BYTES = 1_000
    data = privacy_file()

    assert refusal(data).startswith(
        f"The Word file is larger than the limit ({len(data):,} bytes; the limit is 1,000 bytes)."
    )


def test_the_limit_on_what_a_word_file_unpacks_to_is_a_setting(settings) -> None:
    settings.CODES_MAX_WORD_UNPACKED_BYTES = 10_000

    assert "more than the limit of 10,000 bytes, so it was not opened" in refusal(privacy_file())


def test_an_xml_part_named_otherwise_is_checked_by_its_declared_content_type() -> None:
    types = (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/word/extra.dat" ContentType="application/xml"/></Types>'
    )
    data = word_package({"word/extra.dat": BILLION_LAUGHS}, types=types)

    assert "XML document type declaration (in word/extra.dat)" in refusal(data)


def test_an_svg_picture_with_a_document_type_is_a_picture_not_a_refusal() -> None:
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    data = replace_part(privacy_file(), "word/media/image1.svg", svg)

    assert titles(parse_code_file(data, filename="code.docx").sections) == ["Privacy"]


def test_a_text_file_larger_than_any_import_is_refused_from_its_size_as_text(settings) -> None:
    with pytest.raises(ImportRefused) as caught:
        check_upload_size(20_000_000, filename="code.txt")

    assert caught.value.message.startswith("The file is larger than 1 MB (20,000,000 bytes")


def test_a_word_file_larger_than_any_import_is_refused_from_its_size_as_word() -> None:
    with pytest.raises(ImportRefused) as caught:
        check_upload_size(20_000_000, filename="code.docx")

    assert caught.value.message.startswith("The Word file is larger than the limit (20,000,000 bytes")


def test_a_file_within_the_limits_passes_the_size_check() -> None:
    check_upload_size(10_000_000, filename="code.docx")


def test_a_value_word_does_not_allow_is_refused_as_damaged() -> None:
    def build(document: Document) -> None:
        document.add_heading("Privacy", 1)
        add_run_xml(document.add_paragraph(), '<w:rPr><w:rStyle w:val="Odd"/></w:rPr><w:t>We protect data.</w:t>')

    data = word_file(build)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        styles = package.read("word/styles.xml")
    odd_style = b'<w:style w:type="character" w:styleId="Odd"><w:name w:val="Odd"/><w:rPr><w:b w:val="maybe"/></w:rPr>'
    data = replace_part(data, "word/styles.xml", styles.replace(b"</w:styles>", odd_style + b"</w:style></w:styles>"))

    assert refusal(data) == (
        "The Word file is damaged and cannot be read. Open it in Word, save it again as “Word Document (.docx)” "
        "and upload the new file."
    )
