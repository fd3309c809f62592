"""How much text one version may hold, decided here for the import, the editor and the services.

A version with a hundred thousand sections cannot be read, reviewed or signed, and its editor
would time out; so the number of sections and the length of each section's text are capped by
two settings, ``CODES_MAX_SECTIONS`` and ``CODES_MAX_SECTION_CHARS``. Every refusal states the
limit, so the person refused knows what to change.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import ngettext

from common.errors import InputRefused


class LimitExceeded(InputRefused):
    """A version would hold more sections, or a section more characters, than the settings allow."""


def max_sections() -> int:
    return int(settings.CODES_MAX_SECTIONS)


def max_section_chars() -> int:
    return int(settings.CODES_MAX_SECTION_CHARS)


def check_section_count(count: int) -> None:
    """Refuse a version of `count` sections when that is more than CODES_MAX_SECTIONS."""
    limit = max_sections()
    if count > limit:
        raise LimitExceeded(
            ngettext(
                "A version can have at most %(limit)s section, and this one would have %(count)s. "
                "Merge or remove sections, or split the text into separate documents.",
                "A version can have at most %(limit)s sections, and this one would have %(count)s. "
                "Merge or remove sections, or split the text into separate documents.",
                limit,
            )
            % {"limit": f"{limit:,}", "count": f"{count:,}"}
        )


def too_many_sections_in_file() -> LimitExceeded:
    """The refusal of a file found to hold more sections than allowed, before it is read to the end."""
    limit = max_sections()
    return LimitExceeded(
        ngettext(
            "The file has more headings than a version can have sections (at most %(limit)s section). "
            "Split it into several documents, or use fewer headings, and upload it again.",
            "The file has more headings than a version can have sections (at most %(limit)s sections). "
            "Split it into several documents, or use fewer headings, and upload it again.",
            limit,
        )
        % {"limit": f"{limit:,}"},
        field="file",
    )


def check_section_body(body: str, *, title: str = "") -> None:
    """Refuse a section text longer than CODES_MAX_SECTION_CHARS characters."""
    limit = max_section_chars()
    if len(body) > limit:
        if title:
            message = ngettext(
                "The section “%(title)s” has %(length)s characters; a section can have at most %(limit)s "
                "character. Split it into several sections.",
                "The section “%(title)s” has %(length)s characters; a section can have at most %(limit)s "
                "characters. Split it into several sections.",
                limit,
            )
        else:
            message = ngettext(
                "This text has %(length)s characters; a section can have at most %(limit)s character. "
                "Split it into several sections.",
                "This text has %(length)s characters; a section can have at most %(limit)s characters. "
                "Split it into several sections.",
                limit,
            )
        raise LimitExceeded(message % {"title": title, "length": f"{len(body):,}", "limit": f"{limit:,}"}, field="body")


# ---------------------------------------------------------------------------
# Word files
# ---------------------------------------------------------------------------

# A Word file (.docx) is a ZIP package of XML parts. The import judges what unpacking it would cost
# from the zip's directory, before anything is unpacked (codes/importing/word_package.py).
# A document has a few dozen parts, and each picture adds one.
MAX_WORD_PARTS = 1_000
# Word's own XML packs about 30 to 1 (its style sheet a little more); a zip bomb packs 1,000 to 1.
MAX_WORD_COMPRESSION_RATIO = 100
# A part smaller than this cannot do harm whatever its ratio, so the ratio is not asked of it.
WORD_RATIO_CHECKED_FROM_BYTES = 1_000_000


def max_word_file_bytes() -> int:
    """The largest Word file an import accepts, as uploaded (CODES_MAX_WORD_FILE_BYTES)."""
    return int(settings.CODES_MAX_WORD_FILE_BYTES)


def max_word_unpacked_bytes() -> int:
    """The most a Word file's parts may unpack to together (CODES_MAX_WORD_UNPACKED_BYTES)."""
    return int(settings.CODES_MAX_WORD_UNPACKED_BYTES)
