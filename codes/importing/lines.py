"""The shape of one line, judged on its own: heading, list item, bullet, page number, decoration.

Whether a line of a heading's shape really starts a section depends on the lines around it; that
is for the splitter (codes/importing/splitting.py). Here each function looks at one line only,
and every match is cheap: candidates longer than a title could be are not looked at.

Stray lines are recognised so that they can be dropped: page numbers (``Page 3 of 7``,
``Pagina 3 din 7``, ``- 3 -``) and decorations made of one repeated character (``___``, ``***``,
``===``, ``---``, ``* * *``).

Titles keep their words and diacritics exactly as written (both ``ș ț`` with a comma below and
``ş ţ`` with a cedilla); only the numbering, ``Section N:``, Markdown ``#``\\s, a ``**bold**``
wrapper and trailing colons are removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Section.title's max_length: longer titles are shortened rather than refused.
TITLE_MAX_LENGTH = 200
NUMBERED_TITLE_MAX_LENGTH = 80
SETEXT_TITLE_MAX_LENGTH = 120
_CAPS_TITLE_MAX_LENGTH = 60
# Heading candidates longer than this are not even looked at (keeps every match cheap).
_CANDIDATE_MAX_LENGTH = 160

# Every kind of dash, for comparing text written with any of them.
DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))

_PAGE_NUMBER = re.compile(
    r"(?:page|pagina|pag\.)\s*\d{1,4}(?:\s*(?:of|din|/|din totalul de)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]",
    re.IGNORECASE,
)
_DECORATION = re.compile(r" {0,3}([-_*=~─━═—–])(?:[ \t]*\1){2,}")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:={3,}|-{3,})")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?")
# "3. Title", "3) Title", "3 - Title", "3: Title", "3.1 Title", "3.1. Title", "IV. Title".
_NUMBERED = re.compile(
    r" {0,3}(?:(?P<num>\d{1,3}(?:\.\d{1,3}){0,5})(?P<sep>\.|\)|\s*[-–—:])?|(?P<roman>[IVXLC]{1,6})[.)])"
    r"\s+(?P<text>\S.*)"
)
_SECTION_WORDS = r"section|sec[țţt]iunea|chapter|capitolul|article|articolul|part|partea"
# "Section 3: Title", "Secțiunea 3 – Title", "Chapter IV. Title", "Art. 3 - Title", the Romanian
# ordinals "Secțiunea a 2-a" and "Capitolul al II-lea", "Capitolul 2 Integritate" (a capital after
# the number), or "CAPITOLUL I" alone on its line (its title is then the next line).
_SECTION_WORD_HEADING = re.compile(
    rf" {{0,3}}(?:(?:{_SECTION_WORDS})\s+|(?:art|cap)\.\s*)(?:al?\s+)?"
    r"(?P<num>\d{1,3}(?:\.\d{1,3}){0,5}|[IVXLC]{1,6})(?:-(?:a|lea)\b)?\.?"
    r"(?:(?:\s*[:)\-–—]\s*|(?<=\.)\s+|\s+(?=(?-i:[A-ZĂÂÎȘȚŞŢ])))(?P<text>\S.*))?",
    re.IGNORECASE,
)
_ASCII_BULLETS = "-*+"
_SYMBOL_BULLETS = "•·–—●▪◦○■□►▸➢✓✔\uf0b7\uf0a7"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass(frozen=True)
class NumberedLine:
    """A line that begins with a number ("3. Privacy", "IV. Scope", "Section 3: Privacy")."""

    text: str
    number: int | None  # the number of a top-level item ("3." → 3, "IV." → 4); None for "3.1"
    after_section_word: bool  # begins with "Section", "Capitolul", "Art." or their equivalents
    style: str = ""  # what follows the number: ".", ")", "-" or ":"; "roman" for "IV."
    label: str = ""  # the number as written: "3", "3.1", "IV"


def is_page_number(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) <= 40
        and stripped[:1] in ("P", "p", "-", "–", "—")
        and _PAGE_NUMBER.fullmatch(stripped) is not None
    )


def is_decoration(line: str) -> bool:
    return len(line) <= 400 and len(line) >= 3 and _DECORATION.fullmatch(line) is not None


def is_setext_underline(line: str) -> bool:
    return len(line) <= 400 and _SETEXT_UNDERLINE.fullmatch(line) is not None


def is_indented(line: str) -> bool:
    return line[:1] in (" ", "\t")


def is_code_indented(line: str) -> bool:
    return line.startswith(("    ", "\t"))


def as_markdown_bullet(line: str) -> str | None:
    """The line as a Markdown "- " bullet ("" for a bare bullet mark), or None when it is not a bullet."""
    content = line.lstrip(" \t")
    indent = line[: len(line) - len(content)]
    if not content:
        return None
    mark, rest = content[0], content[1:]
    if mark in _ASCII_BULLETS:
        if not rest or rest[0] not in " \t":
            return None
    elif mark not in _SYMBOL_BULLETS:
        return None
    rest = rest.strip()
    return f"{indent}- {rest}" if rest else ""


def numbered_start(line: str) -> NumberedLine | None:
    """The numbering a line of any length begins with, judged on its first characters."""
    return numbered_line(line[:_CANDIDATE_MAX_LENGTH])


def numbered_line(line: str) -> NumberedLine | None:
    """The line as a numbered line, or None when it does not begin with a number (or is too long)."""
    first = line[:4].lstrip(" ")[:1]
    if len(line) > _CANDIDATE_MAX_LENGTH or not first.isalnum():
        return None
    with_word = _SECTION_WORD_HEADING.fullmatch(line) if first.isalpha() else None
    if with_word:
        number = int(with_word["num"]) if with_word["num"].isdigit() else None
        return NumberedLine(with_word["text"] or "", number, after_section_word=True, label=with_word["num"])
    match = _NUMBERED.fullmatch(line)
    if not match:
        return None
    if match["roman"]:
        value = _roman_value(match["roman"])
        if not value:
            return None
        return NumberedLine(match["text"], value, after_section_word=False, style="roman", label=match["roman"])
    if "." not in match["num"]:
        if not match["sep"]:
            return None  # "100 customers a day" is a sentence, not a heading
        style = match["sep"].strip().translate(DASHES)
        return NumberedLine(match["text"], int(match["num"]), after_section_word=False, style=style, label=match["num"])
    return NumberedLine(match["text"], None, after_section_word=False, label=match["num"])


def _roman_value(numeral: str) -> int | None:
    """The value of a Roman numeral written the usual way ("XIV" → 14), None for "IIII" or "VX"."""
    total = 0
    for position, letter in enumerate(numeral):
        value = _ROMAN_VALUES[letter]
        following = _ROMAN_VALUES[numeral[position + 1]] if position + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total if _to_roman(total) == numeral else None


def _to_roman(value: int) -> str:
    numeral = ""
    for amount, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while value >= amount:
            numeral, value = numeral + letters, value - amount
    return numeral + "I" * value


def is_list_item(line: str) -> bool:
    head = line[:_CANDIDATE_MAX_LENGTH]
    return as_markdown_bullet(head) is not None or numbered_line(head) is not None


def is_caps_title(line: str) -> bool:
    """A line in capitals: at least two words, short, starting with a letter and not ending a sentence."""
    if is_code_indented(line):
        return False
    text = line.strip().rstrip(":").rstrip()
    if not text or len(text) > _CAPS_TITLE_MAX_LENGTH or not text[0].isalpha():
        return False
    if text[-1] in ".!?;,":
        return False
    if any(character.islower() for character in text):
        return False
    words = [word for word in text.split() if any(character.isalpha() for character in word)]
    return len(words) >= 2


def ends_a_thought(line: str) -> bool:
    """True when a body line does not run on into the next: it ends a sentence, or is a list item."""
    stripped = line.rstrip()
    return stripped.endswith((".", "!", "?", ")", "”", '"', "»")) or is_list_item(stripped)


def is_title_like(line: str) -> bool:
    """A short line that reads as a title: not a list item, not ending like a sentence."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= NUMBERED_TITLE_MAX_LENGTH
        and not stripped.endswith((".", ";", ":", ","))
        and not is_list_item(stripped)
    )


