"""What the training page tests share: the pages' addresses, what a refusal says, and how to read a page,
its messages and an export."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
from django.utils import timezone
from django.utils.html import escape

MINE = "/training/"
COURSES = "/training/courses/"
TEAM = "/training/team/"
STATUS = "/training/status/"

REFUSED = "You may not open this page"
NOT_FOUND = "There is nothing here"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def page_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def shows(response, *texts: str) -> bool:
    """Whether the page shows each text (escaped, as the template writes it)."""
    page = page_of(response)
    return all(escape(text) in page for text in texts)


def csv_of(response) -> list[list[str]]:
    """The rows of a CSV export, its header first."""
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content, newline="")))


def xlsx_of(response) -> list[tuple]:
    """The rows of an XLSX export, its header first."""
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    try:
        return list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()
        response.close()
