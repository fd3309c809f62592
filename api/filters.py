"""Filters for the API's filtersets that refuse what they cannot read (400 `validation_error`), where
django-filter's own would quietly ignore it and return every row."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

TRUE_VALUES = {"true", "1"}
FALSE_VALUES = {"false", "0"}


class StrictBooleanField(forms.Field):
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value: Any) -> bool | None:
        # Absent, the filter does nothing; present but empty (`?name=`), it is neither true nor false.
        if value is None:
            return None
        text = str(value).lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    """`?name=true` or `?name=false` (1 and 0 too); anything else is refused."""

    field_class = StrictBooleanField


class FilterSet(django_filters.FilterSet):
    """A filterset that refuses a parameter given empty (`?due_before=`) unless it is text: an empty date,
    number or choice is none, and django-filter would ignore it and list everything."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            empty = self.data.get(name) == "" and not isinstance(filter_, django_filters.CharFilter)
            if empty and name not in self.form.errors:
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
        return valid and not self.form.errors


# The largest id PostgreSQL's bigint holds: a larger one names no row.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row's id (`?version=12`): a whole number; django-filter's NumberFilter would take 1.5 too."""

    field_class = IdField


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, read in UTC: the database refuses offsets beyond ±15:59 that ISO allows."""

    default_error_messages = {"out_of_range": _("This moment is out of range.")}

    def to_python(self, value: Any) -> datetime.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(datetime.UTC)
        except OverflowError as overflow:
            raise forms.ValidationError(self.error_messages["out_of_range"], code="out_of_range") from overflow


class MomentFilter(django_filters.IsoDateTimeFilter):
    """`?signed_after=2026-12-01T09:00:00+02:00`: an ISO 8601 moment with its offset (naive: the
    organisation's time zone)."""

    field_class = UtcDateTimeField
