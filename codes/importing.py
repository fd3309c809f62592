"""Turn an uploaded plain-text or Markdown file into draft sections of a code of conduct.

The parser is pure: it reads bytes and returns values, it never touches the database. Every
step is a single pass over the lines, so the work grows linearly with the size of the file.

How a file is read
------------------
* It must be UTF-8 (a byte-order mark is accepted and dropped), at most ``MAX_IMPORT_BYTES`` long,
  and text rather than a PDF, Word document, archive or image. It may give at most
  ``CODES_MAX_SECTIONS`` sections of at most ``CODES_MAX_SECTION_CHARS`` characters (codes/limits.py):
  reading stops at the first heading too many. ``ImportRefused`` says which
  rule failed, in words the uploader can act on.
* Windows (``\\r\\n``) and old Mac (``\\r``) line endings become ``\\n``; a form feed (page break)
  becomes a line break.
* A YAML front-matter block at the very top (``---`` … ``key: value`` … ``---``) is skipped.
* Stray lines are dropped: page numbers (``Page 3 of 7``, ``Pagina 3 din 7``, ``- 3 -``) and
  decorations made of one repeated character (``___``, ``***``, ``===``, ``---``, ``* * *``).

Where a section starts
----------------------
* A Markdown ATX heading, ``#`` to ``######`` followed by a space (closing ``#``\\s are dropped).
* A Setext heading: a single line of at most 120 characters, at the start of the file or after a
  blank line, underlined by three or more ``=`` or ``-``. A ``---`` after a blank line is a
  horizontal rule, not a heading, and is dropped like any other decoration.
* A numbered heading on its own line: ``3. Responsiveness``, ``3) Responsiveness``,
  ``3 - Responsiveness``, ``3.1 Tone of voice``, ``IV. Privacy`` or ``Section 3: Responsiveness``
  (also ``Secțiunea``/``Sectiunea``, ``Capitolul``, ``Chapter``, ``Article``, ``Articolul``,
  ``Art.``, ``Cap.``, ``Part``, ``Partea``, with the Romanian ordinals ``Secțiunea a 2-a`` and
  ``Capitolul al II-lea``; ``Capitolul 2 Integritate`` without punctuation; ``CAPITOLUL I`` alone
  on its line, whose title is then the short line under it; and any of these in ``**bold**``).
  Numbered lines are also how lists are written, so a numbered line is a heading only when

  1. its text is short (at most 80 characters) and does not end with ``.``, ``;``, ``:`` or ``,``;
  2. the line above is blank, a heading, the file's title on its first line, or ends a thought
     (a sentence, or a list item): a line that carries on a sentence wrapped from the line above
     is never a heading;

  and, unless it begins with the word "Section" (or its equivalents),

  3. the next line is blank, the end of the file, text or a bullet at the margin
     (``2. Integritate`` then ``- Nu minți.``), a sub-heading of its own (``2.`` then ``2.1``) or a
     list that starts from 1 — not an indented line (that continues a list item) nor another
     numbered item (``1.`` then ``2.`` is a list);
  4. the document does not use Markdown ``#`` headings (beyond a single leading title): in
     Markdown, headings are written with ``#`` and numbered lines are lists;
  5. the last text line above it does not end with ``:`` (that line introduces a list);
  6. it does not continue a list of the current section (``1. Listen`` … ``2. Apologise``: the
     next number, written the same way, after an item short enough to be a heading), and its
     number is higher than that of the last numbered heading (numbering that starts again from 1
     inside a section is a list; a chapter, ``Capitolul 2`` or ``II.``, starts the count again),
     and Roman-numbered headings do not skip (after ``II.``, ``V. Popescu`` is a signature);
  7. without a blank line above it, its number is the next of the headings' own sequence (``1.``
     after the introduction, then ``2.``), so files written without blank lines still split.

  So ``1. …`` ``2. …`` ``3. …`` on consecutive lines, items that are full sentences, and items
  introduced by a colon stay in the body of the section they are in.
* A line in capitals on its own between blank lines (common in text saved from Word): at least
  two words, at most 60 characters, starting with a letter and not ending with ``.``, ``!``,
  ``?``, ``;`` or ``,``. Letters with diacritics count as letters.

Titles keep their words and diacritics exactly as written (both ``ș ț`` with a comma below and
``ş ţ`` with a cedilla); only the numbering, ``Section N:``, Markdown ``#``\\s, a ``**bold**``
wrapper and trailing colons are removed.

The beginning of the file
-------------------------
Text before the first heading becomes a section titled "Introduction" (category "other"), if
there is any, in the document's language: "Introducere" when the text reads as Romanian (a count
of frequent short words and of words with ă, â, î, ș, ț), whatever the uploader's language.
When the file opens with a level-1 Markdown heading (``# Title`` or a title underlined with
``===``) that is the only level-1 heading and other headings follow, that first heading is the
document's own title: the text under it becomes the "Introduction".

Bodies
------
Bullets written with ``-``, ``*``, ``+``, ``•``, ``–``, ``·`` (and the other usual bullet symbols)
become Markdown ``- `` bullets, keeping their indentation; numbered list items and everything
else stay as written. Trailing spaces are removed, blank lines at the start and the end of a
body are dropped, and a run of blank lines becomes one. Fenced code blocks (```` ``` ````, ``~~~``)
that are closed again are kept as they are, and nothing inside them starts a section. A heading with no text under it
is still a section, with an empty body, for the author to fill in.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from codes import limits
from codes.models import SectionCategory
from conduct_portal.errors import DomainError

MAX_IMPORT_BYTES = 1_000_000

# Section.title's max_length: longer titles are shortened rather than refused.
_TITLE_MAX_LENGTH = 200

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BINARY_SIGNATURES = (
    b"%PDF-",  # PDF
    b"PK\x03\x04",  # ZIP, and so .docx, .odt, .xlsx, .pages
    b"PK\x05\x06",  # empty ZIP
    b"PK\x07\x08",  # spanned ZIP
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # Word 97-2003 .doc, .xls, .msg
    b"{\\rtf",  # Rich Text Format (text, but not the kind that can be read here)
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF
    b"MM\x00*",  # TIFF
    b"\x1f\x8b",  # gzip
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
)


class ImportRefused(DomainError):
    """The uploaded file cannot be turned into sections; the message says why and what to do."""


@dataclass(frozen=True)
class ParsedSection:
    title: str
    category: str  # a SectionCategory value
    body: str  # Markdown


# ---------------------------------------------------------------------------
# Bytes to text
# ---------------------------------------------------------------------------


def _decode_upload(data: bytes) -> str:
    if not data:
        raise ImportRefused(_("The file is empty: there is no text in it to import."))
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused(
            _(
                "The file is larger than 1 MB (%(size)s bytes; the limit is %(limit)s bytes). "
                "Split it into smaller files, or remove pictures and attachments, and upload it again."
            )
            % {"size": f"{len(data):,}", "limit": f"{MAX_IMPORT_BYTES:,}"}
        )
    if data.startswith(_UTF16_BOMS):
        raise ImportRefused(
            _(
                "The file is saved as UTF-16 text, which cannot be read here. "
                "Save it as UTF-8 (in most editors: “Save as” → encoding “UTF-8”) and upload it again."
            )
        )
    if data.startswith(_BINARY_SIGNATURES) or b"\x00" in data:
        raise ImportRefused(
            _(
                "The file looks like a binary file (e.g. PDF or Word); "
                "save it as plain text or Markdown (.txt, .md) first, then upload that file."
            )
        )
    start = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = start + error.start
        line = _normalise_line_breaks(data[:offset].decode("utf-8", errors="replace")).count("\n") + 1
        raise ImportRefused(
            _(
                "The file is not valid UTF-8 text: the byte 0x%(byte)02X at byte offset %(offset)s "
                "(line %(line)s) cannot be read. It was probably saved in an older encoding such as "
                "Windows-1250 or Latin-1. The file must be saved as UTF-8: open it in an editor, "
                "save it with the encoding “UTF-8” and upload it again."
            )
            % {"byte": data[offset], "offset": offset, "line": line}
        ) from None
    text = _normalise_line_breaks(text)
    if not text.strip():
        raise ImportRefused(_("The file is empty: it contains only spaces and blank lines."))
    return text


# Line breaks of every origin become "\n"; a page break is a line break.
_LINE_BREAKS = re.compile(r"\r\n?|[\f\v\x85\u2028\u2029]")
# Invisible control characters (and stray byte-order marks) carry no text.
_INVISIBLE = dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, 0xFEFF])


def _normalise_line_breaks(text: str) -> str:
    return _LINE_BREAKS.sub("\n", text).translate(_INVISIBLE)


# ---------------------------------------------------------------------------
# Line shapes
# ---------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"(?:page|pagina|pag\.)\s*\d{1,4}(?:\s*(?:of|din|/|din totalul de)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]",
    re.IGNORECASE,
)
_DECORATION = re.compile(r" {0,3}([-_*=~─━═—–])(?:[ \t]*\1){2,}")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:={3,}|-{3,})")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# "3. Title", "3) Title", "3 - Title", "3: Title", "3.1 Title", "3.1. Title", "IV. Title".
_NUMBERED = re.compile(
    r" {0,3}(?:(?P<num>\d{1,3}(?:\.\d{1,3}){0,5})(?P<sep>\.|\)|\s*[-–—:])?|(?P<roman>[IVXLC]{1,6})[.)])"
    r"\s+(?P<text>\S.*)"
)
_SECTION_WORDS = r"section|sec[țţt]iunea|chapter|capitolul|article|articolul|part|partea"
# "Section 3: Title", "Secțiunea 3 – Title", "Chapter IV. Title", "Art. 3 - Title", the Romanian
# ordinals "Secțiunea a 2-a" and "Capitolul al II-lea", "Capitolul 2 Integritate" (a capital after
# the number), or "CAPITOLUL I" alone on its line (its title is then the next line).
_EXPLICIT = re.compile(
    rf" {{0,3}}(?:(?:{_SECTION_WORDS})\s+|(?:art|cap)\.\s*)(?:al?\s+)?"
    r"(?P<num>\d{1,3}(?:\.\d{1,3}){0,5}|[IVXLC]{1,6})(?:-(?:a|lea)\b)?\.?"
    r"(?:(?:\s*[:)\-–—]\s*|(?<=\.)\s+|\s+(?=(?-i:[A-ZĂÂÎȘȚŞŢ])))(?P<text>\S.*))?",
    re.IGNORECASE,
)
_ASCII_BULLETS = "-*+"
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—−", "-"))
_SYMBOL_BULLETS = "•·–—●▪◦○■□►▸➢✓✔\uf0b7\uf0a7"

# Heading candidates longer than this are not even looked at (keeps every match cheap).
_CANDIDATE_MAX_LENGTH = 160
_NUMBERED_TITLE_MAX_LENGTH = 80
_CAPS_TITLE_MAX_LENGTH = 60
_SETEXT_TITLE_MAX_LENGTH = 120


def _is_page_number(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) <= 40
        and stripped[:1] in ("P", "p", "-", "–", "—")
        and _PAGE_NUMBER.fullmatch(stripped) is not None
    )


def _is_decoration(line: str) -> bool:
    return len(line) <= 400 and len(line) >= 3 and _DECORATION.fullmatch(line) is not None


def _is_setext_underline(line: str) -> bool:
    return len(line) <= 400 and _SETEXT_UNDERLINE.fullmatch(line) is not None


def _is_indented(line: str) -> bool:
    return line[:1] in (" ", "\t")


def _is_code_indented(line: str) -> bool:
    return line.startswith(("    ", "\t"))


def _bullet(line: str) -> str | None:
    """The line as a Markdown "- " bullet, or None when it is not a bullet."""
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


def _is_list_item(line: str) -> bool:
    head = line[:_CANDIDATE_MAX_LENGTH]
    return _bullet(head) is not None or _numbered(head) is not None


@dataclass(frozen=True)
class _Numbered:
    text: str
    number: int | None  # the number of a top-level item ("3." → 3, "IV." → 4); None for "3.1"
    explicit: bool  # "Section 3: …"
    style: str = ""  # what follows the number: ".", ")", "-" or ":"; "roman" for "IV."
    label: str = ""  # the number as written: "3", "3.1", "IV"


def _numbered(line: str) -> _Numbered | None:
    first = line[:4].lstrip(" ")[:1]
    if len(line) > _CANDIDATE_MAX_LENGTH or not first.isalnum():
        return None
    explicit = _EXPLICIT.fullmatch(line) if first.isalpha() else None
    if explicit:
        number = int(explicit["num"]) if explicit["num"].isdigit() else None
        return _Numbered(explicit["text"] or "", number, explicit=True, label=explicit["num"])
    match = _NUMBERED.fullmatch(line)
    if not match:
        return None
    if match["roman"]:
        value = _roman_value(match["roman"])
        return _Numbered(match["text"], value, explicit=False, style="roman", label=match["roman"]) if value else None
    if "." not in match["num"]:
        if not match["sep"]:
            return None  # "100 customers a day" is a sentence, not a heading
        style = match["sep"].strip().translate(_DASHES)
        return _Numbered(match["text"], int(match["num"]), explicit=False, style=style, label=match["num"])
    return _Numbered(match["text"], None, explicit=False, label=match["num"])


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


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


def _is_caps_title(line: str) -> bool:
    if _is_code_indented(line):
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


def _unbold(line: str) -> str:
    """The line without a ``**bold**`` (or ``__bold__``) wrapper around all of it, indentation kept."""
    text = line.strip()
    for wrapper in ("**", "__"):
        inner = text[len(wrapper) : -len(wrapper)]
        wrapped = len(text) > 2 * len(wrapper) and text.startswith(wrapper) and text.endswith(wrapper)
        if wrapped and wrapper not in inner:
            return line[: len(line) - len(line.lstrip())] + inner.strip()
    return line


def _clean_title(raw: str) -> str:
    # "**2. Integritate**" and "2. **Integritate**" are both the title "Integritate".
    title = _unbold(raw.strip())
    if len(title) <= _CANDIDATE_MAX_LENGTH:
        numbered = _EXPLICIT.fullmatch(title) or _NUMBERED.fullmatch(title)
        if numbered and (numbered.re is _EXPLICIT or numbered["roman"] or numbered["sep"] or "." in numbered["num"]):
            title = (numbered["text"] or title).strip()
    title = _unbold(title).rstrip(":").rstrip()
    if len(title) > _TITLE_MAX_LENGTH:
        title = title[: _TITLE_MAX_LENGTH - 1].rstrip() + "…"
    return title


def _atx_title(line: str) -> tuple[int, str] | None:
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


# ---------------------------------------------------------------------------
# Lines to sections
# ---------------------------------------------------------------------------


@dataclass
class _Draft:
    title: str
    level: int  # 1–6 for Markdown headings; 0 for numbered and capitals headings
    lines: list[str] = field(default_factory=list)


def _fence_opening(line: str) -> str | None:
    """The fence ("```", "~~~~", …) a line opens, if it has the shape of an opening fence."""
    if line[:4].lstrip(" ")[:1] not in ("`", "~"):
        return None
    opening = _FENCE.match(line)
    if not opening or (opening[1][0] == "`" and "`" in line[opening.end() :]):
        return None
    return opening[1]


def _closable_fences(lines: list[str]) -> list[int]:
    """For each line, the longest closing fence of its own character that comes after it (0 if none).

    A fence that is never closed is not a fence: a line of "~~~~~" under a title in a text file
    must not turn the rest of the document into code.
    """
    longest_after = {"`": 0, "~": 0}
    closable = [0] * len(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        fence = _fence_opening(line)
        if fence is None:
            continue
        closable[index] = longest_after[fence[0]]
        stripped = line.strip()
        if not stripped.strip(fence[0]):
            longest_after[fence[0]] = max(longest_after[fence[0]], len(stripped))
    return closable


def _front_matter_end(lines: list[str]) -> int:
    """Where the text starts after a YAML front-matter block ("---", "key: value" lines, "---"), if any."""
    if not lines or lines[0] != "---":
        return 0
    for index in range(1, min(len(lines), 100)):
        line = lines[index]
        if line in ("---", "..."):
            return index + 1 if index > 1 else 0
        if line and ":" not in line and line[0] not in " \t-#":
            return 0
    return 0


def _prepare_lines(text: str) -> tuple[list[str], list[bool]]:
    """Lines without trailing spaces and without page numbers, and for each whether it is fenced code."""
    lines: list[str] = []
    fenced: list[bool] = []
    fence: str | None = None
    stripped_lines = [raw.rstrip() for raw in text.split("\n")]
    stripped_lines = stripped_lines[_front_matter_end(stripped_lines) :]
    closable = _closable_fences(stripped_lines)
    for index, line in enumerate(stripped_lines):
        if fence is not None:
            lines.append(line)
            fenced.append(True)
            stripped = line.strip()
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = None
            continue
        if not line:
            lines.append(line)
            fenced.append(False)
            continue
        opening = _fence_opening(line)
        if opening is not None and closable[index] >= len(opening):
            fence = opening
            lines.append(line)
            fenced.append(True)
            continue
        if _is_page_number(line):
            continue
        lines.append(line)
        fenced.append(False)
    return lines, fenced


def _uses_markdown_headings(lines: list[str], fenced: list[bool]) -> bool:
    """True when the text has "#" headings other than one level-1 title on its first line."""
    first_content = True
    for line, in_fence in zip(lines, fenced, strict=True):
        if in_fence or not line or _is_decoration(line):
            continue
        atx = _atx_title(line) if "#" in line[:4] else None
        if atx and atx[1] and not (first_content and atx[0] == 1):
            return True
        first_content = False
    return False


class _Splitter:
    """One pass over the lines, sending each either to a new section or to the current body."""

    def __init__(self, lines: list[str], fenced: list[bool]) -> None:
        self.lines = lines
        self.fenced = fenced
        self.markdown = _uses_markdown_headings(lines, fenced)
        self.intro: list[str] = []
        self.drafts: list[_Draft] = []
        self.body = self.intro
        self.previous = "start"  # what the last kept line was: start, blank, heading or text
        self.last_text = ""  # the last non-blank body line since the last heading
        # Number and style of the last item of a list spread out with blank lines ("1." … "2.").
        self.loose_item: tuple[int, str] | None = None
        # Number and style of the last numbered list item of the current section: its list may
        # go on after a paragraph ("1. Listen" … text … "2. Apologise").
        self.list_item: tuple[int, str] | None = None
        self.last_heading_number = 0  # number of the last top-level numbered heading ("3.")
        self.last_roman_heading = 0  # value of the last Roman-numbered heading ("IV." → 4)
        self.max_sections = limits.max_sections()

    def split(self) -> tuple[list[str], list[_Draft]]:
        index = 0
        while index < len(self.lines):
            index = self._take(index)
        return self.intro, self.drafts

    def _next_text(self, index: int) -> str | None:
        """The line after `index` as far as headings care: None at the end of the file or before a blank."""
        if index + 1 >= len(self.lines):
            return None
        following = self.lines[index + 1]
        if self.fenced[index + 1]:
            return following
        if not following or _is_decoration(following):
            return None
        return following

    def _start_section(self, title: str, level: int) -> None:
        # Stop at the first heading too many, rather than read a file of 100,000 headings to the end.
        # One draft may still become the document's own title, hence the room for one more.
        if len(self.drafts) > self.max_sections:
            raise limits.too_many_sections_in_file()
        draft = _Draft(title, level)
        self.drafts.append(draft)
        self.body = draft.lines
        self.previous = "heading"
        self.last_text = ""
        self.loose_item = None
        self.list_item = None

    def _keep(self, text: str) -> None:
        self.body.append(text)
        self.previous = "text"
        self.last_text = text

    def _take(self, index: int) -> int:
        """Handle the line at `index`; return the index of the next line to handle."""
        text = self.lines[index]
        if not text:
            self.body.append("")
            self.previous = "blank"
            return index + 1
        if self.fenced[index]:
            self._keep(text)
            self.loose_item = None
            return index + 1
        if _is_decoration(text):
            self.previous = "blank"  # a separator works like a blank line
            return index + 1

        atx = _atx_title(text) if "#" in text[:4] else None
        if atx:
            level, raw_title = atx
            title = _clean_title(raw_title)
            if title:
                self._start_section(title, level)
            return index + 1

        after_blank = self.previous in ("start", "blank", "heading")
        if (
            after_blank
            and index + 1 < len(self.lines)
            and not self.fenced[index + 1]
            and _is_setext_underline(self.lines[index + 1])
            and len(text.strip()) <= _SETEXT_TITLE_MAX_LENGTH
            and not _is_code_indented(text)
            and _bullet(text) is None
        ):
            title = _clean_title(text)
            if title:
                self._start_section(title, 1 if self.lines[index + 1].strip()[0] == "=" else 2)
                return index + 2

        numbered = _numbered(_unbold(text))  # "**2. Integritate**" is written as a heading too
        if numbered is not None:
            if self._is_numbered_heading(numbered, index, after_blank):
                return self._start_numbered_section(numbered, index)
            self._keep(text)
            top_level = numbered.number is not None and not numbered.explicit and not _is_indented(text)
            # Items written as sentences ("3. Answer within a day.") cannot be headings, so a title
            # numbered next ("4. Privacy") is not taken for one more of them.
            title_like = top_level and numbered.number and _is_title_like(numbered.text)
            item = (numbered.number, numbered.style) if title_like and numbered.number else None
            self.loose_item = item if after_blank else None
            self.list_item = item
            return index + 1

        if after_blank and self.previous != "heading" and self._next_text(index) is None and _is_caps_title(text):
            self._start_section(_clean_title(text), 0)
            return index + 1

        bullet = _bullet(text)
        if bullet is not None:
            if bullet:
                self._keep(bullet)
            if not _is_indented(text):
                self.loose_item = None
            return index + 1

        self._keep(text)
        if not _is_indented(text):
            self.loose_item = None
        return index + 1

    def _start_numbered_section(self, numbered: _Numbered, index: int) -> int:
        """Start the section a numbered heading opens; return the index of the next line to handle."""
        title, taken = _clean_title(self.lines[index]), 1
        if numbered.explicit and not numbered.text.strip():
            # "CAPITOLUL I" on its own line, its title on the next: "DISPOZIȚII GENERALE".
            following = self._next_text(index)
            if following is not None and not self.fenced[index + 1] and _is_title_like(following):
                title, taken = _clean_title(following), 2
        self._start_section(title, 0)
        if numbered.explicit or numbered.style == "roman":
            # A chapter starts its own numbering: "Capitolul 2", then "1. Scop" again.
            self.last_heading_number = 0
            if numbered.style == "roman" and numbered.number:
                self.last_roman_heading = numbered.number
        elif numbered.number is not None:
            self.last_heading_number = numbered.number
        return index + taken

    def _is_numbered_heading(self, numbered: _Numbered, index: int, after_blank: bool) -> bool:
        text = numbered.text.strip()
        if len(text) > _NUMBERED_TITLE_MAX_LENGTH or text.endswith((".", ";", ":", ",")):
            return False
        # The file's own title on its first line, "Cod de conduită", may stand right above the
        # first heading; any other line must end a thought, or the numbered line carries on a
        # sentence wrapped from it ("… within" then "2 - 3 working days").
        under_the_title = self.intro == [self.last_text] and _is_title_like(self.last_text)
        if not after_blank and not under_the_title and not _ends_a_thought(self.last_text):
            return False
        if numbered.explicit:
            return True  # "Section 3: …" is a heading even when a list or text follows at once
        following = self._next_text(index)
        if following is not None and not self._may_follow_a_heading(numbered, following):
            return False
        if self.markdown:
            return False
        if self.last_text.rstrip().endswith(":"):
            return False
        number = numbered.number
        if number is None:
            return after_blank  # "3.1 Tone of voice": an outline's sub-heading
        if (number - 1, numbered.style) in (self.loose_item, self.list_item):
            return False  # the next item of a list in this section
        last = self.last_roman_heading if numbered.style == "roman" else self.last_heading_number
        if number <= last:
            return False  # numbering that starts again inside a section is a list
        if numbered.style == "roman" and last and number != last + 1:
            return False  # after "II.", "V. Popescu" signs a letter: Roman headings do not skip
        # Without a blank line above, only the next number of the headings' own sequence is a
        # heading (in a file written without blank lines, "1." after the introduction, then "2.").
        return after_blank or number == last + 1

    def _may_follow_a_heading(self, numbered: _Numbered, following: str) -> bool:
        """Whether the line right under a numbered line leaves it free to be a heading.

        Text, or bullets written at the margin ("2. Integritate" then "- Nu minți."), may come
        under a heading. An indented line continues a list item; the next number continues a list
        ("1. …" then "2. …"). A sub-heading of its own ("2." then "2.1") makes an outline, and a
        list starting again from 1 is a list under the heading.
        """
        if _is_indented(following):
            return False
        child = _numbered(following[:_CANDIDATE_MAX_LENGTH])
        if child is None:
            return True
        if child.label.startswith(numbered.label + "."):
            return True
        return child.number == 1 and not child.explicit and child.style != "roman"


def _ends_a_thought(line: str) -> bool:
    """True when a body line does not run on into the next: it ends a sentence, or is a list item."""
    stripped = line.rstrip()
    return stripped.endswith((".", "!", "?", ")", "”", '"', "»")) or _is_list_item(stripped)


def _is_title_like(line: str) -> bool:
    """A short line that reads as a title: not a list item, not ending like a sentence."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= _NUMBERED_TITLE_MAX_LENGTH
        and not stripped.endswith((".", ";", ":", ","))
        and not _is_list_item(stripped)
    )


