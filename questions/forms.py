from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AskForm(forms.Form):
    text = forms.CharField(
        label=_("Your question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the people who answer questions about this code see it, unless they publish the answer."),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    publish_as_faq = forms.BooleanField(
        label=_("Publish as a frequently asked question under this section"),
        required=False,
        help_text=_("Everyone who reads this version sees the question and the answer, without the asker's name."),
    )
    consider_in_next_version = forms.BooleanField(
        label=_("Consider in the next version"),
        required=False,
        help_text=_("The author of the document's next draft sees the question beside that section."),
    )
