"""Search matches marked in text that people typed: the text is escaped first, then marked.

Nothing here ever marks user text safe as it is. A headline from the database arrives with
private-use characters around each match; it is escaped as a whole and only then are those
characters turned into ``<mark>``. The result goes through nh3 with ``mark`` as the only tag, so
even a stray marker character typed into a section cannot leave an element open.
"""

from __future__ import annotations

import html
import re

import nh3

# Private-use code points: ts_headline puts them around matches, and no one types them.
MATCH_START = "\ue000"
MATCH_END = "\ue001"
# How much of the text around the first match the fallback shows, in characters each side.
CONTEXT_CHARS = 80


def marked_html(headline: str) -> str:
    """HTML for a headline whose matches are wrapped in MATCH_START … MATCH_END: escaped text, matches in <mark>."""
    escaped = html.escape(headline).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
    return nh3.clean(escaped, tags={"mark"}, attributes={})


def query_words(query: str) -> list[str]:
    """The words of a query, for matching without a search engine (SQLite)."""
    return [word for word in query.split() if word]


def excerpt_around_matches(text: str, words: list[str], *, context: int = CONTEXT_CHARS) -> str:
    """The part of `text` around the first of `words`, every occurrence of them marked (see marked_html).

    The fallback for databases without ts_headline: case-insensitive substrings, as `icontains` matched them.
    """
    if not words:
        return ""
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    first = pattern.search(text)
    start = max((first.start() if first else 0) - context, 0)
    end = min((first.end() if first else 0) + context, len(text))
    excerpt = text[start:end]
    marked = pattern.sub(lambda match: f"{MATCH_START}{match.group(0)}{MATCH_END}", excerpt)
    return marked_html(("…" if start else "") + marked + ("…" if end < len(text) else ""))