def _finish_body(lines: list[str]) -> str:
    kept: list[str] = []
    for line in lines:
        if not line.strip():
            if kept and kept[-1]:
                kept.append("")
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def parse_code_text(data: bytes) -> list[ParsedSection]:
    """Split an uploaded UTF-8 text or Markdown file into draft sections, in order.

    Raises ImportRefused, with a message for the uploader, when the file is empty, larger than
    MAX_IMPORT_BYTES, binary (NUL bytes, or the signature of a PDF, Word/ZIP file or image),
    not UTF-8, or has no text left once page numbers and decorations are dropped.

    A section starts at a Markdown "#" or underlined (Setext) heading, at a numbered heading such
    as "3. Responsiveness", "3.1 Tone of voice" or "Section 3: Responsiveness", or at a line in
    capitals on its own. A numbered line is a heading only when its text is short (≤ 80
    characters), does not end with ".", ";", ":" or ",", does not carry on the line above, and is
    not followed by an indented line or the next numbered item; consecutive numbered lines,
    items written as sentences, items introduced by a line ending in ":" and numbering that
    starts again inside a section are list items and stay in the body. Also refused: a file
    past the limits on sections (CODES_MAX_SECTIONS, CODES_MAX_SECTION_CHARS). In a document that uses
    "#" headings, numbered lines are always list items unless they begin with "Section N". The
    module docstring spells out every rule.
    """
    text = _decode_upload(data)
    try:
        sections = _sections_of(text)
        limits.check_section_count(len(sections))
        for section in sections:
            limits.check_section_body(section.body, title=section.title)
    except limits.LimitExceeded as error:
        raise ImportRefused(error.message) from None
    if not sections:
        raise ImportRefused(
            _(
                "No text was found to import: the file holds only page numbers, separator lines "
                "or blank headings. Check that it is the right file."
            )
        )
    return sections


