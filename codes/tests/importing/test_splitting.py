"""Where sections start, and what their bodies keep. No database needed."""

from __future__ import annotations

import pytest

from codes.importing.parser import ParsedSection
from codes.tests.importing.helpers import parse, titles

# ---------------------------------------------------------------------------
# Where sections start: Markdown headings
# ---------------------------------------------------------------------------


def test_atx_headings_of_every_level_start_sections():
    text = "Draft.\n\n" + "\n".join(f"{'#' * level} Heading {level}\n\nText {level}." for level in range(1, 7))

    sections = parse(text)

    assert titles(sections) == ["Introduction"] + [f"Heading {level}" for level in range(1, 7)]
    assert [section.body for section in sections[1:]] == [f"Text {level}." for level in range(1, 7)]


def test_atx_closing_hashes_are_dropped_but_a_hash_inside_a_word_is_kept():
    sections = parse("## Integrity and honesty ##\n\nText.\n\n### Writing in C# ###\n\nMore.\n")

    assert titles(sections) == ["Integrity and honesty", "Writing in C#"]


def test_hash_without_a_space_or_seven_hashes_is_not_a_heading():
    sections = parse("## Communication\n\n#CustomerFirst is our motto.\n####### Not a heading\n")

    assert titles(sections) == ["Communication"]
    assert sections[0].body == "#CustomerFirst is our motto.\n####### Not a heading"


def test_setext_headings_start_sections():
    text = (
        "Professionalism\n===============\n\nBe on time.\n\nPrivacy\n=======\n\nLock your screen.\n\n"
        "Passwords\n---------\nNever share them.\n"
    )

    sections = parse(text)

    assert titles(sections) == ["Professionalism", "Privacy", "Passwords"]
    assert sections[1].body == "Lock your screen."
    assert sections[2].body == "Never share them."


def test_dashes_after_a_blank_line_are_a_rule_not_a_heading():
    sections = parse("## Professionalism\n\nBe on time.\n\n---\n\nBe polite.\n")

    assert titles(sections) == ["Professionalism"]
    assert sections[0].body == "Be on time.\n\nBe polite."


def test_dashes_under_the_last_line_of_a_paragraph_do_not_make_it_a_heading():
    sections = parse("## Professionalism\n\nBe on time and\nbe polite.\n---\n")

    assert titles(sections) == ["Professionalism"]
    assert sections[0].body == "Be on time and\nbe polite."


# ---------------------------------------------------------------------------
# Where sections start: numbered headings (and when a numbered line is only a list item)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "3. Responsiveness",
        "3) Responsiveness",
        "3 - Responsiveness",
        "3 – Responsiveness",
        "3: Responsiveness",
        "Section 3: Responsiveness",
        "SECTION 3 - Responsiveness",
        "Secțiunea 3: Responsiveness",
        "Chapter III. Responsiveness",
        "III. Responsiveness",
        "3.1 Responsiveness",
        "3.1. Responsiveness",
    ],
)
def test_numbered_headings_start_sections(heading):
    sections = parse(f"Intro.\n\n{heading}\n\nAnswer within a day.\n")

    assert titles(sections) == ["Introduction", "Responsiveness"]
    assert sections[1].body == "Answer within a day."


def test_numbered_heading_may_be_followed_directly_by_its_text():
    sections = parse("1. Professionalism\nBe on time.\n\n2. Integrity\nBe honest.\n")

    assert titles(sections) == ["Professionalism", "Integrity"]
    assert sections[1].body == "Be honest."


def test_consecutive_numbered_lines_are_a_list_not_sections():
    sections = parse("1. Professionalism\n\nWe always:\n\n1. Greet the customer\n2. Listen\n3. Summarise\n")

    assert titles(sections) == ["Professionalism"]
    assert sections[0].body == "We always:\n\n1. Greet the customer\n2. Listen\n3. Summarise"


def test_numbered_list_inside_a_section_body_stays_in_the_body():
    text = (
        "## Privacy\n\nBefore discussing an account:\n"
        "1. Confirm the full name\n2. Confirm the address\n3. Ask for the date of birth\n\nThen help.\n"
    )

    sections = parse(text)

    assert titles(sections) == ["Privacy"]
    assert "1. Confirm the full name\n2. Confirm the address\n3. Ask for the date of birth" in sections[0].body


def test_numbered_items_written_as_sentences_are_a_list_even_between_blank_lines():
    text = (
        "Our promises\n\n"
        "1. We answer the phone within a minute.\n\n"
        "2. We reply to every email within one working day;\n\n"
        "3. We call back when we said we would,\n"
    )

    sections = parse(text)

    assert titles(sections) == ["Introduction"]
    assert "2. We reply to every email within one working day;" in sections[0].body


def test_numbered_line_with_long_text_is_a_list_item():
    long_item = "1. " + "Answer every customer politely and patiently even when the queue is long and time is short"
    assert len(long_item) - 3 > 80

    sections = parse(f"## Responsiveness\n\nText.\n\n{long_item}\n\nMore.\n")

    assert titles(sections) == ["Responsiveness"]
    assert long_item in sections[0].body


