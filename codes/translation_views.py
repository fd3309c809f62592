"""Translating a version: the panel of its translations on the version page, the side-by-side editor (which is
also the reviewer's page), and the steps of a translation's workflow.

Only the people who follow versions through their workflow (who see drafts) open these pages; everyone else
reads a published translation where they read the version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, query_without_page
from common.permissions import missing_permission_message, permission_required
from common.views import attempt, safe_next

from . import selectors, services
from .access import get_version_for_user
from .forms import TranslationChangesForm, TranslationSectionForm, TranslationStartForm, TranslationTitleForm
from .models import CodeVersion, SectionTranslation, TranslationStatus, VersionStatus, VersionTranslation
from .selectors import Viewer

# Sections per page of the side-by-side editor, as in the version's own editor.
EDITOR_PAGE_SIZE = 25
# The editor's filter: ?only=untranslated lists the sections still to translate.
ONLY_UNTRANSLATED = "untranslated"
# A translation waits for its version's text to settle before it is sent for review (services.translation_submit).
SETTLED_STATUSES = (VersionStatus.APPROVED, VersionStatus.PUBLISHED)


def translation_url(translation: VersionTranslation, view: str = "translation_editor") -> str:
    version = translation.version
    return reverse(f"codes:{view}", args=[version.document.slug, version.number, translation.language])


def _version_url(version: CodeVersion) -> str:
    return reverse("codes:version_detail", args=[version.document.slug, version.number])


def _require_workflow_viewer(user: Viewer) -> None:
    """Translations in progress belong to the workflow: those who never see a draft read published translations
    where they read the version, and are refused here."""
    if not selectors.can_see_drafts(user):
        raise PermissionDenied(missing_permission_message("codes.view_codeversion"))


def get_translation_for_user(
    user: Viewer, slug: str, number: int, language: str, *, with_progress: bool = False
) -> VersionTranslation:
    """The translation of a version the person sees (404 otherwise) into `language` (404 when there is none);
    403 for those who do not follow the workflow."""
    version = get_version_for_user(user, slug, number)
    _require_workflow_viewer(user)
    translations = (
        selectors.translations_with_progress(version) if with_progress else selectors.translations_of(version)
    )
    translation = get_object_or_404(translations, language=language)
    translation.version = version  # with its document, loaded already
    return translation


# ---------------------------------------------------------------------------
# The panel on the version page
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TranslationPanel:
    # Each translation, with why the viewer may not approve it ("" when they may, or when it is not in review).
    rows: list[tuple[VersionTranslation, str]]
    start_form: TranslationStartForm | None
    version_settled: bool


def translation_panel(request: AuthenticatedHttpRequest, version: CodeVersion) -> TranslationPanel | None:
    """What the version page shows of the version's translations, for those who follow the workflow (None for
    the others: they cost no query). One query for the translations and their progress, and one per translation
    in review that the viewer might approve (there are at most as many as the portal has languages)."""
    user = request.user
    if not (user.has_perm("codes.view_versiontranslation") and selectors.can_see_drafts(user)):
        return None
    translations = list(selectors.translations_with_progress(version))
    approver = user.has_perm("codes.approve_versiontranslation")

    def refusal(translation: VersionTranslation) -> str:
        if approver and translation.status == TranslationStatus.IN_REVIEW:
            return services.translation_approval_refusal(translation, user)
        return ""

    start_form = None
    if user.has_perm("codes.add_versiontranslation") and version.status in services.TRANSLATABLE_STATUSES:
        taken = {version.language, *(each.language for each in translations)}
        languages = [(code, str(name)) for code, name in settings.LANGUAGES if code not in taken]
        if languages:
            start_form = TranslationStartForm(languages=languages, auto_id="id_translation_%s")
    rows = [(each, refusal(each)) for each in translations]
    return TranslationPanel(rows, start_form, version.status in SETTLED_STATUSES)


@require_POST
@permission_required("codes.add_versiontranslation")
def translation_start(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number)
    _require_workflow_viewer(request.user)
    form = TranslationStartForm(request.POST, languages=[(code, str(name)) for code, name in settings.LANGUAGES])
    if not form.is_valid():
        messages.error(request, _("Choose the language to translate the version into."))
        return redirect(_version_url(version))
    language = form.cleaned_data["language"]
    action = partial(services.translation_start, version=version, language=language, actor=request.user)
    name = dict(settings.LANGUAGES)[language]
    if not attempt(request, action, _("%(language)s translation started.") % {"language": name}):
        return redirect(_version_url(version))
    return redirect(reverse("codes:translation_editor", args=[slug, number, language]))


# ---------------------------------------------------------------------------
# The side-by-side editor, and the reviewer's page
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One section of the editor: the source on the left (`pair.section`), the translation on the right, with
    its form when the viewer may change it."""

    pair: SectionTranslation
    form: TranslationSectionForm | None