def _sections_of(text: str) -> list[ParsedSection]:
    intro, drafts = _Splitter(*_prepare_lines(text)).split()

    intro_body = _finish_body(intro)
    if not intro_body and len(drafts) > 1 and drafts[0].level == 1 and all(draft.level != 1 for draft in drafts[1:]):
        # The file opens with its own title: what it says under the title is the introduction.
        intro_body = _finish_body(drafts[0].lines)
        drafts = drafts[1:]

    sections: list[ParsedSection] = []
    if intro_body:
        # The introduction is part of the document, so it is named in the document's language,
        # not in the language of the person uploading it.
        with translation.override(document_language(text)):
            intro_title = _("Introduction")
        sections.append(ParsedSection(title=intro_title, category=SectionCategory.OTHER.value, body=intro_body))
    sections.extend(
        ParsedSection(title=draft.title, category=guess_category(draft.title), body=_finish_body(draft.lines))
        for draft in drafts
    )
    return sections


# ---------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------

# Short words that are frequent in one language and rare in the other; a word in neither set
# does not vote. Romanian words are given with and without diacritics (text typed without them
# is common), and words spelled alike in both languages ("in", "a") are left out.
# fmt: off
_STOP_WORDS: dict[str, frozenset[str]] = {
    "ro": frozenset({
        "și", "si", "în", "de", "la", "cu", "pe", "să", "sa", "pentru", "este", "sunt", "care", "nu", "din",
        "sau", "ale", "lui", "unui", "unei", "fi", "se", "un", "o", "ca", "această", "aceasta", "acest",
        "acestei", "fiecare", "toți", "toti", "toate", "prin", "față", "fata", "după", "dupa", "când", "cand",
        "către", "catre", "mai", "ori", "doar", "iar", "dacă", "daca", "noi", "lor", "le", "vor", "va", "trebuie",
    }),
    "en": frozenset({
        "the", "and", "of", "to", "is", "are", "for", "with", "that", "be", "we", "our", "you", "your", "not",
        "or", "this", "on", "as", "by", "it", "an", "any", "all", "will", "must", "should", "they", "their",
        "who", "when", "which", "from", "have", "has", "do", "does", "may", "each", "every",
    }),
}
# fmt: on
_ROMANIAN_LETTERS = frozenset("ăâîșțşţĂÂÎȘȚŞŢ")
# Enough words to tell the languages apart; a long file is not read to its end for this.
_LANGUAGE_SAMPLE_WORDS = 2_000


