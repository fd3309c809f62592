from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput

from .models import TokenScope

# What the form proposes: long enough for a script, short enough to be renewed knowingly.
DEFAULT_LIFETIME_DAYS = 90


def expiry_moment(day: datetime.date) -> datetime.datetime:
    """A token valid "until" a day works through that whole day, in the organisation's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("What will use it, e.g. the GRC tool or a nightly export.")
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("Either way the token can do only what you may do yourself."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        help_text=_("At most a year from today. It stops working at the end of that day."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + datetime.timedelta(days=DEFAULT_LIFETIME_DAYS)
        self.fields["expires_on"].widget.attrs.update(
            min=today.isoformat(), max=(today + datetime.timedelta(days=365)).isoformat()
        )

    def clean_expires_on(self) -> datetime.date:
        day: datetime.date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if day > today + datetime.timedelta(days=365):
            raise forms.ValidationError(_("A token may live at most a year: choose an earlier day."))
        return day
