"""No cell of an export is ever run as a formula: whatever the reader's list separator, in Python's
CSV and PostgreSQL's COPY alike, and in the XLSX, as LibreOffice opens them."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import TextField, Value

from acknowledgements.exports import COLUMNS, EXPORT
from acknowledgements.models import AcknowledgementRequest
from acknowledgements.services import requests_create_for_version
from common import spreadsheets
from common.spreadsheets import neutralised
from common.tests.test_spreadsheets import CORPUS, starts_a_formula
from people.models import Department
from people.tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


def test_the_database_neutralises_exactly_as_python_does() -> None:
    department = Department.objects.create(name="Support", code="SUP")
    values = Department.objects.filter(pk=department.pk).values_list(
        *(neutralised(Value(typed, output_field=TextField())) for typed in CORPUS)
    )

    assert list(values.get()) == list(CORPUS.values())


@pytest.fixture
def corpus_export(published):
    """Everyone asked to sign version 1, among them one person per name of the corpus."""
    for typed in CORPUS:
        StaffProfileFactory(user__first_name=typed, user__last_name="")
    requests_create_for_version(version=published)
    return AcknowledgementRequest.objects.all()


def csv_writers() -> list[bool]:
    """Which writers to try: COPY only exists on PostgreSQL."""
    return [False, True] if connection.vendor == "postgresql" else [False]


def exported_csv(requests, *, copy: bool) -> str:
    rows = EXPORT.query(requests)  # the very query the CSV download runs
    header = [str(column) for column in COLUMNS]
    response = spreadsheets.csv_response(header, rows, filename="export.csv", copy=copy)
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("copy", csv_writers())
def test_every_csv_field_is_quoted(corpus_export, copy: bool) -> None:
    content = exported_csv(corpus_export, copy=copy)
    rows = list(csv.reader(io.StringIO(content, newline="")))
    requoted = io.StringIO()
    csv.writer(requoted, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rows)

    assert content == requoted.getvalue()


@pytest.mark.parametrize("copy", csv_writers())
def test_read_with_commas_each_name_is_one_cell_neutralised(corpus_export, copy: bool) -> None:
    rows = list(csv.reader(io.StringIO(exported_csv(corpus_export, copy=copy), newline="")))
    names = {row[1] for row in rows[1:]}

    assert all(len(row) == len(COLUMNS) for row in rows)
    assert {written for typed, written in CORPUS.items() if typed} <= names
    assert not [cell for row in rows for cell in row if starts_a_formula(cell)]


@pytest.mark.parametrize("copy", csv_writers())
def test_read_with_semicolons_no_cell_is_a_formula(corpus_export, copy: bool) -> None:
    content = exported_csv(corpus_export, copy=copy)

    cells = [cell for row in csv.reader(io.StringIO(content, newline=""), delimiter=";") for cell in row]
    naive_cells = [cell for line in content.splitlines() for cell in re.split("[;,\t]", line)]

    assert "=1+1" in content  # the attempts are there…
    assert not [cell for cell in cells if starts_a_formula(cell)]  # …but none begins a cell
    assert not [cell for cell in naive_cells if starts_a_formula(cell)]


def test_the_copy_and_python_csv_are_the_same_bytes(corpus_export) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")

    assert exported_csv(corpus_export, copy=True) == exported_csv(corpus_export, copy=False)


# ---------------------------------------------------------------------------
# As LibreOffice Calc opens them
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """Converts a file with LibreOffice, headless, in a profile of its own; returns the flat ODS XML."""
    program = shutil.which("soffice")
    if program is None:
        pytest.skip(
            "LibreOffice is not installed, so the exports cannot be opened as a spreadsheet would: "
            "sudo apt-get install libreoffice-calc-nogui"
        )
    profile = tmp_path_factory.mktemp("libreoffice-profile")

    def convert(source: Path, *, import_filter: str | None = None) -> str:
        out = source.parent / "converted"
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        if import_filter:
            command.append(f"--infilter={import_filter}")
        command += ["--convert-to", "fods", "--outdir", str(out), str(source)]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        return (out / f"{source.stem}.fods").read_text()

    return convert


def csv_import_filter(separator: str) -> str:
    # Separator, text delimiter ("), UTF-8, from line 1, default formats, default language, quoted
    # fields not forced to text, special numbers detected, three export-only options, and the
    # 13th, "evaluate formulas", on: the most trusting way to open a CSV.
    return f"CSV:{ord(separator)},34,76,1,,0,false,true,false,false,false,-1,true"


def cell_texts(flat_ods: str) -> list[str]:
    return re.findall(r"<text:p>([^<]*)</text:p>", flat_ods)


@pytest.mark.parametrize("separator", [",", ";"])
def test_libreoffice_opens_the_csv_without_a_formula(corpus_export, soffice, tmp_path, separator: str) -> None:
    source = tmp_path / "export.csv"
    source.write_text(exported_csv(corpus_export, copy=connection.vendor == "postgresql"), encoding="utf-8-sig")

    flat_ods = soffice(source, import_filter=csv_import_filter(separator))

    assert "Ștefan Țăranu" in "".join(cell_texts(flat_ods))  # it was read, in UTF-8
    assert "table:formula=" not in flat_ods


def test_libreoffice_opens_the_xlsx_without_a_formula(corpus_export, soffice, tmp_path) -> None:
    source = tmp_path / "export.xlsx"
    with source.open("wb") as destination:
        EXPORT.write_xlsx(corpus_export, destination)

    flat_ods = soffice(source)

    assert "Ștefan Țăranu" in cell_texts(flat_ods)
    assert "table:formula=" not in flat_ods
