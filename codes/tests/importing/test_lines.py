"""Titles, and numbered lines as headings write them. No database needed."""

from __future__ import annotations

from codes.importing.lines import TITLE_MAX_LENGTH
from codes.models import Section
from codes.tests.importing.helpers import parse, titles

# ---------------------------------------------------------------------------
# Titles
# ---------------------------------------------------------------------------


def test_titles_lose_numbering_hashes_bold_and_trailing_colons_but_keep_their_words():
    text = (
        "## 1. Profesionalism\n\nA.\n\n"
        "### Section 2: Integritate și onestitate:\n\nB.\n\n"
        "## **Confidențialitatea datelor**\n\nC.\n\n"
        "## 2024 targets\n\nD.\n"
    )

    assert titles(parse(text)) == [
        "Profesionalism",
        "Integritate și onestitate",
        "Confidențialitatea datelor",
        "2024 targets",
    ]


def test_titles_keep_diacritics_exactly_including_cedilla_variants():
    comma_below = "Confidențialitate și protecția datelor"
    cedilla = "Confidenţialitate şi protecţia datelor"

    sections = parse(f"# {comma_below}\n\nA.\n\n# {cedilla}\n\nB.\n\n# Îmbunătățire continuă\n\nC.\n")

    assert titles(sections) == [comma_below, cedilla, "Îmbunătățire continuă"]
    assert "\u0219" in sections[0].title
    assert "\u021b" in sections[0].title
    assert "\u015f" in sections[1].title
    assert "\u0163" in sections[1].title
    assert [section.category for section in sections] == ["privacy", "privacy", "continuous_improvement"]


def test_overlong_titles_are_shortened_to_fit_the_model():
    assert Section._meta.get_field("title").max_length == TITLE_MAX_LENGTH

    sections = parse("# " + "Very long title " * 30 + "\n\nText.\n")

    assert len(sections[0].title) == TITLE_MAX_LENGTH
    assert sections[0].title.endswith("…")


# ---------------------------------------------------------------------------
# Numbered lines
# ---------------------------------------------------------------------------


def test_non_breaking_space_after_the_number_of_a_heading_is_understood():
    sections = parse("Intro.\n\n3.\u00a0Privacy\n\nLock your screen.\n\nSection\u00a04:\u00a0Ethics\n\nNo gifts.\n")

    assert titles(sections) == ["Introduction", "Privacy", "Ethics"]
