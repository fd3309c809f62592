"""How a status with a due date is shown: one label and one badge colour, "Overdue" before the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.utils.translation import gettext

# A Bootstrap badge class: the colour a status is drawn in by `includes/status_badge.html`.
OVERDUE_TONE = "text-bg-danger"


class OverdueStatusDisplay:
    """For a model whose status can be overdue (`is_overdue`): the label a person reads and the colour
    of its badge. `status_tones` gives each status its colour; a status not listed is drawn light."""

    status_tones: ClassVar[dict[str, str]] = {}

    if TYPE_CHECKING:
        status: str

        @property
        def is_overdue(self) -> bool: ...

        def get_status_display(self) -> str: ...

    @property
    def status_label(self) -> str:
        """The status a person reads: past its due date, it is "Overdue"."""
        return gettext("Overdue") if self.is_overdue else str(self.get_status_display())

    @property
    def status_tone(self) -> str:
        if self.is_overdue:
            return OVERDUE_TONE
        return self.status_tones.get(self.status, "text-bg-light border")
