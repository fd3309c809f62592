"""Every XLSX export is a table a person can work with: typed cells (dates as dates, numbers as
numbers), a bold header that stays in view, filters over the table and columns as wide as their content."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from xlsxwriter import Workbook

from common.spreadsheets import WORKBOOK_OPTIONS, CellKind, write_xlsx

HEADER = ["Name", "Version", "Due date", "Signed at", "Score"]
KINDS = [CellKind.TEXT, CellKind.NUMBER, CellKind.DATE, CellKind.MOMENT, CellKind.NUMBER]
ROWS = [
    ["Ana Popescu-Ionescu", "3", "2027-03-09", "2027-03-01T14:05:09+02:00", "87.5"],
    ["Ion", "12", "", "", ""],
]


def workbook(rows=ROWS, **options) -> openpyxl.Workbook:
    destination = io.BytesIO()
    write_xlsx(HEADER, rows, destination, sheet_title="People", kinds=KINDS, **options)
    destination.seek(0)
    return openpyxl.load_workbook(destination)


def test_dates_and_moments_are_written_as_dates_with_a_format() -> None:
    sheet = workbook()["People"]

    assert sheet["C2"].value == datetime.datetime(2027, 3, 9)
    assert sheet["C2"].is_date
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value == datetime.datetime(2027, 3, 1, 14, 5, 9)
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_numbers_are_written_as_numbers() -> None:
    sheet = workbook()["People"]

    assert sheet["B2"].value == 3
    assert sheet["B3"].value == 12
    assert sheet["E2"].value == 87.5
    assert sheet["B2"].data_type == "n"


def test_text_stays_text_and_an_empty_cell_stays_empty() -> None:
    sheet = workbook()["People"]

    assert sheet["A2"].value == "Ana Popescu-Ionescu"
    assert sheet["A2"].data_type == "s"
    assert [sheet[f"{column}3"].value for column in "CDE"] == [None, None, None]


def test_figures_computed_in_python_stay_numbers_without_kinds() -> None:
    destination = io.BytesIO()
    write_xlsx(["Department", "Signed", "Percent"], [["Support", 4, Decimal("66.7")]], destination, sheet_title="F")
    destination.seek(0)
    sheet = openpyxl.load_workbook(destination)["F"]

    assert [cell.value for cell in sheet[2]] == ["Support", 4, 66.7]


def test_the_header_is_bold_and_frozen_with_filters_over_the_table() -> None:
    sheet = workbook()["People"]

    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"


def test_columns_are_as_wide_as_their_content() -> None:
    sheet = workbook()["People"]
    width = {column: sheet.column_dimensions[column].width for column in "ABCDE"}

    assert width["A"] >= len("Ana Popescu-Ionescu")
    assert width["C"] >= len("2027-03-09")
    assert width["D"] >= len("2027-03-01 14:05:09")
    assert width["B"] >= len("Version")
    assert width["B"] < width["A"]


def test_a_very_long_cell_does_not_make_its_column_wider_than_a_screen() -> None:
    sheet = workbook([["x" * 500, "1", "", "", ""]])["People"]

    assert sheet.column_dimensions["A"].width < 61  # XlsxWriter adds its padding to the 60 characters


@pytest.mark.parametrize("sheet_title", ["People", "People 2"])
def test_each_sheet_of_a_long_export_has_its_own_header_filters_and_widths(sheet_title: str) -> None:
    sheet = workbook([*ROWS, *ROWS], sheet_rows=3)[sheet_title]

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width >= len("Ana Popescu-Ionescu")


def numbers_written(destination: io.BytesIO) -> list[str]:
    """The numbers of a workbook's first sheet, as its XML writes them."""
    return re.findall(r"<v>([^<]*)</v>", zipfile.ZipFile(destination).read("xl/worksheets/sheet1.xml").decode())


# Every day of Excel's first two years (its 29 February 1900 that never was, and 1 March 1900, from which the
# export computes the number itself), and moments to the second across two centuries.
DAYS = [datetime.date(1899, 12, 31) + datetime.timedelta(days=n) for n in range(800)]
MOMENTS = [datetime.datetime(1899, 12, 31) + datetime.timedelta(seconds=n * 91 * 86_399 + n % 7) for n in range(800)]


@pytest.mark.parametrize(("kind", "values"), [(CellKind.DATE, DAYS), (CellKind.MOMENT, MOMENTS)])
def test_dates_and_moments_are_the_very_numbers_xlsxwriter_writes_for_them(kind: CellKind, values: list) -> None:
    texts = [value.isoformat() + ("+02:00" if kind is CellKind.MOMENT else "") for value in values]
    exported = io.BytesIO()
    write_xlsx(["When"], [[text] for text in texts], exported, sheet_title="S", kinds=[kind])
    alone = io.BytesIO()
    book = Workbook(alone, WORKBOOK_OPTIONS)
    sheet = book.add_worksheet()
    for row, value in enumerate(values, start=1):
        sheet.write_datetime(row, 0, value)
    book.close()

    assert numbers_written(exported) == numbers_written(alone)
