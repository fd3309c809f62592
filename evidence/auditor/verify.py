"""Verify a Conduct Portal evidence pack: `python verify.py` in the pack's folder (or `python verify.py FOLDER`).

Needs Python 3.9 or later and nothing else: the standard library, and chain_format.py beside this file,
which is the very module the portal hashes its signature records with. It checks, in this order:

1. every text in versions.csv: its SHA-256 is the content hash the version (or translation) was published with;
2. every record in signatures.csv: its record hash, recomputed from its fields, is the one it carries, and
   the text it says was read is one of its version's texts in the pack;
3. chain.csv: each record links to the one before it (its previous hash is that record's hash), every record
   chain.csv marks as in the pack is in signatures.csv with that very hash, and the chain ends at the chain
   head of head.json;
4. every file the manifest lists is there with its SHA-256, and no other file is.

Exits 0 when every check passes, 1 at the first problem, which it names (file, line, record).
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.dont_write_bytecode = True  # leave the pack's folder as it was: no __pycache__ beside the files
# chain_format.py is beside this file: found however Python was started (python -I leaves the folder out).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from chain_format import hash_of_row  # noqa: E402

# A record's texts (the statement agreed to, a browser's description) may be longer than csv's default limit.
csv.field_size_limit(2**31 - 1)

MANIFEST, VERSIONS, SIGNATURES, CHAIN, HEAD = (
    "manifest.json",
    "versions.csv",
    "signatures.csv",
    "chain.csv",
    "head.json",
)
CHUNK = 1024 * 1024


class Problem(Exception):
    """What is wrong with the pack, said for the person who runs the check."""


def _rows(folder: Path, name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) of a CSV file of the pack, a row at a time."""
    path = folder / name
    if not path.is_file():
        raise Problem(f"{name} is missing")
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        for row in reader:
            if None in row or None in row.values():
                raise Problem(f"{name} line {reader.line_num}: it has not the columns of the header")
            yield reader.line_num, row


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_versions(folder: Path) -> dict[str, set[str]]:
    """The content hashes of each version's texts, each text checked against its hash."""
    texts: dict[str, set[str]] = {}
    for line, row in _rows(folder, VERSIONS):
        path = folder / row["text"]
        if not path.is_file():
            raise Problem(f"{row['text']} is missing ({VERSIONS} line {line} lists it)")
        if _sha256(path) != row["content_hash"]:
            raise Problem(
                f"{row['text']}: its SHA-256 is not the content hash {row['content_hash']} that version "
                f"{row['version_id']} ({row['language']}) was published with ({VERSIONS} line {line})"
            )
        texts.setdefault(row["version_id"], set()).add(row["content_hash"])
    return texts


def _records(folder: Path, texts: dict[str, set[str]]) -> Iterator[tuple[int, int, dict[str, str]]]:
    """(line, sequence, row) of signatures.csv in sequence order, each record's hash recomputed."""
    last = None
    for line, row in _rows(folder, SIGNATURES):
        where = f"{SIGNATURES} line {line}"
        try:
            sequence = int(row["sequence"])
            recomputed = hash_of_row(row)
        except (KeyError, ValueError) as error:
            raise Problem(f"{where}: the record cannot be read ({error})") from None
        if last is not None and sequence <= last:
            raise Problem(f"{where}: record #{sequence} comes after record #{last}: not in sequence order")
        if recomputed != row["record_hash"]:
            raise Problem(f"{where}: record #{sequence}: its fields no longer match its record hash (it was edited)")
        if row["content_hash"] not in texts.get(row["version_id"], set()):
            raise Problem(
                f"{where}: record #{sequence}: the text it records as read ({row['content_hash']}) is none of "
                f"version {row['version_id']}'s texts in {VERSIONS}"
            )
        last = sequence
        yield line, sequence, row


