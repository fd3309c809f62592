"""Bytes to text: which uploads can be read at all, and the text they hold.

* A text file must be UTF-8 (a byte-order mark is accepted and dropped), at most ``MAX_IMPORT_BYTES``
  long, and text rather than a PDF, archive or image (a Word file is read by
  codes/importing/word_package.py and codes/importing/word.py instead). ``ImportRefused`` says which
  rule failed, in words the uploader can act on.
* Windows (``\\r\\n``) and old Mac (``\\r``) line endings become ``\\n``; a form feed (page break)
  becomes a line break.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.errors import DomainError

MAX_IMPORT_BYTES = 1_000_000

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

# Line breaks of every origin become "\n"; a page break is a line break.
_LINE_BREAKS = re.compile(r"\r\n?|[\f\v\x85\u2028\u2029]")
# Invisible control characters (and stray byte-order marks) carry no text.
_INVISIBLE = dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, 0xFEFF])


class ImportRefused(DomainError):
    """The uploaded file cannot be turned into sections; the message says why and what to do."""


def decode_upload(data: bytes) -> str:
    """The text of an upload, with "\\n" line breaks; ImportRefused when it cannot be read."""
    _refuse_what_is_not_utf8_text(data)
    start = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(data, offset=start + error.start) from None
    text = normalise_text(text)
    if not text.strip():
        raise ImportRefused(_("The file is empty: it contains only spaces and blank lines."))
    return text


def _refuse_what_is_not_utf8_text(data: bytes) -> None:
    """Refuse an empty or oversized file, UTF-16 text and binary files, before decoding anything."""
    if not data:
        raise ImportRefused(_("The file is empty: there is no text in it to import."))
    if len(data) > MAX_IMPORT_BYTES:
        raise text_file_too_large(len(data))
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
                "The file looks like a binary file (a PDF, a picture or an archive), which cannot be imported. "
                "Upload a Word document (.docx), or save the text as plain text or Markdown (.txt, .md) and upload "
                "that file."
            )
        )


def text_file_too_large(size: int) -> ImportRefused:
    return ImportRefused(
        ngettext(
            "The file is larger than 1 MB (%(size)s byte; the limit is %(limit)s bytes). "
            "Split it into smaller files, or remove pictures and attachments, and upload it again.",
            "The file is larger than 1 MB (%(size)s bytes; the limit is %(limit)s bytes). "
            "Split it into smaller files, or remove pictures and attachments, and upload it again.",
            size,
        )
        % {"size": f"{size:,}", "limit": f"{MAX_IMPORT_BYTES:,}"}
    )


def _not_utf8(data: bytes, *, offset: int) -> ImportRefused:
    """The refusal of a file that is not UTF-8, naming the first byte that cannot be read and its line."""
    line = normalise_text(data[:offset].decode("utf-8", errors="replace")).count("\n") + 1
    return ImportRefused(
        _(
            "The file is not valid UTF-8 text: the byte 0x%(byte)02X at byte offset %(offset)s "
            "(line %(line)s) cannot be read. It was probably saved in an older encoding such as "
            "Windows-1250 or Latin-1. The file must be saved as UTF-8: open it in an editor, "
            "save it with the encoding “UTF-8” and upload it again."
        )
        % {"byte": data[offset], "offset": offset, "line": line}
    )


def normalise_text(text: str) -> str:
    """The text with "\\n" line breaks of every origin, and without invisible control characters."""
    return _LINE_BREAKS.sub("\n", text).translate(_INVISIBLE)