def document_language(text: str) -> str:
    """ "ro" when the text reads as Romanian, else "en": a count of frequent short words.

    A word with a Romanian letter (ă, â, î, ș, ț) also counts for Romanian, so a document of
    headings and terse bullets is still recognised.
    """
    votes = dict.fromkeys(_STOP_WORDS, 0)
    for word in re.findall(r"\w+", text[: _LANGUAGE_SAMPLE_WORDS * 12])[:_LANGUAGE_SAMPLE_WORDS]:
        folded = word.casefold()
        for language, words in _STOP_WORDS.items():
            if folded in words:
                votes[language] += 1
        if not _ROMANIAN_LETTERS.isdisjoint(word):
            votes["ro"] += 1
    # A Romanian word or two in an English text (a name, a quoted title) does not make it Romanian.
    return "ro" if votes["ro"] > max(votes["en"], 1) else "en"


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------

# Keywords in English and Romanian, written naturally; they are compared without case or
# diacritics. A keyword ending in "*" also matches longer words ("complaint*" → "complaints");
# the others must be whole words. When several keywords start at the same place, the longest wins.
_CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    SectionCategory.PROFESSIONALISM.value: (
        "professional*",
        "profesional*",
        "dress code",
        "appearance",
        "ținută*",
        "punctual*",
    ),
    SectionCategory.INTEGRITY.value: (
        "integrit*",
        "honest*",
        "onest*",
        "cinst*",
        "transparen*",
        "fraud*",
    ),
    SectionCategory.RESPONSIVENESS.value: (
        "responsive*",
        "response time*",
        "response",
        "responses",
        "promptitudine*",
        "promptness",
        "receptivitat*",
        "timeliness",
        "timp de răspuns",
        "timpi de răspuns",
        "timpul de răspuns",
        "availability",
        "disponibilitat*",
    ),
    SectionCategory.PRIVACY.value: (
        "privacy",
        "confidential*",
        "confidențial*",
        "data protection",
        "personal data",
        "gdpr",
        "protecția datelor",
        "date personale",
        "datele personale",
        "datelor personale",
        "date cu caracter personal",
        "information security",
        "securitatea informațiilor",
    ),
    SectionCategory.FAIRNESS.value: (
        "fair*",
        "unfair*",
        "non-discrimin*",
        "nondiscrimin*",
        "nediscrimin*",
        "discrimin*",
        "equal*",
        "equit*",
        "echitat*",
        "egal*",
        "tratament egal",
        "inclusion",
        "inclusive",
        "incluziun*",
        "diversit*",
    ),
    SectionCategory.CONFLICT_RESOLUTION.value: (
        "conflict*",
        "rezolvarea conflictelor",
        "disput*",
        "de-escalat*",
        "dezescalad*",
        "difficult customer*",
        "clienți dificili",
        "clienții dificili",
        "mediation",
        "medier*",
    ),
    SectionCategory.PRODUCT_KNOWLEDGE.value: (
        "product*",
        "knowledge",
        "service knowledge",
        "cunoașter*",
        "cunoștinț*",
        "produs*",
        "expertise",
    ),
    SectionCategory.COMMUNICATION.value: (
        "communic*",
        "comunic*",
        "tone",
        "tone of voice",
        "tonul",
        "language",
        "limbaj*",
        "etiquette",
        "etichet*",
        "correspondence",
        "corespondenț*",
        "telephone*",
        "telefon*",
    ),
    SectionCategory.CONTINUOUS_IMPROVEMENT.value: (
        "continuous improvement",
        "improv*",
        "feedback",
        "îmbunătățir*",
        "lessons learned",
        "lecții învățate",
    ),
    SectionCategory.ACCOUNTABILITY.value: (
        "accountab*",
        "responsib*",
        "responsabil*",
        "ownership",
        "răspunder*",
        "asumar*",
    ),
    SectionCategory.ETHICS.value: (
        "ethic*",
        "etic*",
        "conflict of interest*",
        "conflicts of interest*",
        "conflict de interese",
        "conflictul de interese",
        "conflicte de interese",
        "conflictele de interese",
        "gift*",
        "cadou*",
        "brib*",
        "mită",
        "corrupt*",
        "corup*",
    ),
    SectionCategory.BEHAVIOUR.value: (
        "behaviour*",
        "behavior*",
        "conduct expectations",
        "expected conduct",
        "personal conduct",
        "comportament*",
        "conduit*",
        "harass*",
        "hărțuir*",
        "bullying",
        "respect",
        "respectul",
    ),
    SectionCategory.SERVICE_DELIVERY.value: (
        "service delivery",
        "service standard*",
        "service level*",
        "sla",
        "slas",
        "delivery",
        "livrar*",
        "furniz*",
        "prestar*",
        "calitatea servici*",
        "quality of service",
        "customer experience",
        "experiența client*",
    ),
    SectionCategory.COMPLAINT_HANDLING.value: (
        "complaint*",
        "reclamați*",
        "plânger*",
        "grievance*",
        "escalat*",
        "sesizăr*",
    ),
    SectionCategory.TRAINING.value: (
        "training*",
        "development",
        "professional development",
        "learning",
        "onboarding",
        "instruir*",
        "formar*",
        "dezvoltar*",
        "coaching",
        "mentor*",
        "induction",
    ),
    SectionCategory.PERFORMANCE.value: (
        "performan*",
        "metric*",
        "kpi*",
        "indicator*",
        "target*",
        "productiv*",
        "quality assurance",
        "evaluar*",
        "appraisal*",
        "measur*",
    ),
}


