"""Word files made in the tests: real .docx files written with python-docx, and the bad files an import
must refuse, built byte by byte (a zip bomb, a .docm, an encrypted OLE file, an XML bomb)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable

import docx
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.text.paragraph import Paragraph

from codes.importing.parser import ParsedFile, ParsedSection, parse_code_file

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCUMENT_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Integrity</w:t></w:r></w:p></w:body></w:document>"
)
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10 if level > 1 else "&lol;" * 10}">' for level in range(1, 10)
    )
    + "]>"
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
).encode()


def word_file(build: Callable[[Document], object]) -> bytes:
    """The bytes of a .docx that `build` writes into a new python-docx document."""
    document = docx.Document()
    build(document)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def parse_word(build: Callable[[Document], object]) -> ParsedFile:
    return parse_code_file(word_file(build), filename="code.docx")


def sections_of(build: Callable[[Document], object]) -> list[ParsedSection]:
    return parse_word(build).sections


def png() -> bytes:
    """A one-pixel PNG, enough for python-docx to place a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8 bits, RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + (chunk(b"IEND", b""))
    )


def add_picture(document: Document) -> None:
    document.add_picture(io.BytesIO(png()))


def add_run_xml(paragraph: Paragraph, inner: str) -> None:
    """Append a run holding `inner` (raw WordprocessingML) to a paragraph."""
    add_element(paragraph, f"<w:r>{inner}</w:r>")


def add_element(paragraph: Paragraph, xml: str) -> None:
    """Append an element written in raw WordprocessingML (the namespaces w and r declared here) to a paragraph."""
    paragraph._p.append(parse_xml(_with_namespaces(xml)))


def _with_namespaces(xml: str) -> str:
    return re.sub(r"^<([\w:]+)", rf"<\1 {nsdecls('w', 'r')}", xml, count=1)


def insert_block(document: Document, xml: str, *, at: int = 0) -> None:
    """Insert a block written in raw WordprocessingML (a paragraph, a content control) into the body at `at`."""
    document.element.body.insert(at, parse_xml(_with_namespaces(xml)))


def add_link(paragraph: Paragraph, text: str, url: str) -> None:
    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    add_element(paragraph, f'<w:hyperlink r:id="{rel_id}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>')


def zip_file(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return stream.getvalue()


def content_types(main: str = WORD_MAIN, *extra: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>' + "".join(extra) + "</Types>"
    ).encode()


def word_package(extra: dict[str, bytes] | None = None, *, types: bytes | None = None) -> bytes:
    """A minimal Word package, [Content_Types].xml (`types`) and word/document.xml, with `extra` parts."""
    entries = {"[Content_Types].xml": types or content_types(), "word/document.xml": DOCUMENT_XML}
    return zip_file(entries | (extra or {}))


def ole_file(*stream_names: str) -> bytes:
    """The start of an OLE compound file whose directory names `stream_names` (as OLE writes them, in UTF-16)."""
    directory = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in stream_names)
    return OLE_SIGNATURE + b"\x00" * 504 + directory


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    """The Word file `data` with its part `name` replaced by `content`."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        entries = {entry.filename: package.read(entry) for entry in package.infolist()}
    return zip_file(entries | {name: content})


def with_encrypted_entries(data: bytes) -> bytes:
    """A zip whose central directory says its entries are encrypted (general purpose flag, bit 0)."""
    patched = bytearray(data)
    position = patched.find(b"PK\x01\x02")
    while position != -1:
        patched[position + 8] |= 0x1
        position = patched.find(b"PK\x01\x02", position + 4)
    return bytes(patched)


def _real() -> bytes:
    return word_file(lambda document: document.add_heading("Privacy", 1))


def _template() -> bytes:
    real = _real()
    with zipfile.ZipFile(io.BytesIO(real)) as package:
        types = package.read("[Content_Types].xml")
    template = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    return replace_part(real, "[Content_Types].xml", types.replace(WORD_MAIN.encode(), template.encode()))


# The bad files an import must refuse, each made when asked: file name, bytes, and what the refusal says.
BAD_WORD_FILES: dict[str, Callable[[], tuple[str, bytes, str]]] = {
    # Django's file field says "The submitted file is empty."; the command says "The file is empty: …".
    "empty": lambda: ("code.docx", b"", "file is empty"),
    "renamed text": lambda: (
        "code.docx",
        "Codul de conduită\n\n1. Integritate\n".encode(),
        "The file is not a real Word document (.docx): it was probably renamed from another kind of file",
    ),
    "renamed PDF": lambda: (
        "code.docx",
        b"%PDF-1.7\n1 0 obj\n",
        "The file is not a real Word document (.docx): it was probably renamed from another kind of file",
    ),
    "zip without a document": lambda: (
        "code.docx",
        zip_file({"notes.txt": b"hello"}),
        "The file is packed like a Word file (a ZIP archive) but is not a Word document (.docx)",
    ),
    "spreadsheet": lambda: (
        "book.docx",
        zip_file({"[Content_Types].xml": content_types(), "xl/workbook.xml": b"<workbook/>"}),
        "The file is packed like a Word file (a ZIP archive) but is not a Word document (.docx)",
    ),
    "template": lambda: (
        "code.docx",
        _template(),
        "The file is packed like a Word file (a ZIP archive) but is not a Word document (.docx)",
    ),
    "encrypted": lambda: (
        "code.docx",
        ole_file("EncryptionInfo", "EncryptedPackage"),
        "The Word file is protected by a password, so it cannot be read: save it without one",
    ),
    "zip with encrypted entries": lambda: (
        "code.docx",
        with_encrypted_entries(_real()),
        "The Word file is protected by a password, so it cannot be read: save it without one",
    ),
    "Word 97-2003": lambda: (
        "code.doc",
        ole_file("WordDocument", "1Table"),
        "The file is an older Word 97-2003 document (.doc)",
    ),
    "macro-enabled, renamed .docx": lambda: (
        "code.docx",
        word_package(types=content_types(MACRO_MAIN)),
        "The file is a macro-enabled Word document (.docm).",
    ),
    "macro project": lambda: (
        "code.docm",
        word_package({"word/vbaProject.bin": b"\x00" * 64}),
        "The file is a macro-enabled Word document (.docm).",
    ),
    "zip bomb": lambda: (
        "code.docx",
        word_package({"word/document.xml": b"0" * 20_000_000}),
        "it may be a “zip bomb” built to exhaust the server, so it was not opened.",
    ),
    "too many parts": lambda: (
        "code.docx",
        word_package({f"word/media/image{number}.png": b"" for number in range(1_000)}),
        "The Word file holds 1,002 parts, and a document has at most 1,000",
    ),
    "XML bomb": lambda: (
        "code.docx",
        word_package({"word/document.xml": BILLION_LAUGHS}),
        "The Word file holds an XML document type declaration (in word/document.xml)",
    ),
    "damaged": lambda: (
        "code.docx",
        _real()[:-200],
        "The Word file is damaged and cannot be read.",
    ),
}
