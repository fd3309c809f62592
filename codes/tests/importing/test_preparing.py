"""Fenced code and front matter, set aside before the text is split. No database needed."""

from __future__ import annotations

from codes.importing.parser import ParsedSection
from codes.tests.importing.helpers import parse, titles

# ---------------------------------------------------------------------------
# Fenced code and front matter
# ---------------------------------------------------------------------------


def test_headings_inside_fenced_code_are_kept_as_code():
    sections = parse("## Privacy\n\n```\n# not a heading\n1. Not a section\n```\n\nAfter the code.\n")

    assert titles(sections) == ["Privacy"]
    assert sections[0].body == "```\n# not a heading\n1. Not a section\n```\n\nAfter the code."


def test_a_fence_that_is_never_closed_is_a_decoration_not_code():
    sections = parse("CODE OF CONDUCT\n~~~~~~~~~~~~~~~\n\nIntro.\n\n1. Privacy\n\nLock your screen.\n")

    assert titles(sections) == ["CODE OF CONDUCT", "Privacy"]
    assert sections[0].body == "Intro."
    assert sections[1].body == "Lock your screen."


def test_yaml_front_matter_is_skipped():
    sections = parse("---\ntitle: Code of conduct\ntags:\n  - support\n---\n\n## Privacy\n\nLock your screen.\n")

    assert sections == [ParsedSection("Privacy", "privacy", "Lock your screen.")]
