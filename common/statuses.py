"""A status with a due date: when it is overdue, and how it is shown (one label and one badge colour,
"Overdue" before the rest)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, ClassVar

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

# A Bootstrap badge class: the colour a status is drawn in by `includes/status_badge.html`.
OVERDUE_TONE = "text-bg-danger"


class OverdueStatus:
    """For a model with a `status` and a `due_date`: it is overdue while its status is still
    `waiting_status` after its due date. `overdue_q` says so as a filter (the lists, figures and exports
    all use it), `is_overdue` of one row without a query; the label a person reads and the colour of its
    badge follow. `status_tones` gives each status its colour; a status not listed is drawn light."""

    waiting_status: ClassVar[str]
    status_tones: ClassVar[dict[str, str]] = {}

    if TYPE_CHECKING:
        status: str
        due_date: datetime.date

        def get_status_display(self) -> str: ...

    @classmethod
    def overdue_q(cls, *, on: datetime.date | None = None) -> Q:
        """Still waiting, and due before `on` (today by default)."""
        return Q(status=cls.waiting_status, due_date__lt=on or timezone.localdate())

    @property
    def is_overdue(self) -> bool:
        """`overdue_q` for this one row, without a query."""
        return self.status == self.waiting_status and self.due_date < timezone.localdate()

    @property
    def status_label(self) -> str:
        """The status a person reads: past its due date, it is "Overdue"."""
        return gettext("Overdue") if self.is_overdue else str(self.get_status_display())

    @property
    def status_tone(self) -> str:
        if self.is_overdue:
            return OVERDUE_TONE
        return self.status_tones.get(self.status, "text-bg-light border")
