"""Text to sections: one pass over the lines, sending each either to a new section or to the current body.

The lines come prepared (codes/importing/preparing.py): front matter skipped, page numbers
dropped, fenced code marked. Decorations work like blank lines.

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

import enum
from dataclasses import dataclass, field
from typing import NamedTuple

from codes import limits
from codes.importing.lines import (
    NUMBERED_TITLE_MAX_LENGTH,
    SETEXT_TITLE_MAX_LENGTH,
    NumberedLine,
    as_markdown_bullet,
    atx_heading,
    clean_title,
    ends_a_thought,
    is_caps_title,
    is_code_indented,
    is_decoration,
    is_indented,
    is_setext_underline,
    is_title_like,
    numbered_line,
    numbered_start,
    unbold,
)
from codes.importing.preparing import prepare_lines


@dataclass
class Draft:
    """A section as the splitter found it: its title, and its body lines as written."""

    title: str
    level: int  # 1–6 for Markdown headings; 0 for numbered and capitals headings
    lines: list[str] = field(default_factory=list)


def split_text(text: str) -> tuple[list[str], list[Draft]]:
    """The lines before the first heading, and a draft per heading, in order."""
    return _Splitter(*prepare_lines(text)).split()


def finish_body(lines: list[str]) -> str:
    """The Markdown body of a section: no blank lines at either end, runs of blank lines made one."""
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


def _uses_markdown_headings(lines: list[str], fenced: list[bool]) -> bool:
    """True when the text has "#" headings other than one level-1 title on its first line."""
    first_content = True
    for line, in_code in zip(lines, fenced, strict=True):
        if in_code or not line or is_decoration(line):
            continue
        atx = atx_heading(line) if "#" in line[:4] else None
        if atx and atx[1] and not (first_content and atx[0] == 1):
            return True
        first_content = False
    return False


# ---------------------------------------------------------------------------
# The pass
# ---------------------------------------------------------------------------


class _LastLine(enum.Enum):
    """What the splitter kept last; a heading may only open a block, after START, BLANK or HEADING."""

    START = "start"  # nothing yet: the top of the file
    BLANK = "blank"  # a blank line, or a decoration, which works like one
    HEADING = "heading"
    TEXT = "text"


class _ListItem(NamedTuple):
    """A numbered list item short enough to be a heading: the next number written the same way continues its list."""

    number: int
    style: str


class _Splitter:
    """One pass over the lines, sending each either to a new section or to the current body."""

    def __init__(self, lines: list[str], fenced: list[bool]) -> None:
        self.lines = lines
        self.fenced = fenced
        self.uses_markdown_headings = _uses_markdown_headings(lines, fenced)
        self.max_sections = limits.max_sections()
        self.intro: list[str] = []
        self.drafts: list[Draft] = []
        self.body = self.intro
        self.last_line = _LastLine.START
        self.last_body_line = ""  # the last non-blank body line since the last heading
        # The last title-like numbered item of the current section: its list may go on after a
        # paragraph ("1. Listen" … text … "2. Apologise").
        self.last_list_item: _ListItem | None = None
        self.last_heading_number = 0  # number of the last top-level numbered heading ("3.")
        self.last_roman_heading_number = 0  # value of the last Roman-numbered heading ("IV." → 4)

    def split(self) -> tuple[list[str], list[Draft]]:
        index = 0
        while index < len(self.lines):
            index = self._take(index)
        return self.intro, self.drafts

    @property
    def _opens_a_block(self) -> bool:
        """Whether the current line comes at the top of the file, after a blank line or after a heading."""
        return self.last_line is not _LastLine.TEXT

    def _take(self, index: int) -> int:
        """Handle the line at `index`; return the index of the next line to handle."""
        line = self.lines[index]
        if not line:
            self.body.append("")
            self.last_line = _LastLine.BLANK
            return index + 1
        if self.fenced[index]:
            self._keep(line)
            return index + 1
        if is_decoration(line):
            self.last_line = _LastLine.BLANK
            return index + 1
        for take_heading in (self._take_atx_heading, self._take_setext_heading, self._take_numbered_line):
            next_index = take_heading(line, index)
            if next_index is not None:
                return next_index
        if self._is_caps_heading(line, index):
            self._start_section(clean_title(line), 0)
        else:
            self._keep_body_line(line)
        return index + 1

    def _line_under(self, index: int) -> str | None:
        """The line after `index` as far as headings care: None at the end of the file or before a blank."""
        if index + 1 >= len(self.lines):
            return None
        following = self.lines[index + 1]
        if self.fenced[index + 1]:
            return following
        if not following or is_decoration(following):
            return None
        return following

    def _start_section(self, title: str, level: int) -> None:
        # Stop at the first heading too many, rather than read a file of 100,000 headings to the end.
        # One draft may still become the document's own title, hence the room for one more.
        if len(self.drafts) > self.max_sections:
            raise limits.too_many_sections_in_file()
        draft = Draft(title, level)
        self.drafts.append(draft)
        self.body = draft.lines
        self.last_line = _LastLine.HEADING
        self.last_body_line = ""
        self.last_list_item = None

    def _keep(self, line: str) -> None:
        self.body.append(line)
        self.last_line = _LastLine.TEXT
        self.last_body_line = line

    def _keep_body_line(self, line: str) -> None:
        bullet = as_markdown_bullet(line)
        if bullet is None:
            self._keep(line)
        elif bullet:
            self._keep(bullet)

    def _take_atx_heading(self, line: str, index: int) -> int | None:
        """A "#" heading starts a section (a "#" without a title is dropped)."""
        atx = atx_heading(line) if "#" in line[:4] else None
        if atx is None:
            return None
        level, raw_title = atx
        title = clean_title(raw_title)
        if title:
            self._start_section(title, level)
        return index + 1

    def _take_setext_heading(self, line: str, index: int) -> int | None:
        """A short line underlined with "===" or "---" starts a section; the underline is consumed too."""
        underline = self.lines[index + 1] if index + 1 < len(self.lines) and not self.fenced[index + 1] else ""
        if not (
            self._opens_a_block
            and is_setext_underline(underline)
            and len(line.strip()) <= SETEXT_TITLE_MAX_LENGTH
            and not is_code_indented(line)
            and as_markdown_bullet(line) is None
        ):
            return None
        title = clean_title(line)
        if not title:
            return None
        self._start_section(title, 1 if underline.strip()[0] == "=" else 2)
        return index + 2

    def _take_numbered_line(self, line: str, index: int) -> int | None:
        """A numbered line starts a section, or is kept as a list item of the current one."""
        numbered = numbered_line(unbold(line))  # "**2. Integritate**" is written as a heading too
        if numbered is None:
            return None
        if self._is_numbered_heading(numbered, index):
            return self._start_numbered_section(numbered, index)
        self._keep(line)
        self.last_list_item = _title_like_item(numbered, line)
        return index + 1

    def _is_caps_heading(self, line: str, index: int) -> bool:
        """A line in capitals between blank lines (not right under a heading) starts a section."""
        return (
            self._opens_a_block
            and self.last_line is not _LastLine.HEADING
            and self._line_under(index) is None
            and is_caps_title(line)
        )

    def _start_numbered_section(self, numbered: NumberedLine, index: int) -> int:
        """Start the section a numbered heading opens; return the index of the next line to handle."""
        title, taken = clean_title(self.lines[index]), 1
        if numbered.after_section_word and not numbered.text.strip():
            # "CAPITOLUL I" on its own line, its title on the next: "DISPOZIȚII GENERALE".
            following = self._line_under(index)
            if following is not None and not self.fenced[index + 1] and is_title_like(following):
                title, taken = clean_title(following), 2
        self._start_section(title, 0)
        if numbered.after_section_word or numbered.style == "roman":
            # A chapter starts its own numbering: "Capitolul 2", then "1. Scop" again.
            self.last_heading_number = 0
            if numbered.style == "roman" and numbered.number:
                self.last_roman_heading_number = numbered.number
        elif numbered.number is not None:
            self.last_heading_number = numbered.number
        return index + taken

    def _is_numbered_heading(self, numbered: NumberedLine, index: int) -> bool:
        """Rules 1 to 7 of the module docstring, in that order."""
        if not self._may_be_a_title_here(numbered):
            return False
        if numbered.after_section_word:
            return True  # "Section 3: …" is a heading even when a list or text follows at once
        following = self._line_under(index)
        if following is not None and not _may_follow_a_heading(numbered, following):
            return False
        if self.uses_markdown_headings or self.last_body_line.rstrip().endswith(":"):
            return False
        return self._continues_the_headings_numbering(numbered)

    def _may_be_a_title_here(self, numbered: NumberedLine) -> bool:
        """Its text is short and not a sentence, and it does not carry on the line above."""
        text = numbered.text.strip()
        if len(text) > NUMBERED_TITLE_MAX_LENGTH or text.endswith((".", ";", ":", ",")):
            return False
        # The file's own title on its first line, "Cod de conduită", may stand right above the
        # first heading; any other line must end a thought, or the numbered line carries on a
        # sentence wrapped from it ("… within" then "2 - 3 working days").
        under_the_title = self.intro == [self.last_body_line] and is_title_like(self.last_body_line)
        return self._opens_a_block or under_the_title or ends_a_thought(self.last_body_line)

    def _continues_the_headings_numbering(self, numbered: NumberedLine) -> bool:
        number = numbered.number
        if number is None:
            return self._opens_a_block  # "3.1 Tone of voice": an outline's sub-heading
        if self.last_list_item == (number - 1, numbered.style):
            return False  # the next item of a list in this section
        roman = numbered.style == "roman"
        last = self.last_roman_heading_number if roman else self.last_heading_number
        if number <= last:
            return False  # numbering that starts again inside a section is a list
        if roman and last and number != last + 1:
            return False  # after "II.", "V. Popescu" signs a letter: Roman headings do not skip
        # Without a blank line above, only the next number of the headings' own sequence is a
        # heading (in a file written without blank lines, "1." after the introduction, then "2.").
        return self._opens_a_block or number == last + 1


def _title_like_item(numbered: NumberedLine, line: str) -> _ListItem | None:
    """The list item a numbered line kept in a body is, if it could be mistaken for a title.

    Items written as sentences ("3. Answer within a day.") cannot be headings, so a title numbered
    next ("4. Privacy") is not taken for one more of them.
    """
    top_level = not numbered.after_section_word and not is_indented(line)
    if numbered.number and top_level and is_title_like(numbered.text):
        return _ListItem(numbered.number, numbered.style)
    return None


def _may_follow_a_heading(numbered: NumberedLine, following: str) -> bool:
    """Whether the line right under a numbered line leaves it free to be a heading.

    Text, or bullets written at the margin ("2. Integritate" then "- Nu minți."), may come
    under a heading. An indented line continues a list item; the next number continues a list
    ("1. …" then "2. …"). A sub-heading of its own ("2." then "2.1") makes an outline, and a
    list starting again from 1 is a list under the heading.
    """
    if is_indented(following):
        return False
    child = numbered_start(following)
    if child is None:
        return True
    if child.label.startswith(numbered.label + "."):
        return True
    return child.number == 1 and not child.after_section_word and child.style != "roman"
