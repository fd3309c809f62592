"""The introduction is named in the language of the document, not of the uploader. No database needed."""

from __future__ import annotations

import pytest
from django.utils import translation

from codes.importing.parser import parse_code_text

# ---------------------------------------------------------------------------
# The introduction is named in the document's language
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Acest cod se aplică tuturor angajaților.\n\n1. Integritate\n\nNu mințim.\n", "Introducere"),
        ("Acest cod se aplica tuturor angajatilor.\n\n1. Integritate\n\nNu mintim.\n", "Introducere"),
        ("This code applies to every employee.\n\n1. Integrity\n\nWe do not lie.\n", "Introduction"),
        # One Romanian name in an English text does not make it Romanian.
        ("This code is owned by Ștefan Popescu.\n\n1. Integrity\n\nWe do not lie.\n", "Introduction"),
    ],
)
def test_the_leading_section_is_named_in_the_documents_language(text, title):
    sections = parse_code_text(text.encode("utf-8"))

    assert sections[0].title == title


def test_the_leading_section_follows_the_document_not_the_uploaders_language():
    with translation.override("ro"):
        sections = parse_code_text(b"This code applies to every employee.\n\n1. Integrity\n\nWe do not lie.\n")

    assert sections[0].title == "Introduction"
