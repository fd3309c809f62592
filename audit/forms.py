from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.apps import apps
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput

from .actions import registered

# Dates outside this range cannot be turned into a time of day in every time zone.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(9998, 12, 31)


def _date_input() -> DateInput:
    return DateInput(attrs={"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()})


DATE_VALIDATORS = [MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)]


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The registered actions, grouped under the app that records them, groups and actions by label.

    From the registry, not from the events: a DISTINCT over millions of rows on every page view
    would cost more than the page, and an action nobody has taken yet is still worth offering.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in registered():
        groups.setdefault(_app_name(action.code), []).append((action.code, str(action.label)))
    return [(group, sorted(labelled, key=lambda choice: choice[1])) for group, labelled in sorted(groups.items())]


def _app_name(code: str) -> str:
    app_label = code.split(".", 1)[0]
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label


class EventFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Username or name")}),
    )
    object = forms.CharField(label=_("Object"), required=False, max_length=100)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input(), validators=DATE_VALIDATORS)
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input(), validators=DATE_VALIDATORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", _("All actions")), *action_choices()]

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error(None, _("The start date is after the end date."))
        return cleaned_data
