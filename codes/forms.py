from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput
from people.models import Department

from . import limits
from .importing.decoding import MAX_IMPORT_BYTES, ImportRefused
from .importing.parser import ParsedFile, check_upload_size, parse_code_file
from .models import (
    CodeDocument,
    CodeVersion,
    ComprehensionQuestion,
    QuestionKind,
    Section,
    SectionTranslation,
    VersionTranslation,
)


class DocumentForm(forms.ModelForm):
    class Meta:
        model = CodeDocument
        fields = ["title", "slug", "summary", "review_interval_months"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "slug": _("Used in the document's address; letters, digits and hyphens. Leave empty to derive it.")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk:
            # The address of a document never changes once it exists.
            del self.fields["slug"]


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the document retired?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the document's history, for example: replaced by the Staff Handbook, section 4."),
    )


class VersionDetailsForm(forms.ModelForm):
    class Meta:
        model = CodeVersion
        fields = ["title", "change_summary", "requires_every_section_displayed"]
        widgets = {"change_summary": forms.Textarea(attrs={"rows": 3})}


MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists starting with “- ”, links as [text](https://…).")


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["category", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        help_texts = {"body": MARKDOWN_HELP}

    def preview_with(self, url: str) -> None:
        """Have htmx post the text to `url` as the author types and show the rendering beside it.

        Without JavaScript nothing happens: the form saves as before."""
        self.fields["body"].widget.attrs.update(
            {
                "hx-post": url,
                "hx-trigger": "load, input changed delay:400ms",
                "hx-target": "#section-preview",
                "hx-include": "closest form",
                "hx-sync": "this:replace",
            }
        )

    def clean_body(self) -> str:
        return _body_within_limits(self.cleaned_data["body"])


def _body_within_limits(body: str) -> str:
    try:
        limits.check_section_body(body)
    except limits.LimitExceeded as error:
        raise forms.ValidationError(error.message) from None
    return body


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("The author sees this comment in the editor."),
    )


class PublishForm(forms.Form):
    effective_date = forms.DateField(label=_("Effective from"), widget=DateInput(), initial=timezone.localdate)
    applies_to_all_staff = forms.BooleanField(label=_("Applies to all staff"), required=False, initial=True)
    departments = forms.ModelMultipleChoiceField(
        label=_("Or only these departments (their sub-departments included)"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    days_to_acknowledge = forms.IntegerField(label=_("Days to acknowledge"), min_value=1, max_value=365, initial=14)
    is_major = forms.TypedChoiceField(
        label=_("Kind of change"),
        choices=[
            ("true", _("Major: everyone in the audience acknowledges again")),
            ("false", _("Minor: those who signed the previous version are not asked again")),
        ],
        coerce=lambda value: value == "true",
        initial="true",
        widget=forms.RadioSelect,
    )

    def clean_effective_date(self) -> Any:
        effective_date = self.cleaned_data["effective_date"]
        if effective_date < timezone.localdate():
            raise forms.ValidationError(_("The effective date cannot be in the past."))
        return effective_date

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not cleaned:
            return cleaned
        if not cleaned.get("applies_to_all_staff") and not cleaned.get("departments"):
            self.add_error("departments", _("Choose at least one department, or tick “Applies to all staff”."))
        elif cleaned.get("applies_to_all_staff") and cleaned.get("departments"):
            # Ticking both is a contradiction: guessing either audience would ask the wrong people.
            self.add_error(
                "departments",
                _("Untick “Applies to all staff” to publish to these departments only, or clear the departments."),
            )
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Word, text or Markdown file"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,.txt,.md,.markdown,text/plain,text/markdown,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Said here rather than on the field, so that it is in the reader's language and the current limit.
        self.fields["file"].help_text = _(
            "A Word document (.docx) of at most %(word_size)s MB, or plain text (.txt) or Markdown (.md) in UTF-8 "
            "of at most %(text_size)s MB. Headings start sections."
        ) % {"word_size": limits.max_word_file_bytes() // 1_000_000, "text_size": MAX_IMPORT_BYTES // 1_000_000}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # A file larger than any import takes is refused before it is read into memory.
        try:
            check_upload_size(upload.size, filename=upload.name)
        except ImportRefused as error:
            raise forms.ValidationError(error.message) from None
        return upload

    def parsed_file(self) -> ParsedFile | None:
        """The valid form's file read into sections (codes/importing/parser.py), or None when the import refuses
        it, with the reason as the file field's error. A draft and a translation are imported alike."""
        upload = self.cleaned_data["file"]
        try:
            return parse_code_file(upload.read(), filename=upload.name)
        except ImportRefused as error:
            self.add_error("file", error.message)
            return None


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("From version"), coerce=int)
    new = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, _("Version %(number)s") % {"number": n}) for n in numbers]
        for name in ("old", "new"):
            cast(forms.TypedChoiceField, self.fields[name]).choices = choices


# ---------------------------------------------------------------------------
# Translations
# ---------------------------------------------------------------------------


class TranslationStartForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Translate into"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        """`languages`: the (code, name) pairs the version may still be translated into."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["language"]).choices = languages


class TranslationTitleForm(forms.ModelForm):
    class Meta:
        model = VersionTranslation
        fields = ["title"]
        labels = {"title": _("Translated title")}


class TranslationSectionForm(forms.ModelForm):
    """One section of a translation, on its row of the side-by-side editor (each row's form has its own prefix,
    so that the fields' ids differ)."""

    class Meta:
        model = SectionTranslation
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"body": MARKDOWN_HELP}

    def clean_body(self) -> str:
        return _body_within_limits(self.cleaned_data["body"])


class TranslationChangesForm(RequestChangesForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = _("The translators see this comment in the editor.")


# How many answers the question form offers; blank ones are dropped.
QUESTION_OPTION_SLOTS = 5


class QuestionForm(forms.Form):
    """A comprehension question and its answers, as plain fields (works without JavaScript)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices, initial=QuestionKind.SINGLE)
    text = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    explanation = forms.CharField(
        label=_("Explanation shown after answering"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, question: ComprehensionQuestion | None = None, **kwargs: Any) -> None:
        unbound = (args[0] if args else kwargs.get("data")) is None
        if question is not None and unbound:
            initial: dict[str, object] = {
                "kind": question.kind,
                "text": question.text,
                "explanation": question.explanation,
            }
            for number, option in enumerate(question.options.all(), start=1):
                initial[f"option_{number}"], initial[f"right_{number}"] = option.text, option.is_correct
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for number in range(1, QUESTION_OPTION_SLOTS + 1):
            self.fields[f"option_{number}"] = forms.CharField(
                label=_("Answer %(number)s") % {"number": number}, max_length=500, required=False
            )
            self.fields[f"right_{number}"] = forms.BooleanField(
                label=_("Answer %(number)s is right") % {"number": number}, required=False
            )

    def question(self) -> dict[str, Any]:
        """The question as the services take it: kind, text, explanation and options."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "explanation": data["explanation"],
            "options": self.options(),
        }

    def options(self) -> list[tuple[str, bool]]:
        return [
            (self.cleaned_data[f"option_{number}"], self.cleaned_data[f"right_{number}"])
            for number in range(1, QUESTION_OPTION_SLOTS + 1)
        ]


class CheckSettingsForm(forms.ModelForm):
    class Meta:
        model = CodeVersion
        fields = ["pass_mark", "requires_pass"]
