"""The import's entry point: an uploaded file's bytes in, the draft sections of a code out.

The parser is pure: it reads bytes and returns values, it never touches the database. Every
step is a single pass over the lines, so the work grows linearly with the size of the file.
A Word file (.docx, known by its content or its name) is checked (codes/importing/word_package.py)
and turned into Markdown (codes/importing/word.py); a text file is decoded
(codes/importing/decoding.py). Either text is then split at its headings
(codes/importing/splitting.py, whose docstring spells out where a section starts) and each
section's category guessed from its title (codes/importing/categories.py). A file may give at
most ``CODES_MAX_SECTIONS`` sections of at most ``CODES_MAX_SECTION_CHARS`` characters
(codes/limits.py): reading stops at the first heading too many.

The beginning of the file
-------------------------
Text before the first heading becomes a section titled "Introduction" (category "other"), if
there is any, in the document's language: "Introducere" when the text reads as Romanian (a count
of frequent short words and of words with ă, â, î, ș, ț), whatever the uploader's language.
When the file opens with a level-1 Markdown heading (``# Title`` or a title underlined with
``===``) that is the only level-1 heading and other headings follow, that first heading is the
document's own title: the text under it becomes the "Introduction".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from codes import limits
from codes.importing.categories import guess_category
from codes.importing.decoding import (
    MAX_IMPORT_BYTES,
    ImportRefused,
    decode_upload,
    normalise_text,
    text_file_too_large,
)
from codes.importing.language import document_language
from codes.importing.splitting import Draft, finish_body, split_text
from codes.importing.word import read_word_file
from codes.importing.word_package import is_word_file, word_file_too_large
from codes.models import SectionCategory


@dataclass(frozen=True)
class ParsedSection:
    title: str
    category: str  # a SectionCategory value
    body: str  # Markdown


@dataclass(frozen=True)
class ParsedFile:
    sections: list[ParsedSection]
    notes: list[str]  # what the uploader should know before confirming: what the import left out
    # The document's own title when the file opens with one (see "The beginning of the file"), else "":
    # a translation imported from the file takes it as its title.
    title: str = ""


def parse_code_file(data: bytes, *, filename: str) -> ParsedFile:
    """Split an uploaded Word, Markdown or text file into draft sections, in order.

    A file is read as Word when it is a ZIP or OLE file, or is named .docx (or .docm, .dotx, .doc):
    it is refused, with ImportRefused, unless it is a real, harmless .docx (the rules are in
    codes/importing/word_package.py). Its text becomes Markdown (codes/importing/word.py) and is
    split like a Markdown file, within the same limits; what it left out (pictures, text boxes) is
    in the notes. Any other file is read as text, by parse_code_text.
    """
    if not is_word_file(data, filename):
        return _parsed(decode_upload(data), notes=[])
    text = read_word_file(data)
    markdown = normalise_text(text.markdown)
    if not markdown.strip():
        # Say what there was instead, if anything: "2 images were not imported: …".
        raise ImportRefused(" ".join([_("No text was found in the Word file."), *text.notes]))
    return _parsed(markdown, notes=text.notes)


def check_upload_size(size: int, *, filename: str) -> None:
    """Refuse a file larger than any import takes, from its size alone, before it is read into memory."""
    largest = max(limits.max_word_file_bytes(), MAX_IMPORT_BYTES)
    if size > largest:
        raise word_file_too_large(size) if is_word_file(b"", filename) else text_file_too_large(size)


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
    docstring of codes/importing/splitting.py spells out every rule.
    """
    return _parsed(decode_upload(data), notes=[]).sections


def _parsed(text: str, *, notes: list[str]) -> ParsedFile:
    """The sections of a text, refused when past the limits or when there are none, and its own title."""
    try:
        title, sections = _sections_of(text)
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
    return ParsedFile(sections, notes=notes, title=title)


def _sections_of(text: str) -> tuple[str, list[ParsedSection]]:
    """The document's own title ("" when it opens with none) and its sections."""
    intro, drafts = split_text(text)
    intro_body = finish_body(intro)
    title = ""
    if not intro_body and _opens_with_its_own_title(drafts):
        # The file opens with its own title: what it says under the title is the introduction.
        title = drafts[0].title
        intro_body = finish_body(drafts[0].lines)
        drafts = drafts[1:]

    sections: list[ParsedSection] = []
    if intro_body:
        # The introduction is part of the document, so it is named in the document's language,
        # not in the language of the person uploading it.
        with translation.override(document_language(text)):
            intro_title = _("Introduction")
        sections.append(ParsedSection(title=intro_title, category=SectionCategory.OTHER.value, body=intro_body))
    sections.extend(
        ParsedSection(title=draft.title, category=guess_category(draft.title), body=finish_body(draft.lines))
        for draft in drafts
    )
    return title, sections


def _opens_with_its_own_title(drafts: list[Draft]) -> bool:
    """The first heading is the only level-1 one, and other headings follow it."""
    return len(drafts) > 1 and drafts[0].level == 1 and all(draft.level != 1 for draft in drafts[1:])