def check_chain(
    folder: Path, texts: dict[str, set[str]], head: dict[str, Any], pack: dict[str, Any]
) -> tuple[int, int]:
    """Check signatures.csv and chain.csv together, each read once in sequence order; (records, links) checked.
    The manifest says where the chain starts and how many records are in the pack: a record cut from the start
    of both files breaks no link."""
    records = _records(folder, texts)
    pending = next(records, None)
    checked = links = 0
    previous: tuple[int, str] | None = None
    for line, row in _rows(folder, CHAIN):
        where = f"{CHAIN} line {line}"
        try:
            sequence = int(row["sequence"])
        except ValueError:
            raise Problem(f"{where}: {row['sequence']!r} is not a record's sequence number") from None
        if previous is None and sequence != pack.get("chain_from"):
            raise Problem(f"{CHAIN}: it starts with record #{sequence}, not with record #{pack.get('chain_from')}")
        if previous is not None:
            if sequence <= previous[0]:
                raise Problem(f"{where}: record #{sequence} comes after record #{previous[0]}: not in sequence order")
            if row["previous_hash"] != previous[1]:
                raise Problem(
                    f"{where}: record #{sequence} does not link to record #{previous[0]} before it: a record "
                    "between them was removed, or one of them was changed"
                )
            links += 1
        if row["in_pack"] == "yes":
            if pending is None or pending[1] > sequence:
                raise Problem(f"{SIGNATURES}: record #{sequence} is missing ({where} lists it in the pack)")
            if pending[1] < sequence:
                raise Problem(
                    f"{SIGNATURES} line {pending[0]}: record #{pending[1]} is not one of the chain's records in the "
                    f"pack ({CHAIN})"
                )
            if pending[2]["record_hash"] != row["record_hash"]:
                raise Problem(
                    f"{SIGNATURES} line {pending[0]}: record #{sequence}: its record hash is not the chain's ({where})"
                )
            checked += 1
            pending = next(records, None)
        previous = (sequence, row["record_hash"])
    if pending is not None:
        raise Problem(
            f"{SIGNATURES} line {pending[0]}: record #{pending[1]} is not one of the chain's records in the pack "
            f"({CHAIN})"
        )
    if previous is None and pack.get("chain_from") is not None:
        raise Problem(f"{CHAIN}: it is empty, but the pack's chain starts with record #{pack.get('chain_from')}")
    if checked != pack.get("signatures"):
        raise Problem(f"{SIGNATURES}: it holds {checked} records, but {MANIFEST} counts {pack.get('signatures')}")
    if previous is not None and (previous[0], previous[1]) != (head.get("head_sequence"), head.get("head_hash")):
        raise Problem(
            f"{CHAIN}: it ends with record #{previous[0]}, not with the chain head #{head.get('head_sequence')} "
            f"of {HEAD}"
        )
    return checked, links


def check_files(folder: Path, manifest: dict[str, Any]) -> int:
    """Every file the manifest lists has its SHA-256, and there is no other."""
    files: dict[str, Any] = manifest.get("files", {})
    for name, listed in sorted(files.items()):
        path = folder / name
        if not path.is_file():
            raise Problem(f"{name} is missing ({MANIFEST} lists it)")
        if _sha256(path) != listed.get("sha256"):
            raise Problem(f"{name}: its SHA-256 is not the one {MANIFEST} gives: the file was changed")
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != MANIFEST and "__pycache__" not in path.parts and name not in files:
            raise Problem(f"{name}: {MANIFEST} does not list it: it was added to the pack")
    return len(files)


def _json(folder: Path, name: str) -> dict[str, Any]:
    try:
        content = json.loads((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise Problem(f"{name} is missing") from None
    except ValueError as error:
        raise Problem(f"{name} cannot be read: {error}") from None
    if not isinstance(content, dict):
        raise Problem(f"{name} cannot be read: it is not a JSON object")
    return content


def verify(folder: Path) -> list[str]:
    """Every check, in order; what was checked, or the first Problem."""
    manifest = _json(folder, MANIFEST)
    head = _json(folder, HEAD)
    pack = manifest.get("pack", {})
    texts = check_versions(folder)
    records, links = check_chain(folder, texts, head, pack)
    files = check_files(folder, manifest)
    period = pack.get("period", {})
    return [
        f"Evidence pack {pack.get('id')}, {period.get('start')} to {period.get('end')}",
        f"texts: {sum(len(hashes) for hashes in texts.values())} match their content hashes",
        f"signatures: {records} records match their hashes and the chain",
        f"chain: {links} links checked, up to the head #{head.get('head_sequence')} {head.get('head_hash')}",
        f"files: {files} match {MANIFEST}",
        f"{MANIFEST} SHA-256: {_sha256(folder / MANIFEST)} (compare it with the one the portal shows for this pack)",
    ]


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    try:
        lines = verify(folder)
    except Problem as problem:
        print(f"FAILED: {problem}")
        return 1
    print("\n".join(lines))
    print("OK: the pack is intact")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
