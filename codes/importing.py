"""Turn an uploaded plain-text or Markdown file into draft sections of a code of conduct.

The parser is pure: it reads bytes and returns values, it never touches the database. Every
step is a single pass over the lines, so the work grows linearly with the size of the file.

How a file is read
------------------
* It must be UTF-8 (a byte-order mark is accepted and dropped), at most ``MAX_IMPORT_BYTES`` long,
  and text rather than a PDF, Word document, archive or image. ``ImportRefused`` says which
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
  (also ``Secțiunea``, ``Capitolul``, ``Chapter``, ``Article``, ``Articolul``, ``Part``, ``Partea``).
  Numbered lines are also how lists are written, so a numbered line is a heading only when

  1. its text is short (at most 80 characters) and does not end with ``.``, ``;``, ``:`` or ``,``;
  2. it comes at the start of the file, after a blank line or right after another heading;
  3. the next line is blank, the end of the file, or plain text that is neither a list item
     (numbered or bulleted) nor indented — except a sub-heading of its own (``2.`` then ``2.1``);

  and, unless it begins with the word "Section" (or its equivalents),

  4. the document does not use Markdown ``#`` headings (beyond a single leading title): in
     Markdown, headings are written with ``#`` and numbered lines are lists;
  5. the last text line above it does not end with ``:`` (that line introduces a list);
  6. it does not continue a list spread out with blank lines (``1.`` … blank … ``2.``: the next
     number, written the same way), and its number is higher than that of the last top-level
     numbered heading (numbering that starts again from 1 inside a section is a list).

  So ``1. …`` ``2. …`` ``3. …`` on consecutive lines, or items that are full sentences, stay
  in the body of the section they are in.
* A line in capitals on its own between blank lines (common in text saved from Word): at least
  two words, at most 60 characters, starting with a letter and not ending with ``.``, ``!``,
  ``?``, ``;`` or ``,``. Letters with diacritics count as letters.

Titles keep their words and diacritics exactly as written (both ``ș ț`` with a comma below and
``ş ţ`` with a cedilla); only the numbering, ``Section N:``, Markdown ``#``\\s, a ``**bold**``
wrapper and trailing colons are removed.

The beginning of the file
-------------------------
Text before the first heading becomes a section titled "Introduction" (category "other"), if
there is any. When the file opens with a level-1 Markdown heading (``# Title`` or a title
underlined with ``===``) that is the only level-1 heading and other headings follow, that first
heading is the document's own title: the text under it becomes the "Introduction".

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

from django.utils.translation import gettext as _

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
# "Section 3: Title", "Secțiunea 3 – Title", "Chapter IV. Title".
_EXPLICIT = re.compile(
    rf" {{0,3}}(?:{_SECTION_WORDS})\s+(?P<num>\d{{1,3}}(?:\.\d{{1,3}}){{0,5}}|[IVXLC]{{1,6}})"
    r"(?:\s*[:)\-–—]\s*|\.\s+)(?P<text>\S.*)",
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
    number: int | None  # the number of a top-level item ("3." → 3); None for "3.1" or "IV."
    explicit: bool  # "Section 3: …"
    style: str = ""  # what follows the number: ".", ")", "-" or ":"
    label: str = ""  # the number as written: "3", "3.1", "IV"


def _numbered(line: str) -> _Numbered | None:
    first = line[:4].lstrip(" ")[:1]
    if len(line) > _CANDIDATE_MAX_LENGTH or not first.isalnum():
        return None
    explicit = _EXPLICIT.fullmatch(line) if first.isalpha() else None
    if explicit:
        number = int(explicit["num"]) if explicit["num"].isdigit() else None
        return _Numbered(explicit["text"], number, explicit=True, label=explicit["num"])
    match = _NUMBERED.fullmatch(line)
    if not match:
        return None
    if match["roman"]:
        return _Numbered(match["text"], None, explicit=False, label=match["roman"])
    if "." not in match["num"]:
        if not match["sep"]:
            return None  # "100 customers a day" is a sentence, not a heading
        style = match["sep"].strip().translate(_DASHES)
        return _Numbered(match["text"], int(match["num"]), explicit=False, style=style, label=match["num"])
    return _Numbered(match["text"], None, explicit=False, label=match["num"])


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


def _clean_title(raw: str) -> str:
    title = raw.strip()
    if len(title) <= _CANDIDATE_MAX_LENGTH:
        numbered = _EXPLICIT.fullmatch(title) or _NUMBERED.fullmatch(title)
        if numbered and (numbered.re is _EXPLICIT or numbered["roman"] or numbered["sep"] or "." in numbered["num"]):
            title = numbered["text"].strip()
    for wrapper in ("**", "__"):
        inner = title[len(wrapper) : -len(wrapper)]
        wrapped = len(title) > 2 * len(wrapper) and title.startswith(wrapper) and title.endswith(wrapper)
        if wrapped and wrapper not in inner:
            title = inner.strip()
    title = title.rstrip(":").rstrip()
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
        self.last_heading_number = 0  # number of the last top-level numbered heading

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
        draft = _Draft(title, level)
        self.drafts.append(draft)
        self.body = draft.lines
        self.previous = "heading"
        self.last_text = ""
        self.loose_item = None

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

        numbered = _numbered(text)
        if numbered is not None:
            if self._is_numbered_heading(numbered, index, after_blank):
                self._start_section(_clean_title(text), 0)
                if numbered.number is not None:
                    self.last_heading_number = numbered.number
            else:
                self._keep(text)
                spread_out = after_blank and numbered.number is not None and not numbered.explicit
                self.loose_item = (numbered.number, numbered.style) if spread_out and numbered.number else None
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

    def _is_numbered_heading(self, numbered: _Numbered, index: int, after_blank: bool) -> bool:
        text = numbered.text.strip()
        if len(text) > _NUMBERED_TITLE_MAX_LENGTH or text.endswith((".", ";", ":", ",")):
            return False
        if not after_blank:
            return False
        if numbered.explicit:
            return True  # "Section 3: …" is a heading even when a list follows at once
        following = self._next_text(index)
        if following is not None and (_is_indented(following) or _is_list_item(following)):
            child = _numbered(following[:_CANDIDATE_MAX_LENGTH])
            if child is None or not child.label.startswith(numbered.label + "."):
                return False  # but "2. Integrity" right above "2.1 Honesty" is an outline, not a list
        if self.markdown:
            return False
        if self.last_text.rstrip().endswith(":"):
            return False
        if numbered.number is not None:
            if self.loose_item == (numbered.number - 1, numbered.style):
                return False
            if numbered.number <= self.last_heading_number:
                return False
        return True


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
    characters), does not end with ".", ";", ":" or ",", stands after a blank line (or at the
    start) and is followed by a blank line or plain, non-list text; consecutive numbered lines,
    items written as sentences, items introduced by a line ending in ":" and numbering that
    starts again inside a section are list items and stay in the body. In a document that uses
    "#" headings, numbered lines are always list items unless they begin with "Section N". The
    module docstring spells out every rule.
    """
    text = _decode_upload(data)
    intro, drafts = _Splitter(*_prepare_lines(text)).split()

    intro_body = _finish_body(intro)
    if not intro_body and len(drafts) > 1 and drafts[0].level == 1 and all(draft.level != 1 for draft in drafts[1:]):
        # The file opens with its own title: what it says under the title is the introduction.
        intro_body = _finish_body(drafts[0].lines)
        drafts = drafts[1:]

    sections: list[ParsedSection] = []
    if intro_body:
        sections.append(ParsedSection(title=_("Introduction"), category=SectionCategory.OTHER.value, body=intro_body))
    sections.extend(
        ParsedSection(title=draft.title, category=guess_category(draft.title), body=_finish_body(draft.lines))
        for draft in drafts
    )
    if not sections:
        raise ImportRefused(
            _(
                "No text was found to import: the file holds only page numbers, separator lines "
                "or blank headings. Check that it is the right file."
            )
        )
    return sections


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
