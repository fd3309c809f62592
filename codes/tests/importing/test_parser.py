"""The entry point: refusals of files with nothing to import, the introduction, speed and limits. No database needed."""

from __future__ import annotations

import dataclasses

import pytest

from codes.importing.decoding import MAX_IMPORT_BYTES
from codes.importing.parser import ParsedSection, parse_code_text
from codes.tests.importing.helpers import DATA, parse, refusal, titles
from common.tests.timing import growth

# ---------------------------------------------------------------------------
# Files that are refused
# ---------------------------------------------------------------------------


def test_text_without_any_section_content_is_refused():
    data = b"Page 1 of 3\n\n* * *\n\f\n- 2 -\n\n#\n\n_____\n"

    assert refusal(data) == (
        "No text was found to import: the file holds only page numbers, separator lines or blank headings. "
        "Check that it is the right file."
    )


# ---------------------------------------------------------------------------
# The sections
# ---------------------------------------------------------------------------


def test_parsed_section_is_frozen():
    section = parse("# Professionalism\n\nBe on time.")[0]

    with pytest.raises(dataclasses.FrozenInstanceError):
        section.title = "Something else"  # type: ignore[misc]


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
# Speed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda size: ((DATA / "numbered.txt").read_bytes() * 200)[:size], id="realistic"),
        pytest.param(lambda size: b"# " + b" " * (size - 3) + b"x", id="one-long-heading-line"),
        pytest.param(lambda size: b"Section 1: " + b"a" * (size - 11), id="one-long-section-line"),
        pytest.param(lambda size: b"1. item\n" * (size // 8), id="many-numbered-lines"),
        pytest.param(lambda size: b"x" + b"\n" * (size - 1), id="many-blank-lines"),
    ],
)
def test_files_up_to_the_limit_parse_in_time_that_grows_linearly(make, settings):
    # The parser itself is measured here, on the whole file, so the limits on sections are lifted.
    settings.CODES_MAX_SECTIONS = settings.CODES_MAX_SECTION_CHARS = MAX_IMPORT_BYTES
    quarter, whole = make(MAX_IMPORT_BYTES // 4), make(MAX_IMPORT_BYTES)
    assert len(whole) <= MAX_IMPORT_BYTES
    assert parse_code_text(whole)

    # Four times the bytes: about four times the time when linear, sixteen when quadratic.
    assert growth(lambda: parse_code_text(quarter), lambda: parse_code_text(whole)) < 8


# ---------------------------------------------------------------------------
# Limits on sections (codes/limits.py)
# ---------------------------------------------------------------------------


def headings(count: int) -> bytes:
    return b"".join(b"# H%d\n" % number for number in range(count))


def test_a_file_of_111011_headings_is_refused_naming_the_limit():
    data = headings(111_011)
    assert len(data) < MAX_IMPORT_BYTES

    message = refusal(data)

    assert message == (
        "The file has more headings than a version can have sections (at most 200 sections). "
        "Split it into several documents, or use fewer headings, and upload it again."
    )


def test_refusing_too_many_headings_takes_time_that_grows_linearly():
    quarter, whole = headings(111_011 // 4), headings(111_011)

    # Four times the headings: about four times the time when linear, sixteen when quadratic.
    assert growth(lambda: refusal(quarter), lambda: refusal(whole)) < 8


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