def test_numbered_line_straight_after_text_is_a_list_item():
    sections = parse("## Responsiveness\n\nThe priority order is\n1. Phone calls\n\nAnd then email.\n")

    assert titles(sections) == ["Responsiveness"]


def test_numbered_line_followed_by_an_indented_line_is_a_list_item():
    sections = parse("Intro.\n\n1. Greet the customer\n   - by name\n\n2. Listen\n   and take notes\n")

    assert titles(sections) == ["Introduction"]
    assert sections[0].body == "Intro.\n\n1. Greet the customer\n   - by name\n\n2. Listen\n   and take notes"


def test_numbered_heading_followed_at_once_by_bullets_at_the_margin_is_a_heading():
    sections = parse("Intro.\n\n1. Greet the customer\n- by name\n\n2. Listen\n- take notes\n")

    assert titles(sections) == ["Introduction", "Greet the customer", "Listen"]
    assert sections[1].body == "- by name"


def test_list_spread_out_with_blank_lines_after_a_colon_stays_in_the_body():
    text = "Our service levels are:\n\n1. Live chat in 2 minutes\n\n2. Email in 1 day\n\n3. Letters in 5 days\n"

    sections = parse(text)

    assert titles(sections) == ["Introduction"]
    assert sections[0].body == text.strip()


def test_numbering_that_starts_again_inside_a_numbered_section_is_a_list():
    text = (
        "1. Professionalism\n\nIntro.\n\n2. Responsiveness\n\nWe aim for\n\n"
        "1. Live chat in 2 minutes\n\n2. Email in 1 day\n\n3. Letters in 5 days\n\n3. Privacy\n\nLock your screen.\n"
    )

    sections = parse(text)

    assert titles(sections) == ["Professionalism", "Responsiveness", "Privacy"]
    assert sections[1].body == "We aim for\n\n1. Live chat in 2 minutes\n\n2. Email in 1 day\n\n3. Letters in 5 days"


def test_numbered_lines_are_list_items_in_a_document_with_markdown_headings():
    sections = parse("## Responsiveness\n\n1. Live chat in 2 minutes\n\n2. Email in 1 day\n\n## Privacy\n\nText.\n")

    assert titles(sections) == ["Responsiveness", "Privacy"]
    assert sections[0].body == "1. Live chat in 2 minutes\n\n2. Email in 1 day"


def test_section_prefix_is_a_heading_even_in_markdown_and_before_a_list():
    sections = parse("## Professionalism\n\nText.\n\nSection 2: Privacy\n1. Lock your screen\n2. Shred paper\n")

    assert titles(sections) == ["Professionalism", "Privacy"]
    assert sections[1].body == "1. Lock your screen\n2. Shred paper"


def test_a_number_without_a_separator_starts_a_sentence_not_a_heading():
    sections = parse("## Performance\n\nText.\n\n100 customers a day\n\nis our target.\n")

    assert titles(sections) == ["Performance"]


def test_numbered_heading_right_above_its_own_sub_heading_is_an_outline():
    sections = parse("2. Integrity\n2.1 Honesty\n\nTell the truth.\n\n2.2 Gifts\n\nDeclare them.\n")

    assert titles(sections) == ["Integrity", "Honesty", "Gifts"]
    assert sections[0].body == ""
    assert sections[2].category == "ethics"


# ---------------------------------------------------------------------------
# Where sections start: lines in capitals
# ---------------------------------------------------------------------------


def test_line_in_capitals_between_blank_lines_starts_a_section():
    sections = parse("Intro.\n\nPROTECȚIA DATELOR PERSONALE:\n\nNu divulgăm date.\n\nCUSTOMER CARE\n\nBe kind.\n")

    assert titles(sections) == ["Introducere", "PROTECȚIA DATELOR PERSONALE", "CUSTOMER CARE"]
    assert sections[1].category == "privacy"
    assert sections[1].body == "Nu divulgăm date."


@pytest.mark.parametrize(
    "line",
    [
        "IMPORTANT",  # one word
        "DO NOT SHARE PASSWORDS.",  # a shouted sentence
        "THIS LINE IN CAPITALS IS FAR TOO LONG TO BE THE TITLE OF A SECTION IN A CODE",  # over 60 characters
        "Customer Care",  # not in capitals
    ],
)
def test_other_lines_are_not_capitals_headings(line):
    sections = parse(f"## Professionalism\n\nText.\n\n{line}\n\nMore text.\n")

    assert titles(sections) == ["Professionalism"]
    assert line in sections[0].body


def test_capitals_line_inside_a_paragraph_is_not_a_heading():
    sections = parse("## Professionalism\n\nText.\nCUSTOMER CARE\nMore text.\n")

    assert titles(sections) == ["Professionalism"]


# ---------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------


def test_bullets_of_every_kind_become_markdown_dashes():
    text = (
        "## Professionalism\n\n- dash\n* star\n+ plus\n• bullet\n– en dash\n· middle dot\n"
        "•\ttab after bullet\n  * nested\n"
    )

    assert parse(text)[0].body == (
        "- dash\n- star\n- plus\n- bullet\n- en dash\n- middle dot\n- tab after bullet\n  - nested"
    )