def _section_form(pair: SectionTranslation, data: Any = None) -> TranslationSectionForm:
    return TranslationSectionForm(data, instance=pair, prefix=f"section-{pair.pk}")


def _editor(
    request: AuthenticatedHttpRequest,
    translation: VersionTranslation,
    *,
    bound: TranslationSectionForm | None = None,
    title_form: TranslationTitleForm | None = None,
    changes_form: TranslationChangesForm | None = None,
) -> HttpResponse:
    """The side-by-side editor: forms for those who may change a draft, the text alone for everyone else, and
    the approval's buttons for a reviewer of a translation in review.

    A page of sections at a time, each row's source and translation read in one query, so the page's queries
    do not grow with the number of sections. `bound` is a section's form refused, shown with its errors.
    """
    user = request.user
    editable = translation.is_editable and user.has_perm("codes.change_versiontranslation")
    only_untranslated = request.GET.get("only") == ONLY_UNTRANSLATED
    pairs = selectors.translation_pairs(translation)
    if only_untranslated:
        pairs = pairs.filter(section__in=selectors.untranslated_sections(translation).values("pk"))
    page = paginate(request, pairs, per_page=EDITOR_PAGE_SIZE)
    rows = []
    for pair in page:
        form = None
        if bound is not None and bound.instance.pk == pair.pk:
            form = bound
        elif editable:
            form = _section_form(pair)
        rows.append(Row(pair, form))
    reviewing = translation.status == TranslationStatus.IN_REVIEW and user.has_perm("codes.approve_versiontranslation")
    version = translation.version
    context = {
        "translation": translation,
        "version": version,
        "document": version.document,
        "page": page,
        "rows": rows,
        "query": query_without_page(request),
        "here": request.GET.urlencode(),
        "only_untranslated": only_untranslated,
        "editable": editable,
        "title_form": title_form or (TranslationTitleForm(instance=translation, prefix="translation")),
        "version_settled": version.status in SETTLED_STATUSES,
        "reviewing": reviewing,
        "approval_refusal": services.translation_approval_refusal(translation, user) if reviewing else "",
        "changes_form": changes_form or TranslationChangesForm(),
        "may_discard": user.has_perm("codes.delete_versiontranslation")
        and translation.status in (TranslationStatus.DRAFT, TranslationStatus.IN_REVIEW),
    }
    return render(request, "codes/translation_editor.html", context)


