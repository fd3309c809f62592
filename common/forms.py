"""Form widgets the apps share."""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """A browser's date picker, given its date in ISO (2027-03-09): the only format a picker reads.

    Django writes a date the person's way (07.03.2027 in Romanian), which a picker shows as an empty
    field: a proposed or saved date would vanish. What the person sees is the picker's own display."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