def test_emphasis_and_numbers_are_not_mistaken_for_bullets():
    text = "## Communication\n\n**Always** smile.\n+40 21 000 0000 is the helpline.\n-1 is not a bullet.\n"

    assert parse(text)[0].body == "**Always** smile.\n+40 21 000 0000 is the helpline.\n-1 is not a bullet."


def test_numbered_list_items_are_kept_as_written():
    text = "## Steps\n\nDo this:\n\n1) Greet\n2) Listen\n3. Summarise\n"

    assert parse(text)[0].body == "Do this:\n\n1) Greet\n2) Listen\n3. Summarise"


def test_blank_lines_are_trimmed_and_runs_of_blank_lines_collapsed():
    sections = parse("## Professionalism\n\n\n\nFirst.\n\n\n\n\nSecond.\n\nThird.\n\n\n\n## Integrity\n")

    assert sections[0].body == "First.\n\nSecond.\n\nThird."


def test_trailing_whitespace_is_stripped_and_leading_indentation_kept():
    sections = parse("## Professionalism   \n\nFirst line.   \t\n    indented code\n")

    assert sections[0].title == "Professionalism"
    assert sections[0].body == "First line.\n    indented code"


def test_page_numbers_form_feeds_and_decorations_are_dropped():
    text = (
        "## Professionalism\n\nFirst page.\n\nPage 3 of 7\n\f\n- 3 -\n– 4 –\nPagina 5 din 7\n"
        "___________\n***\n=====\n* * *\n\nSecond page.\n"
    )

    assert parse(text)[0].body == "First page.\n\nSecond page."


def test_everything_else_is_kept_verbatim():
    body = (
        "> A quote with „ghilimele” and ăâîșț.\n\n| Metric | Target |\n|---|---|\n| CSAT | 4.5 |\n\n"
        "Call 0800 000 000 — free of charge."
    )

    assert parse(f"## Performance\n\n{body}\n")[0].body == body


def test_heading_without_a_body_is_kept_with_an_empty_body():
    sections = parse("## Training and development\n\n## Performance metrics\n\nCSAT above 4.5.\n\nETHICS AND GIFTS\n")

    assert sections[0] == ParsedSection("Training and development", "training", "")
    assert titles(sections) == ["Training and development", "Performance metrics", "ETHICS AND GIFTS"]
    assert sections[2].body == ""


# ---------------------------------------------------------------------------
# Numbered headings without blank lines, and Romanian headings
# ---------------------------------------------------------------------------


def test_a_numbered_line_that_carries_on_a_wrapped_sentence_is_not_a_heading():
    sections = parse("1. Scope\n\nWe answer every customer within\n2 - 3 working days\n")

    assert titles(sections) == ["Scope"]
    assert sections[0].body == "We answer every customer within\n2 - 3 working days"


def test_without_blank_lines_only_the_next_number_of_the_headings_starts_a_section():
    sections = parse("Intro.\n1. Scope\nAll staff.\n3. Privacy\nLock your screen.\n2. Integrity\n- Be honest.\n")

    assert titles(sections) == ["Introduction", "Scope", "Integrity"]
    assert sections[1].body == "All staff.\n3. Privacy\nLock your screen."


def test_a_list_of_titles_goes_on_after_a_paragraph():
    sections = parse("1. Handling complaints\n\n1. Listen\nLet them finish.\n2. Apologise\nSay sorry.\n")

    assert titles(sections) == ["Handling complaints"]


@pytest.mark.parametrize(
    "heading",
    [
        "Art. 3 – Integritate",
        "Art.3 - Integritate",
        "Articolul 3 - Integritate",
        "Secțiunea a 3-a – Integritate",
        "Sectiunea a 3-a: Integritate",
        "Capitolul al III-lea – Integritate",
        "CAPITOLUL 3 Integritate",
        "**3. Integritate**",
    ],
)
def test_romanian_headings_start_sections(heading):
    sections = parse(f"Acest cod se aplică tuturor.\n\n{heading}\n\nNu mințim.\n")

    assert titles(sections) == ["Introducere", "Integritate"]
    assert sections[1].body == "Nu mințim."


def test_a_chapter_number_alone_takes_its_title_from_the_next_line():
    sections = parse("CAPITOLUL II\nPROTECȚIA DATELOR\n\nNu divulgăm date.\n")

    assert titles(sections) == ["PROTECȚIA DATELOR"]
    assert sections[0].category == "privacy"


def test_a_sentence_that_begins_with_a_section_word_is_not_a_heading():
    sections = parse("Intro.\n\nArticolul 5 din regulament se aplică\n\nText.\n")

    assert titles(sections) == ["Introducere"]


def test_roman_numerals_that_break_the_sequence_are_not_headings():
    sections = parse("I. Purpose\n\nText.\n\nII. Scope\n\nAll staff.\n\nV. Popescu\n\nIII. Review\n\nYearly.\n")

    assert titles(sections) == ["Purpose", "Scope", "Review"]
    assert sections[1].body == "All staff.\n\nV. Popescu"
