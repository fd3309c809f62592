"""The importer that turns an uploaded text or Markdown file into draft sections. No database needed."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from codes.importing import (
    _CATEGORY_KEYWORDS,
    _TITLE_MAX_LENGTH,
    MAX_IMPORT_BYTES,
    ImportRefused,
    ParsedSection,
    guess_category,
    parse_code_text,
)
from codes.models import Section, SectionCategory

DATA = Path(__file__).parent / "data"

BINARY_MESSAGE = (
    "The file looks like a binary file (e.g. PDF or Word); "
    "save it as plain text or Markdown (.txt, .md) first, then upload that file."
)


def parse(text: str) -> list[ParsedSection]:
    return parse_code_text(text.encode("utf-8"))


def titles(sections: list[ParsedSection]) -> list[str]:
    return [section.title for section in sections]


def refusal(data: bytes) -> str:
    with pytest.raises(ImportRefused) as caught:
        parse_code_text(data)
    return caught.value.message


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


def test_text_without_any_section_content_is_refused():
    data = b"Page 1 of 3\n\n* * *\n\f\n- 2 -\n\n#\n\n_____\n"

    assert refusal(data) == (
        "No text was found to import: the file holds only page numbers, separator lines or blank headings. "
        "Check that it is the right file."
    )


def test_import_refused_is_a_domain_error():
    from conduct_portal.errors import DomainError

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


def test_parsed_section_is_frozen():
    section = parse("# Professionalism\n\nBe on time.")[0]

    with pytest.raises(dataclasses.FrozenInstanceError):
        section.title = "Something else"  # type: ignore[misc]


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


def test_headings_inside_fenced_code_are_kept_as_code():
    sections = parse("## Privacy\n\n```\n# not a heading\n1. Not a section\n```\n\nAfter the code.\n")

    assert titles(sections) == ["Privacy"]
    assert sections[0].body == "```\n# not a heading\n1. Not a section\n```\n\nAfter the code."


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
    assert Section._meta.get_field("title").max_length == _TITLE_MAX_LENGTH

    sections = parse("# " + "Very long title " * 30 + "\n\nText.\n")

    assert len(sections[0].title) == _TITLE_MAX_LENGTH
    assert sections[0].title.endswith("…")


# ---------------------------------------------------------------------------
# The beginning of the file
# ---------------------------------------------------------------------------


def test_text_before_the_first_heading_becomes_the_introduction():
    sections = parse("This code applies to all staff.\n\n1. Professionalism\n\nBe on time.\n")

    assert sections[0] == ParsedSection("Introduction", "other", "This code applies to all staff.")
    assert titles(sections) == ["Introduction", "Professionalism"]


def test_no_introduction_when_nothing_comes_before_the_first_heading():
    sections = parse("\n\n_____\n\n## Professionalism\n\nBe on time.\n")

    assert titles(sections) == ["Professionalism"]


def test_document_title_heading_at_the_start_becomes_the_introduction():
    sections = parse("# Customer Service Code of Conduct\n\nRead it all.\n\n## Professionalism\n\nBe on time.\n")

    assert sections == [
        ParsedSection("Introduction", "other", "Read it all."),
        ParsedSection("Professionalism", "professionalism", "Be on time."),
    ]


def test_document_title_without_text_under_it_gives_no_introduction():
    sections = parse("# Customer Service Code of Conduct\n\n1. Professionalism\n\nBe on time.\n")

    assert titles(sections) == ["Professionalism"]


def test_single_level_one_heading_without_other_headings_is_a_section():
    sections = parse("# Professionalism\n\nBe on time.\n")

    assert sections == [ParsedSection("Professionalism", "professionalism", "Be on time.")]


def test_several_level_one_headings_are_all_sections():
    sections = parse("# Professionalism\n\nBe on time.\n\n# Integrity\n\nBe honest.\n")

    assert titles(sections) == ["Professionalism", "Integrity"]


def test_level_one_heading_after_introductory_text_is_a_section():
    sections = parse("Draft for review.\n\n# Professionalism\n\nBe on time.\n\n## Dress code\n\nSmart.\n")

    assert titles(sections) == ["Introduction", "Professionalism", "Dress code"]


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
# Categories
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Professional standards", "professionalism"),
        ("Honesty with customers", "integrity"),
        ("Response times", "responsiveness"),
        ("GDPR and data protection", "privacy"),
        ("Equal treatment", "fairness"),
        ("Non-discrimination", "fairness"),
        ("Handling disputes", "conflict_resolution"),
        ("Product knowledge", "product_knowledge"),
        ("Tone of voice", "communication"),
        ("Feedback from customers", "continuous_improvement"),
        ("Personal responsibility", "accountability"),
        ("Ethical selling", "ethics"),
        ("Conflicts of interest", "ethics"),
        ("Behavior on social media", "behaviour"),
        ("Service delivery standards", "service_delivery"),
        ("Complaints", "complaint_handling"),
        ("Professional development", "training"),
        ("KPIs we track", "performance"),
    ],
)
def test_guess_category_matches_english_keywords(title, category):
    assert guess_category(title) == category


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Profesionalism", "professionalism"),
        ("Integritate și onestitate", "integrity"),
        ("Promptitudine", "responsiveness"),
        ("Confidențialitatea datelor", "privacy"),
        ("Confidentialitatea datelor", "privacy"),
        ("Confidenţialitatea datelor", "privacy"),
        ("Protecția datelor", "privacy"),
        ("Echitate și nediscriminare", "fairness"),
        ("Rezolvarea conflictelor", "conflict_resolution"),
        ("Cunoașterea produselor", "product_knowledge"),
        ("Comunicare", "communication"),
        ("Îmbunătățire continuă", "continuous_improvement"),
        ("Responsabilitate", "accountability"),
        ("Etică", "ethics"),
        ("Comportament", "behaviour"),
        ("Livrarea serviciilor", "service_delivery"),
        ("Furnizarea serviciilor", "service_delivery"),
        ("Reclamații", "complaint_handling"),
        ("Plângeri", "complaint_handling"),
        ("Instruire", "training"),
        ("Formare profesională", "training"),
        ("Indicatori de performanță", "performance"),
        ("PERFORMANTA", "performance"),
    ],
)
def test_guess_category_matches_romanian_keywords_with_or_without_diacritics(title, category):
    assert guess_category(title) == category


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Complaint handling and conflict resolution", "complaint_handling"),
        ("Conflict resolution and complaint handling", "conflict_resolution"),
        ("Tratarea reclamațiilor și rezolvarea conflictelor", "complaint_handling"),
        ("Conflict of interest and gifts", "ethics"),
    ],
)
def test_guess_category_picks_the_keyword_that_comes_first_in_the_title(title, category):
    assert guess_category(title) == category


@pytest.mark.parametrize("category", [choice for choice in SectionCategory if choice != SectionCategory.OTHER])
def test_guess_category_recognises_every_category_label(category):
    assert guess_category(str(category.label)) == category.value


@pytest.mark.parametrize("title", ["Introduction", "Scope", "Domeniu de aplicare", "Milestones", ""])
def test_guess_category_is_other_without_a_keyword(title):
    assert guess_category(title) == "other"


def test_every_keyword_belongs_to_one_category_and_every_category_exists():
    keywords = [keyword.rstrip("*") for words in _CATEGORY_KEYWORDS.values() for keyword in words]

    assert len(keywords) == len(set(keywords))
    assert set(_CATEGORY_KEYWORDS) == set(SectionCategory.values) - {"other"}


def test_sections_get_guessed_categories_and_the_introduction_is_other():
    sections = parse("Why this matters: customers trust us.\n\n1. Privacy\n\nLock your screen.\n")

    assert [(section.title, section.category) for section in sections] == [
        ("Introduction", "other"),
        ("Privacy", "privacy"),
    ]


# ---------------------------------------------------------------------------
# Sample files
# ---------------------------------------------------------------------------


def sample(name: str) -> list[ParsedSection]:
    return parse_code_text((DATA / name).read_bytes())


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
        assert len(section.title) <= _TITLE_MAX_LENGTH
        assert section.category in SectionCategory.values
        assert section.body == section.body.strip("\n")
        assert "\n\n\n" not in section.body


# ---------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            ((DATA / "numbered.txt").read_bytes() * 200)[:MAX_IMPORT_BYTES],
            id="realistic",
        ),
        pytest.param(b"# " + b" " * (MAX_IMPORT_BYTES - 3) + b"x", id="one-long-heading-line"),
        pytest.param(b"Section 1: " + b"a" * (MAX_IMPORT_BYTES - 11), id="one-long-section-line"),
        pytest.param(b"1. item\n" * (MAX_IMPORT_BYTES // 8), id="many-numbered-lines"),
        pytest.param(b"x" + b"\n" * (MAX_IMPORT_BYTES - 1), id="many-blank-lines"),
    ],
)
def test_files_up_to_the_limit_parse_quickly(data, settings):
    # The parser itself is timed here, on the whole file, so the limits on sections are lifted.
    settings.CODES_MAX_SECTIONS = settings.CODES_MAX_SECTION_CHARS = MAX_IMPORT_BYTES
    assert len(data) <= MAX_IMPORT_BYTES
    started = time.perf_counter()

    assert parse_code_text(data)

    assert time.perf_counter() - started < 10


def test_a_fence_that_is_never_closed_is_a_decoration_not_code():
    sections = parse("CODE OF CONDUCT\n~~~~~~~~~~~~~~~\n\nIntro.\n\n1. Privacy\n\nLock your screen.\n")

    assert titles(sections) == ["CODE OF CONDUCT", "Privacy"]
    assert sections[0].body == "Intro."
    assert sections[1].body == "Lock your screen."


def test_numbered_heading_right_above_its_own_sub_heading_is_an_outline():
    sections = parse("2. Integrity\n2.1 Honesty\n\nTell the truth.\n\n2.2 Gifts\n\nDeclare them.\n")

    assert titles(sections) == ["Integrity", "Honesty", "Gifts"]
    assert sections[0].body == ""
    assert sections[2].category == "ethics"


def test_non_breaking_space_after_the_number_of_a_heading_is_understood():
    sections = parse("Intro.\n\n3.\u00a0Privacy\n\nLock your screen.\n\nSection\u00a04:\u00a0Ethics\n\nNo gifts.\n")

    assert titles(sections) == ["Introduction", "Privacy", "Ethics"]


def test_yaml_front_matter_is_skipped():
    sections = parse("---\ntitle: Code of conduct\ntags:\n  - support\n---\n\n## Privacy\n\nLock your screen.\n")

    assert sections == [ParsedSection("Privacy", "privacy", "Lock your screen.")]


# ---------------------------------------------------------------------------
# Limits on sections (codes/limits.py)
# ---------------------------------------------------------------------------


def test_a_file_of_111011_headings_is_refused_quickly_naming_the_limit():
    data = b"".join(b"# H%d\n" % number for number in range(111_011))
    assert len(data) < MAX_IMPORT_BYTES
    started = time.perf_counter()

    message = refusal(data)

    assert time.perf_counter() - started < 1
    assert message == (
        "The file has more headings than a version can have sections (at most 200 sections). "
        "Split it into several documents, or use fewer headings, and upload it again."
    )


def test_a_file_of_as_many_sections_as_the_limit_is_accepted(settings):
    settings.CODES_MAX_SECTIONS = 3

    sections = parse("Intro.\n\n# One\n\n# Two\n")

    assert titles(sections) == ["Introduction", "One", "Two"]


def test_a_file_of_one_section_more_than_the_limit_is_refused(settings):
    settings.CODES_MAX_SECTIONS = 2

    assert refusal(b"Intro.\n\n# One\n\n# Two\n") == (
        "A version can have at most 2 sections, and this one would have 3. "
        "Merge or remove sections, or split the text into separate documents."
    )


def test_a_section_longer_than_the_limit_is_refused_naming_the_section_and_the_limit(settings):
    settings.CODES_MAX_SECTION_CHARS = 10

    assert refusal(b"# Short\n\nFine.\n\n# Privacy\n\nLock your screen.\n") == (
        "The section “Privacy” has 17 characters; a section can have at most 10 characters. "
        "Split it into several sections."
    )


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
