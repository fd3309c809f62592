"""A Word file's package, checked before it is opened: only a real, harmless .docx gets to python-docx.

A .docx is a ZIP archive of XML parts. An upload named or shaped like a Word file is refused, with a
message the uploader can act on and before anything is saved, when it is

1. larger than CODES_MAX_WORD_FILE_BYTES;
2. an OLE compound file (the signature D0 CF 11 E0): a password-protected .docx (Word encrypts
   the whole package into one), or an older Word 97-2003 .doc;
3. not a ZIP archive at all: a PDF or a text file renamed .docx;
4. a ZIP archive whose directory cannot be read, or whose entries are encrypted (a password again);
5. costly to unpack, judged from the zip's directory alone, before any entry is unpacked: more than
   MAX_WORD_PARTS entries, more than CODES_MAX_WORD_UNPACKED_BYTES unpacked in all, or an entry of
   a megabyte or more that unpacks to more than MAX_WORD_COMPRESSION_RATIO times its packed size (a
   zip bomb). Reading an entry stops at the size the directory declares (zipfile's own rule), and
   an entry whose data does not match its checksum is refused as damaged;
6. a ZIP archive without word/document.xml and [Content_Types].xml: a spreadsheet, an OpenDocument
   text, any other archive;
7. macro-enabled (.docm, even renamed .docx): a macro-enabled content type in [Content_Types].xml,
   or a vbaProject.bin part;
8. holding an XML part with a document type declaration. Word never writes one, and it is how an
   "XML bomb" (billion laughs) or an external entity is declared. Only each XML part's prolog is
   read to look, up to its first element, so no entity is ever expanded;
9. refused by python-docx (a part it cannot read, a template rather than a document), here or
   while its text is read (a value the format does not allow; codes/importing/word.py).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

import docx
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from codes import limits
from codes.importing.decoding import ImportRefused

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# Files named like these are taken for Word files whatever they hold, so that a renamed PDF is told
# it is not a Word document rather than that it is not text.
WORD_SUFFIXES = (".docx", ".docm", ".dotx", ".dotm", ".doc")

# Names of the streams of an encrypted Office package inside its OLE file, as the OLE directory writes them.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_MACRO_PARTS = frozenset({"vbaproject.bin", "vbadata.xml"})
_CONTENT_TYPES = "[Content_Types].xml"
_MAIN_DOCUMENT = "word/document.xml"
# Reads [Content_Types].xml, once it is known to declare no document type: nothing is loaded or expanded.
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


def is_word_file(data: bytes, filename: str) -> bool:
    """Whether an upload is to be read as a Word file: by its content (a ZIP or OLE file) or by its name."""
    return data.startswith((ZIP_SIGNATURE, OLE_SIGNATURE)) or filename.lower().endswith(WORD_SUFFIXES)


def word_file_too_large(size: int) -> ImportRefused:
    limit = limits.max_word_file_bytes()
    return ImportRefused(
        ngettext(
            "The Word file is larger than the limit (%(size)s byte; the limit is %(limit)s bytes). "
            "Pictures make a Word file large and are not imported: remove them, or split the document, "
            "and upload it again.",
            "The Word file is larger than the limit (%(size)s bytes; the limit is %(limit)s bytes). "
            "Pictures make a Word file large and are not imported: remove them, or split the document, "
            "and upload it again.",
            size,
        )
        % {"size": f"{size:,}", "limit": f"{limit:,}"}
    )


def open_word_document(data: bytes) -> Document:
    """The python-docx document of an uploaded Word file; ImportRefused (rules of the module docstring) when
    it is not a real, harmless .docx."""
    if not data:
        raise ImportRefused(_("The file is empty: there is no text in it to import."))
    if len(data) > limits.max_word_file_bytes():
        raise word_file_too_large(len(data))
    if data.startswith(OLE_SIGNATURE):
        raise _ole_file_refusal(data)
    if not data.startswith(ZIP_SIGNATURE):
        raise ImportRefused(
            _(
                "The file is not a real Word document (.docx): it was probably renamed from another kind of file, "
                "such as a PDF or a text file. Open the original in its own program and save it as "
                "“Word Document (.docx)”, or upload a text file (.txt, .md) under its own name."
            )
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_package(package)
        return docx.Document(io.BytesIO(data))
    except ImportRefused:
        raise
    except (ValueError, PackageNotFoundError) as error:
        # python-docx's refusal of a package whose main part is not a Word document (a template, say).
        if "content type" in str(error):
            raise _not_a_word_document() from None
        raise word_file_damaged() from None
    except (zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, KeyError, EOFError, NotImplementedError):
        # A zip that cannot be read, a checksum that does not match, XML that is not well formed, a part
        # that is named but missing, a compression method that zipfile does not know.
        raise word_file_damaged() from None


def _check_package(package: zipfile.ZipFile) -> None:
    """Rules 4 to 8 of the module docstring, in that order."""
    entries = package.infolist()
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise _password_protected()  # the zip's own encryption, which Word never uses but other tools offer
    _refuse_costly_unpacking(entries)
    names = {entry.filename for entry in entries}
    if _MAIN_DOCUMENT not in names or _CONTENT_TYPES not in names:
        raise _not_a_word_document()
    content_types = _content_types(package)
    _refuse_macros(names, content_types)
    for entry in entries:
        if entry.filename != _CONTENT_TYPES and _is_xml_part(entry.filename, content_types):
            _refuse_a_document_type(entry.filename, package.read(entry))


def _refuse_costly_unpacking(entries: list[zipfile.ZipInfo]) -> None:
    """Rule 5: the zip's directory says what unpacking would cost; refuse before unpacking anything."""
    if len(entries) > limits.MAX_WORD_PARTS:
        raise ImportRefused(
            ngettext(
                "The Word file holds %(count)s parts, and a document has at most %(limit)s: it may be built to "
                "harm the server, so it was not opened. Save the document again in Word and upload the new file.",
                "The Word file holds %(count)s parts, and a document has at most %(limit)s: it may be built to "
                "harm the server, so it was not opened. Save the document again in Word and upload the new file.",
                len(entries),
            )
            % {"count": f"{len(entries):,}", "limit": f"{limits.MAX_WORD_PARTS:,}"}
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_word_unpacked_bytes():
        raise ImportRefused(
            ngettext(
                "The Word file would unpack to %(size)s byte, more than the limit of %(limit)s bytes, so it was "
                "not opened. Pictures take most of that room and are not imported: remove them, or split the "
                "document, and upload it again.",
                "The Word file would unpack to %(size)s bytes, more than the limit of %(limit)s bytes, so it was "
                "not opened. Pictures take most of that room and are not imported: remove them, or split the "
                "document, and upload it again.",
                unpacked,
            )
            % {"size": f"{unpacked:,}", "limit": f"{limits.max_word_unpacked_bytes():,}"}
        )
    for entry in entries:
        if entry.file_size < limits.WORD_RATIO_CHECKED_FROM_BYTES:
            continue
        ratio = entry.file_size // max(entry.compress_size, 1)
        if ratio > limits.MAX_WORD_COMPRESSION_RATIO:
            raise ImportRefused(
                ngettext(
                    "The Word file is packed far more tightly than Word packs its files (one part unpacks to "
                    "%(ratio)s time its packed size): it may be a “zip bomb” built to exhaust the server, so it "
                    "was not opened. Save the document again in Word and upload the new file.",
                    "The Word file is packed far more tightly than Word packs its files (one part unpacks to "
                    "%(ratio)s times its packed size): it may be a “zip bomb” built to exhaust the server, so it "
                    "was not opened. Save the document again in Word and upload the new file.",
                    ratio,
                )
                % {"ratio": f"{ratio:,}"}
            )


def _content_types(package: zipfile.ZipFile) -> dict[str, str]:
    """The content type of each part the package declares: by part name ("/word/document.xml"), and by
    extension (".xml") for the defaults."""
    data = package.read(_CONTENT_TYPES)
    _refuse_a_document_type(_CONTENT_TYPES, data)
    root = etree.fromstring(data, _SAFE_PARSER)
    types: dict[str, str] = {}
    for element in root:
        tag = etree.QName(element).localname
        content_type = (element.get("ContentType") or "").lower()
        if tag == "Default":
            types["." + (element.get("Extension") or "").lower()] = content_type
        elif tag == "Override":
            types[(element.get("PartName") or "").lower()] = content_type
    return types


def _content_type_of(name: str, content_types: dict[str, str]) -> str:
    lowered = name.lower()
    return content_types.get("/" + lowered) or content_types.get(posixpath.splitext(lowered)[1], "")


def _refuse_macros(names: set[str], content_types: dict[str, str]) -> None:
    """Rule 7: a package that declares macros, or holds their project, whatever the file is called."""
    macro_type = any("macroenabled" in value or "vbaproject" in value for value in content_types.values())
    macro_part = any(posixpath.basename(name).lower() in _MACRO_PARTS for name in names)
    if macro_type or macro_part:
        raise ImportRefused(
            _(
                "The file is a macro-enabled Word document (.docm). Files with macros are not accepted, because "
                "macros can run programs: save it in Word as “Word Document (.docx)”, which leaves the macros "
                "out, and upload that file."
            )
        )


def _is_xml_part(name: str, content_types: dict[str, str]) -> bool:
    """Whether python-docx may parse the part as XML: by its name, or by the content type declared for it
    (a picture in SVG is XML too, but is kept as bytes and never parsed)."""
    if name.lower().endswith((".xml", ".rels")):
        return True
    content_type = _content_type_of(name, content_types)
    return content_type.endswith("xml") and content_type != "image/svg+xml"


def _refuse_a_document_type(name: str, data: bytes) -> None:
    """Rule 8: refuse the part if its prolog declares a document type.

    Only the prolog is read: the parser stops at the first element, before any text could refer to an
    entity, so a billion laughs is seen declared and never expanded.
    """
    parser = etree.XMLParser(target=_Prolog(), resolve_entities=False, load_dtd=False, no_network=True)
    try:
        etree.fromstring(data, parser)
    except _PrologRead:
        return
    except _DocumentTypeDeclared:
        raise ImportRefused(
            _(
                "The Word file holds an XML document type declaration (in %(part)s), which Word never "
                "writes: it may be built to exhaust the server (an “XML bomb”), so it was not opened. "
                "Save the document again in Word and upload the new file."
            )
            % {"part": name}
        ) from None
    raise word_file_damaged()  # no element at all


class _DocumentTypeDeclared(Exception):
    pass


class _PrologRead(Exception):
    pass


class _Prolog:
    """An lxml parser target that reads a part up to its first element, and says whether it declares a type."""

    def doctype(self, name: str, public_id: str | None, system_url: str | None) -> None:
        raise _DocumentTypeDeclared

    def start(self, tag: str, attributes: object, namespaces: object = None) -> None:
        raise _PrologRead

    def end(self, tag: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def _ole_file_refusal(data: bytes) -> ImportRefused:
    """Rule 2: an encrypted .docx is an OLE file holding an "EncryptedPackage"; any other is an older format."""
    if _ENCRYPTED_PACKAGE in data:
        return _password_protected()
    return ImportRefused(
        _(
            "The file is an older Word 97-2003 document (.doc) or another older Office file, which cannot be "
            "read here. Open it in Word, save it as “Word Document (.docx)” and upload that file."
        )
    )


def _password_protected() -> ImportRefused:
    return ImportRefused(
        _(
            "The Word file is protected by a password, so it cannot be read: save it without one (in Word: "
            "File → Info → Protect Document → Encrypt with Password, then clear the password) and upload it again."
        )
    )


def _not_a_word_document() -> ImportRefused:
    return ImportRefused(
        _(
            "The file is packed like a Word file (a ZIP archive) but is not a Word document (.docx): it may be "
            "a spreadsheet, a presentation, a template or a file from another program. Open it in its program, "
            "save it as “Word Document (.docx)” and upload that file."
        )
    )


def word_file_damaged() -> ImportRefused:
    return ImportRefused(
        _(
            "The Word file is damaged and cannot be read. Open it in Word, save it again as "
            "“Word Document (.docx)” and upload the new file."
        )
    )