@require_GET
@permission_required("codes.view_versiontranslation")
def translation_editor(request: AuthenticatedHttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    translation = get_translation_for_user(request.user, slug, number, language, with_progress=True)
    return _editor(request, translation)


def _back_to_editor(request: AuthenticatedHttpRequest, translation: VersionTranslation, anchor: str) -> str:
    """The editor's page the form was sent from (its page and filter ride in the form's address), at `anchor`."""
    query = request.GET.urlencode()
    return translation_url(translation) + (f"?{query}" if query else "") + f"#{anchor}"


@require_POST
@permission_required("codes.change_versiontranslation")
def translation_section_save(
    request: AuthenticatedHttpRequest, slug: str, number: int, language: str, section_id: int
) -> HttpResponse:
    translation = get_translation_for_user(request.user, slug, number, language, with_progress=True)
    pair = get_object_or_404(selectors.translation_pairs(translation), pk=section_id)
    back = _back_to_editor(request, translation, f"section-{pair.pk}")
    form = _section_form(pair, request.POST)
    if form.is_valid():
        action = partial(
            services.translation_section_update,
            section_translation=pair,
            actor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        if attempt(request, action, _("Section “%(title)s” saved.") % {"title": pair.section.title}, form=form):
            return redirect(back)
        if not form.errors:  # refused for another reason (the translation left draft): the message says why
            return redirect(back)
    return _editor(request, translation, bound=form)


@require_POST
@permission_required("codes.change_versiontranslation")
def translation_title_save(request: AuthenticatedHttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    translation = get_translation_for_user(request.user, slug, number, language, with_progress=True)
    # A blank instance: a refused title must not show as the translation's own in the page's heading.
    form = TranslationTitleForm(request.POST, instance=VersionTranslation(pk=translation.pk), prefix="translation")
    if form.is_valid():
        action = partial(
            services.translation_title_update,
            translation=translation,
            actor=request.user,
            title=form.cleaned_data["title"],
        )
        if attempt(request, action, _("Title saved."), form=form) or not form.errors:
            return redirect(_back_to_editor(request, translation, "translation-title"))
    return _editor(request, translation, title_form=form)


@require_POST
@permission_required("codes.change_versiontranslation")
def translation_submit(request: AuthenticatedHttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    translation = get_translation_for_user(request.user, slug, number, language)
    attempt(
        request,
        lambda: services.translation_submit(translation=translation, actor=request.user),
        _("Sent for review. Someone who translated none of it must approve it."),
    )
    return redirect(safe_next(request, translation_url(translation)))


@require_POST
@permission_required("codes.approve_versiontranslation")
def translation_approve(request: AuthenticatedHttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    translation = get_translation_for_user(request.user, slug, number, language)
    try:
        translation = services.translation_approve(translation=translation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(translation_url(translation))
    if translation.status == TranslationStatus.PUBLISHED:
        messages.success(request, _("Approved and published: its text is now frozen."))
    else:
        messages.success(request, _("Approved. It will be published together with its version."))
    return redirect(_version_url(translation.version))


@require_POST
@permission_required("codes.approve_versiontranslation")
def translation_request_changes(
    request: AuthenticatedHttpRequest, slug: str, number: int, language: str
) -> HttpResponse:
    translation = get_translation_for_user(request.user, slug, number, language, with_progress=True)
    form = TranslationChangesForm(request.POST)
    if form.is_valid():
        action = partial(
            services.translation_request_changes,
            translation=translation,
            actor=request.user,
            comment=form.cleaned_data["comment"],
        )
        if attempt(request, action, _("Sent back to the translators with your comment."), form=form):
            return redirect(_version_url(translation.version))
        if not form.errors:  # refused for another reason (no longer in review): the message says why
            return redirect(translation_url(translation))
    return _editor(request, translation, changes_form=form)


@require_http_methods(["GET", "POST"])
@permission_required("codes.delete_versiontranslation")
def translation_discard(request: AuthenticatedHttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    """Discarding asks first on its own page, naming what goes with the translation."""
    translation = get_translation_for_user(request.user, slug, number, language)
    version = translation.version
    name = translation.get_language_display()
    if request.method == "GET":
        translated = translation.sections.filter(translated=True).count()
        return render(
            request,
            "codes/confirm.html",
            {
                "version": version,
                "document": version.document,
                "question": _("Discard the %(language)s translation of version %(number)s?")
                % {"language": name, "number": version.number},
                "losses": [
                    ngettext(
                        "Its %(count)d translated section will be deleted.",
                        "Its %(count)d translated sections will be deleted.",
                        translated,
                    )
                    % {"count": translated},
                    _("This cannot be undone."),
                ],
                "action": _("Discard this translation"),
                "cancel": translation_url(translation),
            },
        )
    if attempt(
        request,
        lambda: services.translation_discard(translation=translation, actor=request.user),
        _("%(language)s translation discarded.") % {"language": name},
    ):
        return redirect(_version_url(version))
    return redirect(translation_url(translation))
