"""What the importer's tests share: the sample files, and parsing text in one call."""

from __future__ import annotations

from pathlib import Path

import pytest

from codes.importing.decoding import ImportRefused
from codes.importing.parser import ParsedSection, parse_code_text

DATA = Path(__file__).parents[1] / "data"


def parse(text: str) -> list[ParsedSection]:
    return parse_code_text(text.encode("utf-8"))


def titles(sections: list[ParsedSection]) -> list[str]:
    return [section.title for section in sections]


def refusal(data: bytes) -> str:
    with pytest.raises(ImportRefused) as caught:
        parse_code_text(data)
    return caught.value.message
