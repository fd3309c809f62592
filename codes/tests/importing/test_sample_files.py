"""Realistic files, in English and Romanian, through the importer: how many sections, and which titles.

Each file under data/ and files/ is written the way people write such documents: numbered headings followed
at once by bullets, files without blank lines, numbered lists inside sections, Markdown headings,
Roman numerals, Romanian chapters and numbered headings in bold (as Word exports them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codes.importing.lines import TITLE_MAX_LENGTH
from codes.importing.parser import ParsedSection, parse_code_text
from codes.models import SectionCategory
from codes.tests.importing.helpers import DATA

FILES = Path(__file__).parents[1] / "files"


def sample(name: str) -> list[ParsedSection]:
    return parse_code_text((DATA / name).read_bytes())


def parse_file(name: str) -> list[ParsedSection]:
    return parse_code_text((FILES / name).read_bytes())


# ---------------------------------------------------------------------------
# Sample files
# ---------------------------------------------------------------------------


def test_sample_numbered_text_file():
    sections = sample("numbered.txt")

    assert [(section.title, section.category) for section in sections] == [
        ("Introduction", "other"),
        ("Professionalism", "professionalism"),
        ("Integrity and honesty", "integrity"),
        ("Responsiveness", "responsiveness"),
        ("Response times", "responsiveness"),
        ("Call-backs", "other"),
        ("Privacy and confidentiality", "privacy"),
        ("Complaint handling and conflict resolution", "complaint_handling"),
        ("Training and development", "training"),
        ("Performance metrics", "performance"),
    ]
    by_title = {section.title: section.body for section in sections}
    assert by_title["Introduction"].startswith("Harbourline Energy — Customer Service Code of Conduct\nEffective from")
    assert "- Introduce yourself by first name and team at the start of every call." in by_title["Professionalism"]
    assert "•" not in by_title["Professionalism"]
    assert by_title["Integrity and honesty"].endswith(
        "We never:\n\n1. Promise a refund, discount or credit we are not authorised to give.\n"
        "2. Change account details without verifying the caller's identity.\n"
        "3. Record a call outcome that did not happen."
    )
    assert by_title["Response times"].startswith("- Phone: answer within 60 seconds")
    assert "Page 2 of 3" not in by_title["Privacy and confidentiality"]
    assert "3. Ask for the date of birth or the amount of the last payment." in by_title["Privacy and confidentiality"]
    assert by_title["Complaint handling and conflict resolution"].count("\n- ") == 3
    assert by_title["Training and development"] == ""


def test_sample_markdown_file():
    sections = sample("markdown.md")

    assert [(section.title, section.category) for section in sections] == [
        ("Introduction", "other"),
        ("Professionalism", "professionalism"),
        ("Integrity and honesty", "integrity"),
        ("Communication standards", "communication"),
        ("Responsiveness", "responsiveness"),
        ("Out-of-hours messages", "other"),
        ("Privacy and confidentiality", "privacy"),
        ("Training and development", "training"),
        ("Performance metrics", "performance"),
    ]
    by_title = {section.title: section.body for section in sections}
    assert by_title["Introduction"].startswith("This code applies to every member of the Northwind")
    assert by_title["Introduction"].endswith(
        "> Questions about this code go to your team lead or to support-standards@northwind.example."
    )
    assert by_title["Integrity and honesty"] == (
        "- Never invent a reason for a delay. If you do not know, say so and find out.\n"
        "- Correct mistakes openly, including your own.\n"
        "- Do not accept gifts from customers worth more than €25; record any gift in the gift register."
    )
    assert by_title["Communication standards"].endswith(
        "Tone matters as much as content. Stay calm when the customer is not."
    )
    assert by_title["Responsiveness"] == (
        "Our service levels are:\n\n1. Live chat answered within **2 minutes**\n\n"
        "2. Email answered within **1 working day**\n\n3. Escalations acknowledged within **4 hours**"
    )
    assert "```text\n# Identity check\n" in by_title["Privacy and confidentiality"]
    assert by_title["Training and development"] == ""
    assert by_title["Performance metrics"].startswith("| Metric | Target |\n|---|---|\n")


def test_sample_romanian_markdown_file():
    sections = sample("romanian.md")

    assert [(section.title, section.category) for section in sections] == [
        ("Introducere", "other"),
        ("Profesionalism", "professionalism"),
        ("Integritate și onestitate", "integrity"),
        ("Confidențialitatea și protecția datelor", "privacy"),
        ("Tratarea reclamațiilor", "complaint_handling"),
        ("Comunicarea cu clienții", "communication"),
        ("Formare şi dezvoltare profesională", "training"),
        ("Indicatori de performanță", "performance"),
    ]
    assert "\u0219" in sections[2].title  # ș with a comma below
    assert "\u015f" in sections[6].title  # ş with a cedilla, kept as the author typed it
    by_title = {section.title: section.body for section in sections}
    assert by_title["Introducere"] == (
        "Acest cod se aplică tuturor colegilor care vorbesc cu clienții – la telefon, prin e-mail, pe chat sau la "
        "ghișeu. Îl citim împreună cu Procedura de soluționare a reclamațiilor."
    )
    assert "ș" in by_title["Profesionalism"]
    assert "\u0219" in by_title["Profesionalism"]
    assert "\u015f" not in by_title["Profesionalism"]
    assert "- Răspundem la telefon cu formula standard de salut." in by_title["Profesionalism"]
    assert (
        "- Închidem sesiunea de lucru când ne ridicăm de la birou."
        in by_title["Confidențialitatea și protecția datelor"]
    )
    assert by_title["Tratarea reclamațiilor"].endswith(
        "Pașii sunt:\n\n1. Ascultăm până la capăt și notăm faptele.\n2. Înregistrăm reclamația în aceeași zi.\n"
        "3. Confirmăm clientului numărul de înregistrare și termenul de răspuns."
    )


def test_sample_messy_word_export():
    raw = (DATA / "messy.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    assert b"\f" in raw

    sections = sample("messy.txt")

    assert [(section.title, section.category) for section in sections] == [
        ("CUSTOMER CARE CODE OF CONDUCT", "other"),
        ("PURPOSE AND SCOPE", "other"),
        ("Professional conduct", "professionalism"),
        ("Fair treatment of customers", "fairness"),
        ("Handling complaints", "complaint_handling"),
        ("CONFIDENTIALITY AND DATA PROTECTION", "privacy"),
        ("TAKING RESPONSIBILITY", "accountability"),
    ]
    by_title = {section.title: section.body for section in sections}
    assert by_title["CUSTOMER CARE CODE OF CONDUCT"] == (
        "Brightwater Home Insurance – Customer Care Department\nVersion 4, reviewed January 2025"
    )
    assert by_title["PURPOSE AND SCOPE"].endswith(
        "replies on social media.\n\nAgency staff and new starters follow it from their first day."
    )
    assert by_title["Professional conduct"] == (
        "- Greet every caller with your name and the name of the department.\n"
        "- Do not eat, smoke or vape while on a call or on camera.\n"
        "- Keep notes factual: write what the customer said, not what you think of them."
    )
    assert by_title["Fair treatment of customers"].endswith("get extra time and a named contact.")
    assert by_title["Handling complaints"] == (
        "When a customer is unhappy:\n"
        "1. Apologise for their experience, even when we are not at fault.\n"
        "2. Ask what outcome they would consider fair.\n"
        "3. Log the complaint before the end of your shift.\n\n"
        "Do not argue about whether something “counts” as a complaint."
    )
    assert by_title["TAKING RESPONSIBILITY"].endswith("\n\nQuestions? Contact the Customer Care Standards team.")
    for body in by_title.values():
        assert "\r" not in body
        assert "\f" not in body
        assert "Page 1 of 2" not in body
        assert "- 2 -" not in body
        assert "___" not in body
        assert "* * *" not in body


@pytest.mark.parametrize("name", ["numbered.txt", "markdown.md", "romanian.md", "messy.txt"])
def test_every_sample_yields_valid_sections(name):
    sections = sample(name)

    assert sections
    for section in sections:
        assert section.title
        assert section.title == section.title.strip()
        assert len(section.title) <= TITLE_MAX_LENGTH
        assert section.category in SectionCategory.values
        assert section.body == section.body.strip("\n")
        assert "\n\n\n" not in section.body


# ---------------------------------------------------------------------------
# Realistic files
# ---------------------------------------------------------------------------


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
