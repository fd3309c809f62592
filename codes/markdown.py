"""Turn a code-of-conduct section's Markdown body into HTML that is safe to show.

Two steps, on purpose:

1. markdown-it-py renders CommonMark (plus tables and strikethrough) with raw HTML switched off, so ``<script>``
   typed into a body comes out as escaped text, and with its own link validation, which refuses
   ``javascript:``, ``vbscript:`` and most ``data:`` URLs.
2. nh3 then sanitises that output against a short allow-list of tags, attributes and URL schemes.

The renderer alone is not a security boundary: its options can be changed, plugins can add raw HTML, and its link
check has exceptions (it lets ``data:image/...`` through for images, for one). nh3 is the boundary; rendering first
just means it only ever has to keep well-formed, expected markup.

Things the allow-list leaves out on purpose: images (an image's alt text goes with it), ``style`` (so table column
alignment, which markdown-it writes as inline style, is dropped), ``class``, ``id`` and every event handler.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "a",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Dropped together with everything inside them, rather than leaving their text behind.
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style"})

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def sanitise_html(html: str, *, extra_tags: frozenset[str] = frozenset()) -> str:
    """Keep only the allow-listed tags (and `extra_tags`, without attributes), attributes and URL schemes;
    give every link a safe ``rel``."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS | extra_tags),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown (CommonMark + tables + strikethrough) rendered to HTML that is safe to show: sanitised by nh3.

    Returns a plain ``str``; callers decide where to mark it safe.
    """
    return sanitise_html(_renderer.render(text))
