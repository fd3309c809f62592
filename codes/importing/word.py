"""A Word document's text as the import's Markdown, so that it is split into sections like any Markdown file.

What becomes what
-----------------
* A paragraph in a heading style ("Heading 1" to "Heading 9", a style based on one, or a paragraph
  given an outline level) becomes a ``#`` heading of its level; one in the "Title" style a level-1
  heading, with the headings under it one level down, so that a titled document is read as one
  (its title is not a section, and the text under it is the introduction, codes/importing/parser.py).
* Any other paragraph is a paragraph, its text as written: a number typed at its start ("1. Integrity",
  "Article 3", "Capitolul II", in bold or not) is left for the splitter, which knows numbered
  headings (codes/importing/splitting.py) and treats them exactly as in a text file.
* Word's own lists become Markdown lists, ``- `` for bullets and ``1. `` for numbers (numbered as
  Word shows them: a list carries on its count after a paragraph), nested by list level; the styles
  "List Bullet 2", "List Number 3"… nest too. A numbered item is then judged like a numbered line of
  a text file: in a document without heading styles, short numbered items each followed by text
  start sections, as some documents number their headings with Word's lists.
* Bold and italic become ``**`` and ``_``; links to web and mail addresses stay links; a line break
  inside a paragraph stays a line break.
* A table becomes a Markdown table, its first row the header; a cell's paragraphs are joined by
  spaces, and merged cells are empty after their first.
* Pictures, charts, drawings and embedded objects are left out, and so are text boxes: each kind is
  counted, so that the preview can say so (``WordText.notes``).
* Left out without a note: headers, footers, footnotes, comments, the table of contents, and the
  text a tracked change deletes (the text reads as if every change were accepted).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, overload

from django.utils.translation import ngettext
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.exceptions import PythonDocxError
from docx.oxml.exceptions import XmlchemyError
from docx.oxml.ns import nsmap, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.document import DocumentPart
from docx.styles.style import BaseStyle
from lxml import etree

from codes.importing.lines import is_title_like, numbered_line, unbold
from codes.importing.word_package import open_word_document, word_file_damaged

# Tags, by their qualified names.
_P, _TBL, _TR, _TC, _R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
_SDT, _SDT_CONTENT, _HYPERLINK = qn("w:sdt"), qn("w:sdtContent"), qn("w:hyperlink")
_TEXT, _TAB, _PTAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:ptab"), qn("w:br"), qn("w:cr")
_NO_BREAK_HYPHEN = qn("w:noBreakHyphen")
_DRAWINGS = frozenset({qn("w:drawing"), qn("w:pict"), qn("w:object")})
_ALTERNATE_CONTENT = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_TEXT_BOX_CONTENT = qn("w:txbxContent")
# Wrappers whose content is part of the text: inserted text, smart tags, simple fields, content controls.
_INLINE_WRAPPERS = frozenset(
    {qn("w:ins"), qn("w:moveTo"), qn("w:smartTag"), qn("w:fldSimple"), qn("w:customXml"), qn("w:dir"), qn("w:bdo")}
)
_BLOCK_WRAPPERS = frozenset({qn("w:customXml"), qn("w:ins"), qn("w:moveTo")})
_FALSE = frozenset({"0", "false", "off"})

TITLE_LEVEL = 0  # a paragraph in the "Title" style, above the headings' level 1
_HEADING_STYLE = re.compile(r"heading ([1-9])")
# "List Bullet 2", "List Number 3": Word's built-in styles for nested lists.
_NESTED_LIST_STYLE = re.compile(r"list (?:bullet|number) ([2-9])")
_TABLE_OF_CONTENTS_STYLE = re.compile(r"toc(?: [1-9]| heading)?")
_LINK_SCHEMES = ("http://", "https://", "mailto:")
# Word tables have at most 63 columns; a cell's span is capped there, whatever the file says.
_MAX_COLUMNS = 63
_LIST_INDENT = "    "
_SMALL_NUMBER = re.compile(r"[0-9]{1,4}")


@dataclass
class WordText:
    """The Markdown a Word document gives, and what it left out."""

    markdown: str
    images: int = 0
    text_boxes: int = 0

    @property
    def notes(self) -> list[str]:
        """What the uploader should know about the import: what the portal left out."""
        notes = []
        if self.images:
            notes.append(
                ngettext(
                    "%(count)s image was not imported: the portal keeps the text only.",
                    "%(count)s images were not imported: the portal keeps the text only.",
                    self.images,
                )
                % {"count": self.images}
            )
        if self.text_boxes:
            notes.append(
                ngettext(
                    "%(count)s text box was not imported: if its text is needed, add it to a section in the editor.",
                    "%(count)s text boxes were not imported: if their text is needed, add it to a section in the "
                    "editor.",
                    self.text_boxes,
                )
                % {"count": self.text_boxes}
            )
        return notes


def read_word_file(data: bytes) -> WordText:
    """The body of an uploaded Word file as Markdown (the rules of the module docstring), with what was left out
    counted; ImportRefused when the file is not a real, harmless .docx (codes/importing/word_package.py)."""
    document = open_word_document(data)
    try:
        return _Converter(document).convert()
    except (PythonDocxError, XmlchemyError, ValueError):
        # python-docx refuses a value the format does not allow (a style's bold set to "maybe").
        raise word_file_damaged() from None


@dataclass(frozen=True)
class _StyleFacts:
    """What a paragraph style says about its paragraphs, read once per style."""

    heading_level: int | None = None  # TITLE_LEVEL for "Title", 1-9 for headings
    table_of_contents: bool = False
    numbering: tuple[str, int] | None = None  # (numId, level) of a list style such as "List Bullet"
    nested_list_level: int = 0  # "List Bullet 2" → 1


@dataclass
class _ListFormat:
    ordered: bool
    start: int


@dataclass
class _Piece:
    """A stretch of a paragraph's text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str = ""


