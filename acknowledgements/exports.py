"""Exports of acknowledgement requests as CSV and XLSX, for compliance reports and auditors.

This module knows the columns, each a database expression that gives the text of a cell, already
neutralised against formula injection (see `common.spreadsheets`, which writes them). The
caller passes a queryset that is already filtered and scoped to what the viewer may see; this
module only formats it, in the list's order.
"""

from __future__ import annotations

from django.db.models import Expression, GenericIPAddressField, QuerySet, TextField, Value, When
from django.db.models.functions import Concat
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common import spreadsheets
from common.spreadsheets import CellKind, choice_label, local_iso_time, neutralise, neutralised, text
from people.selectors import full_name

from . import chain_format
from .chain import UtcText
from .chain_format import COMMITTED_FIELDS, FIELDS, KIOSK_FIELDS
from .models import AcknowledgementRequest, RequestStatus, Signature, SigningMethod
from .selectors import (
    FIGURES,
    PERCENT_RULE,
    by_version_and_department,
    request_list,
    totals,
    with_reading_evidence,
)

COLUMNS = [
    _("Employee id"),
    _("Name"),
    _("Department"),
    _("Manager"),
    _("Document"),
    _("Version"),
    _("Status"),
    _("Due date"),
    _("Signed at"),
    _("Typed name"),
    _("IP address"),
    _("Language read"),
    _("Content hash"),
    _("Record hash"),
    _("First opened"),
    _("Seconds on the text"),
    _("Sections displayed"),
    _("Reached the end"),
    _("Signed how"),
    _("Witness"),
    _("Device"),
]


def _cells() -> list[Expression]:
    """One expression per column, in the active language; times in the organisation's time zone.

    Text that people typed is neutralised; the other cells are numbers, dates, addresses, hashes and
    our own labels, which never begin with a formula's character."""
    overdue = When(AcknowledgementRequest.overdue_q(), then=Value(gettext("Overdue")))
    return [
        neutralised(text("person__employee_id")),
        neutralised(text(full_name("person"))),
        neutralised(text("person__department__name")),
        neutralised(text(full_name("person__manager"))),
        neutralised(text("version__document__title")),
        text("version__number"),
        choice_label("status", RequestStatus.choices, first=[overdue]),
        text("due_date"),
        local_iso_time("signature__signed_at"),
        neutralised(text("signature__typed_name")),
        text(spreadsheets.HostAddress("signature__ip_address")),
        text("signature__language"),
        text("signature__content_hash"),
        text("signature__record_hash"),
        # The reading evidence, as the receipt shows it (see selectors.with_reading_evidence).
        local_iso_time("first_opened_at"),
        text("reading_seconds"),
        Concat(text("sections_displayed"), Value("/"), text("sections_total"), output_field=TextField()),
        local_iso_time("reached_end_at"),
        # How it was signed: in the portal, or at a kiosk before a witness, on a device (empty until signed).
        choice_label("signature__method", SigningMethod.choices),
        neutralised(text(full_name("signature__witness"))),
        neutralised(text("signature__device")),
    ]


TEXT, NUMBER, DATE, MOMENT = CellKind.TEXT, CellKind.NUMBER, CellKind.DATE, CellKind.MOMENT
KINDS = [
    *(TEXT, TEXT, TEXT, TEXT, TEXT, NUMBER, TEXT, DATE, MOMENT, TEXT, TEXT, TEXT, TEXT, TEXT),
    *(MOMENT, NUMBER, TEXT, MOMENT),  # the reading evidence
    *(TEXT, TEXT, TEXT),  # how it was signed
]


def _listed(requests: QuerySet[AcknowledgementRequest]) -> QuerySet[AcknowledgementRequest]:
    return with_reading_evidence(request_list(requests))


EXPORT = spreadsheets.Export(columns=COLUMNS, cells=_cells, listed=_listed, sheet_title="Acknowledgements", kinds=KINDS)


# ---------------------------------------------------------------------------
# The figures: each version's counts in each department, every state its own column
# ---------------------------------------------------------------------------

FIGURE_COLUMNS = [
    _("Document"),
    _("Version"),
    _("Department"),
    _("Asked"),
    _("Signed"),
    _("Waived"),
    _("Replaced before signing"),
    _("Withdrawn"),
    _("Left"),
    _("Pending"),
    _("Of which overdue"),
    PERCENT_RULE,
]


def figure_rows(requests: QuerySet[AcknowledgementRequest]) -> list[list[spreadsheets.Cell]]:
    """The figures export's rows, from the one counting selector, and a last row for all of them.

    Figures stay numbers, so a spreadsheet adds them up; the CSV writes them as text.
    """

    def cells(row: dict) -> list[spreadsheets.Cell]:
        percent = "" if row["percent_signed"] is None else row["percent_signed"]
        return [*(row[name] for name in FIGURES), percent]

    rows = [
        [
            neutralise(row["version__document__title"]),
            row["version__number"],
            neutralise(row["person__department__name"]),
            *cells(row),
        ]
        for row in by_version_and_department(requests)
    ]
    return [*rows, [gettext("All"), "", "", *cells(totals(requests))]]


def figures_csv(requests: QuerySet[AcknowledgementRequest], *, filename: str) -> StreamingHttpResponse:
    return spreadsheets.csv_response([str(c) for c in FIGURE_COLUMNS], figure_rows(requests), filename=filename)


def figures_xlsx(requests: QuerySet[AcknowledgementRequest], *, filename: str) -> FileResponse:
    return spreadsheets.xlsx_response(
        [str(c) for c in FIGURE_COLUMNS], figure_rows(requests), filename=filename, sheet_title="Figures"
    )


# ---------------------------------------------------------------------------
# Signature records in their hashed form, for machines (an evidence pack's signatures.csv)
# ---------------------------------------------------------------------------

# The hashed fields, in chain_format's order and under its names (a kiosk record's three more), then the personal
# values they commit to (shown, not proven: a leaver's are their pseudonym once their retention ended, and the hash
# still verifies), then what proves the record but is not hashed. chain_format.hash_of_row recomputes a row's
# record hash from exactly the hashed cells.
HASHED_RECORD_COLUMNS = (*FIELDS, *KIOSK_FIELDS, *COMMITTED_FIELDS, "record_hash", "record_mac", "language")


def _hashed_cell(name: str, kind: str = chain_format.TEXT) -> Expression:
    """A hashed field's cell as chain_format.hash_of_row reads it: moments in UTC with microseconds, an
    address without a netmask, nothing as an empty cell. Never neutralised: the hash covers the text as
    it is (which is why this file is not for spreadsheets)."""
    if kind in (chain_format.MOMENT, chain_format.OPTIONAL_MOMENT):
        return text(UtcText(name))
    if isinstance(Signature._meta.get_field(name), GenericIPAddressField):
        return text(spreadsheets.HostAddress(name))
    return text(name)


def hashed_records(signatures: QuerySet[Signature]) -> QuerySet:
    """The records as text cells of HASHED_RECORD_COLUMNS, in sequence order."""
    cells = [_hashed_cell(name, kind) for name, kind in {**FIELDS, **KIOSK_FIELDS}.items()]
    personal = [_hashed_cell(name) for name in COMMITTED_FIELDS]
    return signatures.order_by("sequence").values_list(*cells, *personal, "record_hash", "record_mac", "language")
