from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from codes.models import CodeTemplate


class TemplateSaveForm(forms.ModelForm):
    """What an administrator says about a published version saved as a template; its sections and language come
    from the version."""

    class Meta:
        model = CodeTemplate
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"description": _("Shown in the list of templates, to help people choose one.")}
