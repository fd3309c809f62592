from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Department


class PreferredLanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(label=_("Language of the portal and its emails"), choices=settings.LANGUAGES)


class StaffFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("All departments")
    )
