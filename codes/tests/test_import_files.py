"""Realistic files, in English and Romanian, through the importer: how many sections, and which titles.

Each file under files/ is written the way people write such documents: numbered headings followed
at once by bullets, files without blank lines, numbered lists inside sections, Markdown headings,
Roman numerals, Romanian chapters and numbered headings in bold (as Word exports them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from codes.importing import ParsedSection, parse_code_text

FILES = Path(__file__).parent / "files"


def parse_file(name: str) -> list[ParsedSection]:
    return parse_code_text((FILES / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        (
            "ro_titluri_numerotate_cu_liste.txt",
            ["Introducere", "Profesionalism", "Integritate", "Confidențialitate", "Timpul de răspuns", "Reclamații"],
        ),
        (
            "ro_fara_randuri_goale.txt",
            ["Introducere", "Comportament", "Conflictul de interese", "Cadouri", "Instruire"],
        ),
        (
            "en_numbered_lists_inside.txt",
            ["Introduction", "Professionalism", "Responsiveness", "Complaint handling", "Privacy"],
        ),
        ("en_no_blank_lines.txt", ["Introduction", "Integrity", "Fairness", "Data protection", "Escalation"]),
        ("ro_capitole.txt", ["DISPOZIȚII GENERALE", "VALORI", "Confidențialitatea datelor", "Sancțiuni"]),
        ("en_markdown_numbered_lists.md", ["Introduction", "Communication", "Conflict resolution", "Training"]),
        ("ro_markdown.md", ["Introducere", "Integritate", "Respect", "Protecția datelor personale"]),
        ("en_roman_headings.txt", ["Introduction", "Purpose", "Service standards", "Accountability", "Review"]),
        ("ro_sectiuni_fara_diacritice.txt", ["Introducere", "Onestitate", "Comunicare", "Performanta"]),
        ("ro_titluri_ingrosate.md", ["Introducere", "Integritate", "Respectul față de clienți", "Feedback"]),
        (
            "ro_regulament_articole.txt",
            [
                "Introducere",
                "Dispoziții generale",
                "Scop",
                "Domeniu de aplicare",
                "Obligații",
                "Obligațiile angajaților",
                "Sancțiuni",
            ],
        ),
        ("ro_titlu_fara_randuri_goale.txt", ["Introducere", "Valori", "Integritate", "Confidențialitate"]),
    ],
)
def test_each_file_gives_its_sections_in_order(name, titles):
    sections = parse_file(name)

    assert [section.title for section in sections] == titles


def test_bullets_right_under_a_numbered_heading_are_its_body():
    sections = parse_file("ro_titluri_numerotate_cu_liste.txt")

    assert sections[2].body == (
        "- Nu promitem ce nu putem oferi.\n- Raportăm orice suspiciune de fraudă către responsabilul de conformitate."
    )
    assert sections[2].category == "integrity"


def test_a_numbered_list_in_a_file_without_blank_lines_stays_in_its_section():
    sections = parse_file("ro_fara_randuri_goale.txt")

    assert sections[2].body == (
        "Declarăm orice interes personal care poate influența o decizie.\n"
        "Pașii de urmat sunt:\n"
        "1. completați formularul de declarare;\n"
        "2. trimiteți-l șefului direct;\n"
        "3. păstrați o copie."
    )


def test_numbered_lists_inside_sections_stay_lists():
    sections = parse_file("en_numbered_lists_inside.txt")

    assert sections[1].body.endswith(
        "1. Say the company's name and your first name.\n2. Ask how you can help.\n"
        "3. Listen to the end before you answer."
    )
    assert sections[2].body == (
        "Our service levels are:\n\n"
        "1. Live chat within 2 minutes\n2. Email within 1 working day\n3. Letters within 5 working days"
    )
    assert sections[3].body == (
        "1. Log the complaint the same day.\n\n2. Give the customer its reference number.\n\n"
        "3. Answer in writing within 10 working days."
    )


def test_a_list_under_a_roman_heading_stays_a_list():
    sections = parse_file("en_roman_headings.txt")

    assert sections[2].body == (
        "We measure three things:\n\n1. First response time\n2. Resolution time\n3. Customer satisfaction"
    )


def test_a_chapter_title_on_the_line_under_the_chapter_number_is_its_title():
    sections = parse_file("ro_capitole.txt")

    assert sections[0].body == "Prezentul cod stabilește valorile și regulile de conduită ale societății."
    assert sections[2].category == "privacy"


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


def test_a_list_of_sentences_is_followed_at_once_by_the_next_heading():
    sections = parse_file("ro_titlu_fara_randuri_goale.txt")

    assert sections[0].body == "Cod de conduită"
    assert sections[2].body == "1. Nu mințim clienții.\n2. Nu acceptăm mită."


def test_the_articles_list_stays_in_its_article():
    sections = parse_file("ro_regulament_articole.txt")

    assert sections[5].body == (
        "Angajații au următoarele obligații:\n"
        "1. să respecte programul de lucru;\n"
        "2. să păstreze confidențialitatea datelor;\n"
        "3. să anunțe absențele în aceeași zi."
    )