def _fold(text: str) -> str:
    """Lower case, without diacritics ("Confidențialitate" → "confidentialitate"), single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(bare.casefold().translate(_DASHES).split())


def _build_keyword_index() -> tuple[re.Pattern[str], dict[str, str]]:
    category_of: dict[str, str] = {}
    alternatives: list[tuple[str, str]] = []
    for category, keywords in _CATEGORY_KEYWORDS.items():
        for keyword in keywords:
            prefix = keyword.endswith("*")
            folded = _fold(keyword.rstrip("*"))
            category_of[folded] = category
            alternatives.append((folded, re.escape(folded) + ("" if prefix else r"\b")))
    alternatives.sort(key=lambda item: len(item[0]), reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(regex for _folded, regex in alternatives) + ")")
    return pattern, category_of


_KEYWORD_PATTERN, _KEYWORD_CATEGORY = _build_keyword_index()


@functools.lru_cache(maxsize=1024)
def guess_category(title: str) -> str:
    """The SectionCategory value a section title suggests, or "other".

    Keywords in English and Romanian are matched without regard to case or diacritics; when a
    title names two subjects, the keyword that comes first in the title decides.
    """
    match = _KEYWORD_PATTERN.search(_fold(title))
    if match is None:
        return SectionCategory.OTHER.value
    return _KEYWORD_CATEGORY[match[0]]
