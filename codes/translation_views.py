"""Translating a version: the panel of its translations on the version page, the side-by-side editor (which is
also the reviewer's page), and the steps of a translation's workflow.

Only the people who follow versions through their workflow (who see drafts) open these pages; everyone else
reads a published translation where they read the version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import zip_longest
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
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
from common.views import attempt, attempt_for_result, safe_next

from . import selectors, services
from .access import get_version_for_user
from .forms import (
    ImportForm,
    TranslationChangesForm,
    TranslationSectionForm,
    TranslationStartForm,
    TranslationTitleForm,
)
from .importing.parser import ParsedSection
from .models import CodeVersion, Section, SectionTranslation, TranslationStatus, VersionStatus, VersionTranslation
from .selectors import Viewer

# Sections per page of the side-by-side editor, as in the version's own editor.
EDITOR_PAGE_SIZE = 25
# The editor's filter: ?only=untranslated lists the sections still to translate.
ONLY_UNTRANSLATED = "untranslated"
# A translation waits for its version's text to settle before it is sent for review (services.translation_submit).
SETTLED_STATUSES = (VersionStatus.APPROVED, VersionStatus.PUBLISHED)
# The preview of an imported translation travels signed in the confirming form, so that what is saved is what
# was shown; it expires like the preview of an imported draft (codes.views.IMPORT_PREVIEW_MAX_AGE).
TRANSLATION_IMPORT_SALT = "codes.translation-import-preview"
TRANSLATION_IMPORT_MAX_AGE = 60 * 60


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


# ---------------------------------------------------------------------------
# Importing a translation from a file
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPair:
    """One place of the import's preview: the version's section there and the file's, either missing when the
    file has fewer sections than the version, or more."""

    position: int
    source: Section | None
    imported: ParsedSection | None


def _refuse_import(request: AuthenticatedHttpRequest, translation: VersionTranslation) -> HttpResponse:
    """Back to the editor, which shows where the translation is in its workflow: no file changes it now."""
    messages.error(
        request,
        _("The %(language)s translation is %(status)s: only a draft translation is imported from a file.")
        % {"language": translation.get_language_display(), "status": translation.get_status_display().lower()},
    )
    return redirect(translation_url(translation))


def import_summary(file_count: int, version_count: int) -> str:
    """How the file's sections meet the version's, said before anything is saved."""
    file_has = ngettext("The file has %(count)d section", "The file has %(count)d sections", file_count) % {
        "count": file_count
    }
    version_has = _("the version has %(count)d") % {"count": version_count}
    if file_count == version_count:
        consequence = _("each is paired with the version's section in the same place.")
    elif file_count < version_count:
        left = version_count - file_count
        consequence = ngettext(
            "the last section of the version gets nothing from the file and keeps its current text.",
            "the last %(count)d sections of the version (%(first)d–%(last)d) get nothing from the file and keep "
            "their current text.",
            left,
        ) % {"count": left, "first": file_count + 1, "last": version_count}
    else:
        extra = file_count - version_count
        consequence = ngettext(
            "the file's extra section %(first)d is not imported.",
            "the file's extra sections %(first)d–%(last)d are not imported.",
            extra,
        ) % {"first": version_count + 1, "last": file_count}
    return _("%(file_has)s; %(version_has)s: %(consequence)s") % {
        "file_has": file_has,
        "version_has": version_has,
        "consequence": consequence,
    }


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_versiontranslation")
def translation_import(request: AuthenticatedHttpRequest, slug: str, number: int, language: str) -> HttpResponse:
    """Upload a Word, Markdown or text file and preview its sections beside the version's, paired by order;
    nothing is saved until the pairs are confirmed. The file is read, or refused, as a draft's import is."""
    translation = get_translation_for_user(request.user, slug, number, language)
    if not translation.is_editable:
        return _refuse_import(request, translation)
    version = translation.version
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "translation": translation,
        "version": version,
        "document": version.document,
        "form": form,
    }
    parsed = form.parsed_file() if request.method == "POST" and form.is_valid() else None
    if parsed is not None:
        upload = form.cleaned_data["file"]
        source = list(selectors.sections_of(version))
        imported = parsed.sections
        payload = {
            "translation": translation.pk,
            "filename": upload.name,
            "title": parsed.title,
            "sections": [[each.title, each.body] for each in imported],
            "keys": [str(section.key) for section in source],
        }
        context.update(
            pairs=[
                ImportPair(position, mine, theirs)
                for position, (mine, theirs) in enumerate(zip_longest(source, imported), start=1)
            ],
            summary=import_summary(len(imported), len(source)),
            counts_differ=len(imported) != len(source),
            imported_title=parsed.title,
            notes=parsed.notes,
            filename=upload.name,
            payload=signing.dumps(payload, salt=TRANSLATION_IMPORT_SALT, compress=True),
        )
    return render(request, "codes/translation_import.html", context)


@require_POST
@permission_required("codes.change_versiontranslation")
def translation_import_confirm(
    request: AuthenticatedHttpRequest, slug: str, number: int, language: str
) -> HttpResponse:
    translation = get_translation_for_user(request.user, slug, number, language)
    if not translation.is_editable:
        return _refuse_import(request, translation)
    upload_again = translation_url(translation, "translation_import")
    try:
        payload = signing.loads(
            request.POST.get("payload", ""), salt=TRANSLATION_IMPORT_SALT, max_age=TRANSLATION_IMPORT_MAX_AGE
        )
    except signing.BadSignature:
        payload = None
    if payload is None or payload["translation"] != translation.pk:
        messages.error(request, _("The preview has expired or was altered. Upload the file again."))
        return redirect(upload_again)
    filename = payload["filename"]
    matched = attempt_for_result(
        request,
        partial(
            services.translation_import,
            translation=translation,
            actor=request.user,
            title=payload["title"],
            sections=[(title, body) for title, body in payload["sections"]],
            filename=filename,
            section_keys=payload["keys"],
        ),
    )
    if matched is None:
        return redirect(upload_again)
    messages.success(
        request,
        ngettext(
            "%(count)d section imported from %(filename)s. Check it against the source before sending the "
            "translation for review.",
            "%(count)d sections imported from %(filename)s. Check them against the source before sending the "
            "translation for review.",
            matched,
        )
        % {"count": matched, "filename": filename},
    )
    return redirect(translation_url(translation))
