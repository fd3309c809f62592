from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Longer than any phrase worth searching for, short enough to keep a query cheap.
MAX_QUERY_CHARS = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY_CHARS,
        error_messages={
            "required": _("Type a word or two to search for."),
            "max_length": ngettext_lazy(
                "A search can be at most %(limit_value)d character long (this one has %(show_value)d).",
                "A search can be at most %(limit_value)d characters long (this one has %(show_value)d).",
                "limit_value",
            ),
        },
    )
