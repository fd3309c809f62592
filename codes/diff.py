"""Compare two versions of a code of conduct, section by section and word by word.

Pure Python on purpose: it works on anything that looks like a section (model
instances, rows parsed from an imported file, test doubles) and never touches
the database.

Sections are matched by their ``key``, which a section keeps when a draft is
copied from the previous version. Sections of the new version with a key the
old version does not know (a draft imported from a file gets fresh keys) are
then matched to the remaining old sections by title. Whatever is left over was
added or removed.

A word is letters and digits in any script (with the combining marks of a decomposed
letter); whitespace and every other character, punctuation and Markdown's markup, are
tokens of their own, so "customers." becoming "clients." marks the word and not the full
stop, and a comma added after a word marks only the comma.

The markup is HTML-escaped text with deletions in ``<del>`` and insertions in
``<ins>``; newlines stay newline characters, so the template shows it with
``white-space: pre-wrap``. The same changes are also kept as plain pieces of text
(``WordChange``), which the API gives to programs.

For people, ``diff_rendered`` compares the text as readers see it: both sides rendered by the
server's sanitiser (codes.markdown), then compared word by word with the markup's tags as tokens of
their own, and the result sanitised once more with ``ins`` and ``del`` allowed. Words come from
HTML that was escaped and sanitised already, and the only markup added is ``<ins>`` and ``<del>``,
so a section's text cannot inject markup through the comparison.
"""

from __future__ import annotations

import difflib
import html
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from .markdown import render_markdown, sanitise_html

__all__ = [
    "ChangeKind",
    "SectionChange",
    "SectionLike",
    "VersionDiff",
    "WordChange",
    "diff_rendered",
    "diff_summary",
    "diff_versions",
    "diff_words",
    "render_changes",
    "same_text",
    "word_changes",
]


class SectionLike(Protocol):
    key: Any
    position: int
    category: str
    title: str
    body: str