@dataclass
class _Numbering:
    """The document's list definitions: the format and start of each list's levels, and the counts so far."""

    formats: dict[tuple[str, int], _ListFormat] = field(default_factory=dict)
    counts: dict[str, list[int]] = field(default_factory=dict)

    def next_number(self, num_id: str, level: int) -> int:
        """The number Word shows on the next item of list `num_id` at `level`: deeper levels start again."""
        counts = self.counts.setdefault(num_id, [0] * 10)
        start = self.formats.get((num_id, level), _ListFormat(ordered=True, start=1)).start
        counts[level] = start if counts[level] == 0 else counts[level] + 1
        counts[level + 1 :] = [0] * (len(counts) - level - 1)
        return counts[level]


class _Converter:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.part = document.part
        self.images = 0
        self.text_boxes = 0
        self.styles: dict[str | None, _StyleFacts] = {}
        self.character_styles: dict[str, tuple[bool, bool]] = {}
        self.list_levels: list[int] = []  # the Word levels of the list being written, outermost first

    def convert(self) -> WordText:
        blocks = list(_body_blocks(self.document.element.body))
        heading_shift = int(any(self._heading_level(block) == TITLE_LEVEL for block in blocks if block.tag == _P))
        chunks: list[str] = []
        after_a_list_item = False
        for block in blocks:
            if block.tag == _TBL:
                self.list_levels = []
                chunk = self._table(block)
            else:
                chunk = self._paragraph(block, heading_shift)
            if not chunk:
                continue
            is_list_item = bool(self.list_levels)
            previous = chunks[-1] if chunks else ""
            if block.tag == _P and not is_list_item and _is_bare_section_label(previous):
                # "Capitolul I" on its own, its title in the next paragraph: one heading, as the splitter
                # reads it when the title is on the line right under the label.
                if previous.startswith("#"):
                    title = chunk.lstrip("#").strip()
                    if is_title_like(unbold(title)):
                        chunks[-1] = f"{previous} – {title}"
                        continue
                elif not chunk.startswith("#"):
                    chunks.extend(("\n", chunk))
                    continue
            # List items follow one another line by line; everything else is a block of its own.
            chunks.extend(("\n" if after_a_list_item and is_list_item else "\n\n", chunk))
            after_a_list_item = is_list_item
        return WordText("".join(chunks).strip("\n") + "\n", images=self.images, text_boxes=self.text_boxes)

    # -- Paragraphs ------------------------------------------------------------------------------

    def _paragraph(self, p: BaseOxmlElement, heading_shift: int) -> str:
        facts = self._style_facts(p)
        if facts.table_of_contents:
            return ""
        level = self._heading_level(p)
        if level is not None:
            self.list_levels = []
            title = " ".join(_plain_text(self._pieces(p)).split())
            if not title:
                return ""
            return "#" * min(max(level + heading_shift, 1), 6) + " " + title
        item = self._list_item(p, facts)
        text = _markdown_text(self._pieces(p))
        if item is None or not text:
            if text:
                self.list_levels = []
            return text
        marker, depth = item
        prefix = _LIST_INDENT * depth + marker + " "
        return prefix + text.replace("\n", "\n" + " " * len(prefix))

    def _heading_level(self, p: BaseOxmlElement) -> int | None:
        """TITLE_LEVEL, or the heading level 1-9 of the paragraph's style or outline level, or None."""
        outline = _number(_find(p, "./w:pPr/w:outlineLvl/@w:val"))
        if outline is not None and outline < 9:  # 9 is "body text"
            return outline + 1
        return self._style_facts(p).heading_level

    def _style_facts(self, p: BaseOxmlElement) -> _StyleFacts:
        style_ids = _find(p, "./w:pPr/w:pStyle/@w:val")
        style_id = style_ids[0] if style_ids else None
        if style_id not in self.styles:
            self.styles[style_id] = _facts_of(self.part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH))
        return self.styles[style_id]

    def _list_item(self, p: BaseOxmlElement, facts: _StyleFacts) -> tuple[str, int] | None:
        """The Markdown marker ("-" or "3.") and nesting depth of a list paragraph; None for any other."""
        num_ids = _find(p, "./w:pPr/w:numPr/w:numId/@w:val")
        level = _number(_find(p, "./w:pPr/w:numPr/w:ilvl/@w:val"), 0)
        nesting = level
        if num_ids:
            num_id = num_ids[0]
        elif facts.numbering is not None:
            num_id, style_level = facts.numbering
            level = level or style_level
            nesting = level or facts.nested_list_level  # "List Bullet 2" is a list of its own, one level in
        else:
            return None
        if num_id == "0":  # numbering switched off on this paragraph
            return None
        level = min(level, 8)
        list_format = self._numbering.formats.get((num_id, level), _ListFormat(ordered=False, start=1))
        number = self._numbering.next_number(num_id, level)
        while self.list_levels and self.list_levels[-1] > nesting:
            self.list_levels.pop()
        if not self.list_levels or self.list_levels[-1] < nesting:
            self.list_levels.append(nesting)
        return (f"{number}." if list_format.ordered else "-"), len(self.list_levels) - 1

    @cached_property
    def _numbering(self) -> _Numbering:
        return _read_numbering(self.part.numbering_part.element, self.part)

    # -- Text --------------------------------------------------------------------------------------

    def _pieces(self, container: BaseOxmlElement, link: str = "") -> Iterator[_Piece]:
        for child in container:
            if child.tag == _R:
                yield from self._run(child, link)
            elif child.tag == _HYPERLINK:
                yield from self._pieces(child, link or self._link_target(child))
            elif child.tag in _INLINE_WRAPPERS:
                yield from self._pieces(child, link)
            elif child.tag == _SDT:
                for content in child.iterchildren(_SDT_CONTENT):
                    yield from self._pieces(content, link)

    def _run(self, r: BaseOxmlElement, link: str) -> Iterator[_Piece]:
        bold, italic = self._formatting(r)
        for child in r:
            tag = child.tag
            if tag == _TEXT:
                yield _Piece(child.text or "", bold, italic, link)
            elif tag in (_TAB, _PTAB):
                yield _Piece(" ", bold, italic, link)
            elif tag in (_BR, _CR):
                yield _Piece("\n", bold, italic, link)
            elif tag == _NO_BREAK_HYPHEN:
                yield _Piece("-", bold, italic, link)
            elif tag in _DRAWINGS:
                self._count_left_out(child)
            elif tag == _ALTERNATE_CONTENT:
                # A drawing written twice, for new and for old readers: counted once, from the first choice.
                choices = list(child)
                if choices:
                    for drawing in choices[0]:
                        self._count_left_out(drawing)

    def _count_left_out(self, drawing: BaseOxmlElement) -> None:
        if next(drawing.iter(_TEXT_BOX_CONTENT), None) is not None:
            self.text_boxes += 1
        else:
            self.images += 1

    def _formatting(self, r: BaseOxmlElement) -> tuple[bool, bool]:
        """Bold and italic, set on the run or by its character style ("Strong", "Emphasis")."""
        style_ids = _find(r, "./w:rPr/w:rStyle/@w:val")
        style_bold, style_italic = self._character_style(style_ids[0]) if style_ids else (False, False)
        bold = _switch(r, "w:b")
        italic = _switch(r, "w:i")
        return (style_bold if bold is None else bold), (style_italic if italic is None else italic)

    def _character_style(self, style_id: str) -> tuple[bool, bool]:
        if style_id not in self.character_styles:
            bold = italic = None
            for style in _style_chain(self.part.get_style(style_id, WD_STYLE_TYPE.CHARACTER)):
                font = getattr(style, "font", None)
                if font is not None:
                    bold = font.bold if bold is None else bold
                    italic = font.italic if italic is None else italic
            self.character_styles[style_id] = (bool(bold), bool(italic))
        return self.character_styles[style_id]

    def _link_target(self, hyperlink: BaseOxmlElement) -> str:
        """The web or mail address a link points to; "" for a link inside the document or anywhere else."""
        rel_id = hyperlink.get(qn("r:id"))
        rel = self.part.rels.get(rel_id) if rel_id else None
        if rel is None or not rel.is_external:
            return ""
        target = rel.target_ref.strip()
        return target if target.lower().startswith(_LINK_SCHEMES) else ""

    # -- Tables ----------------------------------------------------------------------------------

    def _table(self, tbl: BaseOxmlElement) -> str:
        rows: list[list[str]] = []
        for tr in tbl.iterchildren(_TR):
            cells: list[str] = []
            for tc in tr.iterchildren(_TC):
                span = min(_number(_find(tc, "./w:tcPr/w:gridSpan/@w:val"), 1), _MAX_COLUMNS)
                merges = _find(tc, "./w:tcPr/w:vMerge")
                continues_above = bool(merges) and merges[0].get(qn("w:val"), "continue") == "continue"
                cells.append("" if continues_above else self._cell_text(tc))
                cells.extend([""] * (span - 1))
            rows.append(cells[:_MAX_COLUMNS])
        if not any(any(row) for row in rows):
            return ""
        width = max(len(row) for row in rows)
        lines = ["| " + " | ".join(row + [""] * (width - len(row))) + " |" for row in rows]
        lines.insert(1, "|" + " --- |" * width)
        return "\n".join(lines)

    def _cell_text(self, tc: BaseOxmlElement) -> str:
        # A table row is one line of Markdown: a line break in a cell becomes a space.
        texts = (_markdown_text(self._pieces(p)).replace("\\\n", " ") for p in _cell_paragraphs(tc))
        return " ".join(text for text in texts if text).replace("|", "\\|")