def unbold(line: str) -> str:
    """The line without a ``**bold**`` (or ``__bold__``) wrapper around all of it, indentation kept."""
    text = line.strip()
    for wrapper in ("**", "__"):
        inner = text[len(wrapper) : -len(wrapper)]
        wrapped = len(text) > 2 * len(wrapper) and text.startswith(wrapper) and text.endswith(wrapper)
        if wrapped and wrapper not in inner:
            return line[: len(line) - len(line.lstrip())] + inner.strip()
    return line


def clean_title(raw: str) -> str:
    """The title a heading line gives: without numbering, bold or trailing colons, cut to fit the model."""
    # "**2. Integritate**" and "2. **Integritate**" are both the title "Integritate".
    title = unbold(raw.strip())
    if len(title) <= _CANDIDATE_MAX_LENGTH:
        numbered = _SECTION_WORD_HEADING.fullmatch(title) or _NUMBERED.fullmatch(title)
        if numbered and (
            numbered.re is _SECTION_WORD_HEADING or numbered["roman"] or numbered["sep"] or "." in numbered["num"]
        ):
            title = (numbered["text"] or title).strip()
    title = unbold(title).rstrip(":").rstrip()
    if len(title) > TITLE_MAX_LENGTH:
        title = title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
    return title


def atx_heading(line: str) -> tuple[int, str] | None:
    """(level, raw title) of a Markdown "#" heading, or None."""
    match = _ATX.fullmatch(line)
    if not match:
        return None
    title = (match[2] or "").strip()
    closed = title.rstrip("#")
    if not closed:
        title = ""
    elif closed != title and closed[-1] in " \t":
        title = closed.rstrip()
    return len(match[1]), title