class ChangeKind(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


class WordChange(NamedTuple):
    """A piece of a compared text: either text both sides share (``unchanged``), or a change where
    ``deleted`` gave way to ``inserted`` (one of them may be empty). The old text is every piece's
    ``unchanged`` and ``deleted`` in order, the new text every piece's ``unchanged`` and ``inserted``."""

    unchanged: str = ""
    deleted: str = ""
    inserted: str = ""


@dataclass(frozen=True)
class SectionChange:
    kind: ChangeKind
    old: SectionLike | None
    new: SectionLike | None
    # The section exists in both versions but its order relative to the others changed.
    moved: bool
    title_changed: bool
    category_changed: bool
    # The title and the body (line endings normalised) piece by piece; see word_changes.
    title_changes: list[WordChange]
    body_changes: list[WordChange]

    @property
    def title_html(self) -> str:
        """Escaped text with <del>/<ins> markup; see diff_words."""
        return render_changes(self.title_changes)

    @property
    def body_html(self) -> str:
        return render_changes(self.body_changes)

    @property
    def body_rendered_html(self) -> str:
        """The body as readers see it, with the words that changed in <del>/<ins>; see diff_rendered."""
        old = _normalise_body(self.old.body) if self.old is not None else ""
        new = _normalise_body(self.new.body) if self.new is not None else ""
        return diff_rendered(old, new)


@dataclass(frozen=True)
class VersionDiff:
    # In the new version's order; a removed section follows the surviving section it followed in the old version.
    changes: list[SectionChange]

    @property
    def added(self) -> int:
        return self._count(ChangeKind.ADDED)

    @property
    def removed(self) -> int:
        return self._count(ChangeKind.REMOVED)

    @property
    def changed(self) -> int:
        return self._count(ChangeKind.CHANGED)

    @property
    def moved(self) -> int:
        return sum(1 for change in self.changes if change.moved)

    @property
    def has_changes(self) -> bool:
        return any(change.kind is not ChangeKind.UNCHANGED or change.moved for change in self.changes)

    def _count(self, kind: ChangeKind) -> int:
        return sum(1 for change in self.changes if change.kind is kind)


# --- word-level diff ---------------------------------------------------------

# A word: letters and digits in any script, with the combining marks of a letter written in two code points
# ("s" and U+0326 for "ș"), so that no change cuts a letter from its accent. The underscore is Markdown's.
_WORD = r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
# Words, runs of whitespace, and every other character (punctuation, Markdown's markup, symbols) on its own:
# a comma added after a word, or a full stop after a changed word, is marked alone and the word is not.
_TOKEN = re.compile(rf"{_WORD}|\s+|.", re.DOTALL)
# Lines, with long lines cut after each sentence: set aside first when they did not change.
_CHUNK = re.compile(r"[^\n]*?(?:\n|[.!?;](?= ))|[^\n]+")

# A run of text and what happened to it: (deleted, inserted, None) for a change, ("", "", text) for unchanged text.
_Segment = tuple[str, str, str | None]
_Opcode = tuple[str, int, int, int, int]


def _escape(text: str) -> str:
    return html.escape(text)


def _wrap(tag: str, text: str) -> str:
    """``text`` escaped inside ``<tag>``, or nothing at all: never an empty element."""
    return f"<{tag}>{_escape(text)}</{tag}>" if text else ""


def _common_ends(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """How many items ``a`` and ``b`` share at the start, and then at the end."""
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    limit -= prefix
    while suffix < limit and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def _opcodes(a: Sequence[str], b: Sequence[str], *, match_middle: bool = True) -> Iterator[_Opcode]:
    """Opcodes turning ``a`` into ``b``; the common ends (most of a typical edit) stay out of the matcher.

    Without ``match_middle`` whatever lies between the common ends is one replacement.
    """
    prefix, suffix = _common_ends(a, b)
    a_end, b_end = len(a) - suffix, len(b) - suffix
    if prefix:
        yield ("equal", 0, prefix, 0, prefix)
    if prefix < a_end or prefix < b_end:
        if match_middle:
            matcher = difflib.SequenceMatcher(None, a[prefix:a_end], b[prefix:b_end], autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                yield (tag, prefix + i1, prefix + i2, prefix + j1, prefix + j2)
        else:
            yield ("replace", prefix, a_end, prefix, b_end)
    if suffix:
        yield ("equal", a_end, len(a), b_end, len(b))


def _is_punctuation(token: str) -> bool:
    return len(token) == 1 and not token.isspace() and not token.isalnum()


def _slid(a: Sequence[str], b: Sequence[str], opcodes: Iterable[_Opcode]) -> list[_Opcode]:
    """The opcodes with each lone insertion or deletion moved right over the equal tokens that repeat its start,
    when that makes it end at punctuation.

    The common end is matched first, so a sentence added after the last one would read
    ``interrupt<ins>. Take notes</ins>.``; moved by one token it reads ``interrupt.<ins> Take notes.</ins>``.
    """
    ops = list(opcodes)
    slid: list[_Opcode] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        following = ops[index + 1] if index + 1 < len(ops) else None
        shift = 0
        if tag in ("insert", "delete") and following is not None and following[0] == "equal":
            tokens, start, end = (b, j1, j2) if tag == "insert" else (a, i1, i2)
            shift = _shift_to_punctuation(tokens, start, end, equal=following[2] - following[1])
        if following is not None and shift:
            # The tokens it moves over are equal on both sides: they come first, and the equal run after is shorter.
            slid.append(("equal", i1, i1 + shift, j1, j1 + shift))
            ops[index + 1] = ("equal", following[1] + shift, following[2], following[3] + shift, following[4])
            i1, i2, j1, j2 = i1 + shift, i2 + shift, j1 + shift, j2 + shift
        if tag != "equal" or i1 < i2:
            slid.append((tag, i1, i2, j1, j2))
    return slid


def _shift_to_punctuation(tokens: Sequence[str], start: int, end: int, *, equal: int) -> int:
    """How far to move the change ``tokens[start:end]`` right over the ``equal`` tokens after it: the furthest it can
    go (each token it passes repeats the one that leaves it) and still end at punctuation, or 0."""
    reach = 0
    while reach < equal and tokens[start + reach] == tokens[end + reach]:
        reach += 1
    return next((step for step in range(reach, 0, -1) if _is_punctuation(tokens[end + step - 1])), 0)


def _segments(a: Sequence[str], b: Sequence[str], opcodes: Iterable[_Opcode]) -> Iterator[_Segment]:
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            yield ("", "", "".join(a[i1:i2]))
        else:
            yield ("".join(a[i1:i2]), "".join(b[j1:j2]), None)


def _is_inline_space(token: str) -> bool:
    return token.isspace() and "\n" not in token


def _word_segments(old: str, new: str) -> Iterator[_Segment]:
    """Word by word: words and line breaks go through the matcher, the spaces between them follow.

    Matching lone spaces would be slow (every other token is one) and would chop
    a rewritten phrase into a word-by-word stutter, so they are left out of the
    matcher and only compared next to the words that matched.
    """
    a = _TOKEN.findall(old)
    b = _TOKEN.findall(new)
    a_items = [index for index, token in enumerate(a) if not _is_inline_space(token)]
    b_items = [index for index, token in enumerate(b) if not _is_inline_space(token)]
    anchors: list[tuple[int, int]] = []
    a_words, b_words = [a[index] for index in a_items], [b[index] for index in b_items]
    for tag, i1, i2, j1, j2 in _slid(a_words, b_words, _opcodes(a_words, b_words)):
        if tag == "equal":
            anchors.extend(zip(a_items[i1:i2], b_items[j1:j2], strict=True))
    anchors.append((len(a), len(b)))

    a_start = b_start = 0
    for a_anchor, b_anchor in anchors:
        a_gap, b_gap = a[a_start:a_anchor], b[b_start:b_anchor]
        yield from _segments(a_gap, b_gap, _opcodes(a_gap, b_gap, match_middle=False))
        if a_anchor < len(a):
            yield ("", "", a[a_anchor])
        a_start, b_start = a_anchor + 1, b_anchor + 1


def _merged(segments: Iterable[_Segment]) -> Iterator[WordChange]:
    """The segments as pieces: neighbouring changes become one, and so do neighbouring unchanged runs."""
    deleted: list[str] = []
    inserted: list[str] = []
    unchanged: list[str] = []

    def changed() -> Iterator[WordChange]:
        if any(deleted) or any(inserted):
            yield WordChange(deleted="".join(deleted), inserted="".join(inserted))
        deleted.clear()
        inserted.clear()

    def same() -> Iterator[WordChange]:
        if any(unchanged):
            yield WordChange(unchanged="".join(unchanged))
        unchanged.clear()

    for segment_deleted, segment_inserted, equal in segments:
        if equal is None:
            yield from same()
            deleted.append(segment_deleted)
            inserted.append(segment_inserted)
        else:
            yield from changed()
            unchanged.append(equal)
    yield from changed()
    yield from same()


def render_changes(changes: Iterable[WordChange]) -> str:
    """Escaped HTML; a change is ``<del>…</del><ins>…</ins>``, without empty elements."""
    return "".join(
        _escape(change.unchanged) + _wrap("del", change.deleted) + _wrap("ins", change.inserted) for change in changes
    )


def word_changes(old: str, new: str) -> list[WordChange]:
    """The word-level difference between two texts as pieces (see diff_words, which renders them)."""
    return list(_merged(_text_segments(old, new)))


def diff_words(old: str, new: str) -> str:
    """The word-level difference between two texts as escaped HTML with ``<del>`` and ``<ins>``.

    Words, the whitespace between them and each other character (punctuation,
    Markdown's markup) are tokens of their own, so every newline comes out where
    it was and a changed comma is marked without its word. Unchanged lines and sentences are set aside
    first (as ``git diff --word-diff`` does with lines), which keeps long texts
    fast; what changed is then compared word by word. A deletion next to an
    insertion is a replacement: ``<del>old</del><ins>new</ins>``.
    """
    return render_changes(word_changes(old, new))


def _text_segments(old: str, new: str) -> Iterator[_Segment]:
    a_chunks = _CHUNK.findall(old)
    b_chunks = _CHUNK.findall(new)
    for tag, i1, i2, j1, j2 in _opcodes(a_chunks, b_chunks):
        if tag == "equal":
            yield ("", "", "".join(a_chunks[i1:i2]))
        else:
            yield from _word_segments("".join(a_chunks[i1:i2]), "".join(b_chunks[j1:j2]))


def diff_summary(old: str, new: str, *, limit: int = 300) -> str:
    """Only what changed, as one line of plain text in ``git diff --word-diff``'s notation:
    ``[-removed-]{+added+}``, changes apart joined by `` … ``, cut at ``limit`` characters.

    Short enough for an audit event, so the log says what each edit did to the text.
    """
    changes = []
    for deleted, inserted, equal in _text_segments(old, new):
        if equal is not None:
            continue
        removed, added = " ".join(deleted.split()), " ".join(inserted.split())
        change = (f"[-{removed}-]" if removed else "") + (f"{{+{added}+}}" if added else "")
        if change:
            changes.append(change)
    summary = " … ".join(changes)
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"


# --- differences in rendered text ------------------------------------------------

# A tag (quoted attribute values may hold ">"), an escaped character ("&amp;": never cut in two), then the
# words, spaces and single characters of _TOKEN.
_HTML_TOKEN = re.compile(
    rf"""<(?:[^>"']|"[^"]*"|'[^']*')*>|&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);|{_TOKEN.pattern}""",
    re.DOTALL,
)
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
_VOID_TAGS = frozenset({"br", "hr"})
_MARK_TAGS = frozenset({"ins", "del"})


def _is_tag(token: str) -> bool:
    return token.startswith("<")


def _balanced(tokens: Sequence[str]) -> bool:
    """Whether the tags among `tokens` close what they open, in order: a whole element or several."""
    open_tags: list[str] = []
    for token in tokens:
        name = _TAG_NAME.match(token) if _is_tag(token) else None
        if name is None or name.group(1).lower() in _VOID_TAGS:
            continue
        if token.startswith("</"):
            if not open_tags or open_tags.pop() != name.group(1).lower():
                return False
        else:
            open_tags.append(name.group(1).lower())
    return not open_tags


def _marked(mark: str, tokens: Sequence[str], *, keep_tags: bool) -> str:
    """The words of `tokens` inside ``<mark>`` runs between their tags (kept or left out)."""
    out: list[str] = []
    words: list[str] = []

    def flush() -> None:
        text = "".join(words)
        out.append(f"<{mark}>{text}</{mark}>" if text.strip() else text)
        words.clear()

    for token in tokens:
        if _is_tag(token):
            flush()
            if keep_tags:
                out.append(token)
        else:
            words.append(token)
    flush()
    return "".join(out)


def _rendered_change(old: Sequence[str], new: Sequence[str]) -> str:
    """Old tokens given way to new ones. The new markup is kept, so the result reads as the new text does;
    the old markup only when it is whole (a removed paragraph stays a paragraph), else just its words."""
    return _marked("del", old, keep_tags=_balanced(old)) + _marked("ins", new, keep_tags=True)


def diff_rendered(old: str, new: str) -> str:
    """Two Markdown texts rendered and sanitised, compared word by word: sanitised HTML with <del>/<ins>.

    As diff_words does with lines, unchanged blocks (the renderer ends each with a newline) are set
    aside first, and only the blocks that changed are compared token by token.
    """
    old_html, new_html = render_markdown(old), render_markdown(new)
    if old_html == new_html:
        return new_html
    a_blocks, b_blocks = old_html.splitlines(keepends=True), new_html.splitlines(keepends=True)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in _opcodes(a_blocks, b_blocks):
        if tag == "equal":
            out.extend(a_blocks[i1:i2])
            continue
        a = _HTML_TOKEN.findall("".join(a_blocks[i1:i2]))
        b = _HTML_TOKEN.findall("".join(b_blocks[j1:j2]))
        for word_tag, k1, k2, l1, l2 in _slid(a, b, _opcodes(a, b)):
            out.append("".join(a[k1:k2]) if word_tag == "equal" else _rendered_change(a[k1:k2], b[l1:l2]))
    return sanitise_html("".join(out), extra_tags=_MARK_TAGS)


def same_text(old: Sequence[SectionLike], new: Sequence[SectionLike]) -> bool:
    """Whether two versions read the same: the same section titles and bodies in the same order.

    Line endings and trailing spaces are not text; a changed category or section identity
    alone is not a change a reader would notice either.
    """

    def text(sections: Sequence[SectionLike]) -> list[tuple[str, str]]:
        return [(" ".join(s.title.split()), _normalise_body(s.body).strip()) for s in sections]

    return text(old) == text(new)


# --- section matching --------------------------------------------------------


def _normalise_body(body: str) -> str:
    """Line endings unified and trailing whitespace dropped from every line."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _normalise_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def _key(section: SectionLike) -> str | None:
    """The key as text, so a UUID and its string form name the same section."""
    key = section.key
    return None if key is None or key == "" else str(key)


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Indexes into ``values`` of one longest strictly increasing subsequence (O(n log n))."""
    tails: list[int] = []  # the smallest tail value of an increasing run of each length
    tail_indexes: list[int] = []
    previous: list[int] = [-1] * len(values)
    for index, value in enumerate(values):
        length = bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_indexes.append(index)
        else:
            tails[length] = value
            tail_indexes[length] = index
        previous[index] = tail_indexes[length - 1] if length else -1
    result: set[int] = set()
    index = tail_indexes[-1] if tail_indexes else -1
    while index != -1:
        result.add(index)
        index = previous[index]
    return result


def _match(old: Sequence[SectionLike], new: Sequence[SectionLike]) -> dict[int, int]:
    """Map index in ``new`` to index in ``old`` for every section present in both."""
    old_by_key: dict[str, int] = {}
    for index, section in enumerate(old):
        key = _key(section)
        if key is not None:
            old_by_key.setdefault(key, index)

    matches: dict[int, int] = {}
    taken: set[int] = set()
    unmatched_new: list[int] = []
    for index, section in enumerate(new):
        key = _key(section)
        old_index = old_by_key.get(key) if key is not None else None
        if old_index is not None and old_index not in taken:
            matches[index] = old_index
            taken.add(old_index)
        else:
            unmatched_new.append(index)

    # Fresh keys (a draft imported from a file): fall back to the title, first come first served.
    old_by_title: dict[str, list[int]] = {}
    for index, section in enumerate(old):
        title = _normalise_title(section.title)
        if index not in taken and title:
            old_by_title.setdefault(title, []).append(index)
    for index in unmatched_new:
        candidates = old_by_title.get(_normalise_title(new[index].title))
        if candidates:
            matches[index] = candidates.pop(0)
    return matches


def _pair(old: SectionLike, new: SectionLike, moved: bool) -> SectionChange:
    old_body = _normalise_body(old.body)
    new_body = _normalise_body(new.body)
    title_changed = old.title != new.title
    category_changed = old.category != new.category
    if not title_changed and not category_changed and old_body == new_body:
        return SectionChange(
            kind=ChangeKind.UNCHANGED,
            old=old,
            new=new,
            moved=moved,
            title_changed=False,
            category_changed=False,
            title_changes=_unchanged(new.title),
            body_changes=_unchanged(new_body),
        )
    return SectionChange(
        kind=ChangeKind.CHANGED,
        old=old,
        new=new,
        moved=moved,
        title_changed=title_changed,
        category_changed=category_changed,
        title_changes=word_changes(old.title, new.title),
        body_changes=word_changes(old_body, new_body) if old_body != new_body else _unchanged(new_body),
    )


def _unchanged(text: str) -> list[WordChange]:
    return [WordChange(unchanged=text)] if text else []


def _one_sided(section: SectionLike, kind: ChangeKind) -> SectionChange:
    """An added section, all inside <ins>, or a removed one, all inside <del>."""
    added = kind == ChangeKind.ADDED

    def whole(text: str) -> list[WordChange]:
        if not text:
            return []
        return [WordChange(inserted=text) if added else WordChange(deleted=text)]

    return SectionChange(
        kind=kind,
        old=None if added else section,
        new=section if added else None,
        moved=False,
        title_changed=False,
        category_changed=False,
        title_changes=whole(section.title),
        body_changes=whole(_normalise_body(section.body)),
    )


def diff_versions(old: Sequence[SectionLike], new: Sequence[SectionLike]) -> VersionDiff:
    """Every section of both versions, compared: in the new order, removed ones where they stood."""
    old_sections = sorted(old, key=lambda section: section.position)
    new_sections = sorted(new, key=lambda section: section.position)
    matches = _match(old_sections, new_sections)

    # Moved: matched sections outside the longest run that kept its old relative order.
    matched_new = [index for index in range(len(new_sections)) if index in matches]
    kept = _longest_increasing([matches[index] for index in matched_new])
    moved = {new_index for position, new_index in enumerate(matched_new) if position not in kept}

    # A removed section follows the nearest surviving section before it in the old order (or opens the list).
    surviving = set(matches.values())
    removed_after: dict[int | None, list[int]] = {}
    anchor: int | None = None
    for index in range(len(old_sections)):
        if index in surviving:
            anchor = index
        else:
            removed_after.setdefault(anchor, []).append(index)

    changes = [_one_sided(old_sections[index], ChangeKind.REMOVED) for index in removed_after.get(None, [])]
    for index, section in enumerate(new_sections):
        old_index = matches.get(index)
        if old_index is None:
            changes.append(_one_sided(section, ChangeKind.ADDED))
            continue
        changes.append(_pair(old_sections[old_index], section, moved=index in moved))
        changes.extend(
            _one_sided(old_sections[removed], ChangeKind.REMOVED) for removed in removed_after.get(old_index, [])
        )
    return VersionDiff(changes=changes)