def _is_bare_section_label(chunk: str) -> bool:
    """Whether a heading or paragraph is only a section word and its number: "Capitolul I", "**Article 3**"."""
    numbered = numbered_line(unbold(chunk.lstrip("#").strip()))
    return numbered is not None and numbered.after_section_word and not numbered.text.strip()


def _body_blocks(container: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
    """The paragraphs and tables of the body in order, inside content controls too, but not a table of contents."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            gallery = _find(child, "./w:sdtPr/w:docPartObj/w:docPartGallery/@w:val")
            if gallery and gallery[0].lower().startswith("table of contents"):
                continue
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _body_blocks(content)
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _body_blocks(child)


def _cell_paragraphs(container: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
    """The paragraphs of a table cell, those of the tables inside it included."""
    for block in _body_blocks(container):
        if block.tag == _P:
            yield block
        else:
            for tr in block.iterchildren(_TR):
                for tc in tr.iterchildren(_TC):
                    yield from _cell_paragraphs(tc)


def _facts_of(style: BaseStyle | None) -> _StyleFacts:
    heading_level = None
    table_of_contents = False
    numbering = None
    nested_list_level = 0
    for depth, ancestor in enumerate(_style_chain(style)):
        name = (ancestor.name or "").lower()
        if depth == 0:
            table_of_contents = _TABLE_OF_CONTENTS_STYLE.fullmatch(name) is not None
            nested = _NESTED_LIST_STYLE.fullmatch(name)
            nested_list_level = int(nested[1]) - 1 if nested else 0
        if heading_level is None:
            heading = _HEADING_STYLE.fullmatch(name)
            outline = _number(_find(ancestor.element, "./w:pPr/w:outlineLvl/@w:val"))
            if name == "title":
                heading_level = TITLE_LEVEL
            elif heading:
                heading_level = int(heading[1])
            elif outline is not None and outline < 9:
                heading_level = outline + 1
        if numbering is None:
            num_ids = _find(ancestor.element, "./w:pPr/w:numPr/w:numId/@w:val")
            if num_ids:
                numbering = (num_ids[0], _number(_find(ancestor.element, "./w:pPr/w:numPr/w:ilvl/@w:val"), 0))
    return _StyleFacts(heading_level, table_of_contents, numbering, nested_list_level)


def _style_chain(style: BaseStyle | None) -> Iterator[BaseStyle]:
    """The style and those it is based on, nearest first; a loop of "based on" is followed ten steps at most."""
    for _step in range(10):
        if style is None:
            return
        yield style
        style = getattr(style, "base_style", None)  # character and paragraph styles have one


def _read_numbering(numbering: BaseOxmlElement, part: DocumentPart) -> _Numbering:
    """Each list's level formats: a list (w:num) takes its levels from an abstract definition (w:abstractNum),
    which may point to a numbering style that points to another list (w:numStyleLink), and may restart a level."""
    abstract_levels: dict[str, dict[int, _ListFormat]] = {}
    style_links: dict[str, str] = {}
    for abstract in numbering.iterchildren(qn("w:abstractNum")):
        abstract_id = abstract.get(qn("w:abstractNumId"), "")
        levels: dict[int, _ListFormat] = {}
        for lvl in abstract.iterchildren(qn("w:lvl")):
            level = _number([lvl.get(qn("w:ilvl"), "0")])
            formats = _find(lvl, "./w:numFmt/@w:val")
            if level is not None:
                levels[level] = _ListFormat(
                    ordered=(formats[0] if formats else "decimal") not in ("bullet", "none"),
                    start=_number(_find(lvl, "./w:start/@w:val"), 1),
                )
        abstract_levels[abstract_id] = levels
        links = _find(abstract, "./w:numStyleLink/@w:val")
        if links:
            style_links[abstract_id] = links[0]
    lists = {num.get(qn("w:numId"), ""): num for num in numbering.iterchildren(qn("w:num"))}
    result = _Numbering()
    for num_id, num in lists.items():
        levels = _abstract_levels_of(num, lists, abstract_levels, style_links, part)
        for level, list_format in levels.items():
            overrides = _find(num, "./w:lvlOverride[@w:ilvl=$level]/w:startOverride/@w:val", level=str(level))
            start = _number(overrides, list_format.start)
            result.formats[(num_id, level)] = _ListFormat(list_format.ordered, start)
    return result


def _abstract_levels_of(
    num: BaseOxmlElement,
    lists: dict[str, BaseOxmlElement],
    abstract_levels: dict[str, dict[int, _ListFormat]],
    style_links: dict[str, str],
    part: DocumentPart,
) -> dict[int, _ListFormat]:
    """The levels of a list's abstract definition, following a link through a numbering style (twice at most)."""
    for _step in range(3):
        abstract_ids = _find(num, "./w:abstractNumId/@w:val")
        abstract_id = abstract_ids[0] if abstract_ids else ""
        if abstract_id not in style_links:
            return abstract_levels.get(abstract_id, {})
        style = part.get_style(style_links[abstract_id], WD_STYLE_TYPE.LIST)
        linked = _find(style.element, "./w:pPr/w:numPr/w:numId/@w:val") if style is not None else []
        if not linked or linked[0] not in lists:
            return abstract_levels.get(abstract_id, {})
        num = lists[linked[0]]
    return {}


@functools.cache
def _compiled(path: str) -> etree.XPath:
    return etree.XPath(path, namespaces=nsmap)


def _find(element: BaseOxmlElement, path: str, **variables: str) -> list[Any]:
    """The elements or attribute values `path` finds under `element` (namespaces "w:", "r:" and the like)."""
    return list(_compiled(path)(element, **variables))


@overload
def _number(values: list[Any]) -> int | None: ...
@overload
def _number(values: list[Any], default: int) -> int: ...
def _number(values: list[Any], default: int | None = None) -> int | None:
    """The first of `values` as a number, when it is one written in at most four ASCII digits; else `default`."""
    if values and isinstance(values[0], str) and _SMALL_NUMBER.fullmatch(values[0]):
        return int(values[0])
    return default


def _switch(r: BaseOxmlElement, tag: str) -> bool | None:
    """A run's on/off property (bold "w:b", italic "w:i"): True, False, or None when the run does not set it."""
    values = _find(r, "./w:rPr/" + tag)
    if not values:
        return None
    return values[0].get(qn("w:val"), "true").lower() not in _FALSE


def _plain_text(pieces: Iterator[_Piece]) -> str:
    return "".join(piece.text for piece in pieces)


def _markdown_text(pieces: Iterator[_Piece]) -> str:
    """A paragraph's text with its bold, italic and links in Markdown; line breaks kept as hard breaks.

    Word cuts a paragraph into runs at will (a spelling check, an edit), so runs of one formatting are
    joined first; spaces at the edges of bold or italic text go outside the markers, where Markdown
    needs them.
    """
    groups: list[_Piece] = []
    for piece in pieces:
        if groups and (groups[-1].bold, groups[-1].italic, groups[-1].link) == (piece.bold, piece.italic, piece.link):
            groups[-1].text += piece.text
        else:
            groups.append(_Piece(piece.text, piece.bold, piece.italic, piece.link))
    lines = "".join(_formatted(group) for group in groups).split("\n")
    lines = [" ".join(line.split()) for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    # A backslash at the end of a line is CommonMark's hard line break.
    return "\\\n".join(line for line in lines if line)


def _formatted(piece: _Piece) -> str:
    marker = ("**" if piece.bold else "") + ("_" if piece.italic else "")
    text = "\n".join(_wrapped(line, marker) for line in piece.text.split("\n"))
    if piece.link and text.strip():
        return f"[{text.strip()}]({piece.link.replace(' ', '%20').replace(')', '%29')})"
    return text


def _wrapped(text: str, marker: str) -> str:
    core = text.strip()
    if not marker or not core:
        return text
    leading = text[: len(text) - len(text.lstrip())]
    trailing = text[len(text.rstrip()) :]
    return f"{leading}{marker}{core}{marker[::-1]}{trailing}"
