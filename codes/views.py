from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, query_without_page
from common.permissions import permission_required
from common.views import attempt

from . import limits, selectors, services
from .access import get_document_for_user, get_section_of, get_version_for_user
from .diff import diff_versions
from .forms import (
    CheckSettingsForm,
    CompareForm,
    DocumentForm,
    ImportForm,
    PublishForm,
    RequestChangesForm,
    RetireForm,
    SectionForm,
    VersionDetailsForm,
)
from .importing.parser import ParsedSection
from .models import IN_PROGRESS_STATUSES, CodeDocument, CodeVersion, Section, VersionStatus
from .pdf import version_pdf_bytes
from .signals import version_page_panels
from .translation_views import translation_panel

IMPORT_SALT = "codes.import-preview"
IMPORT_PREVIEW_MAX_AGE = 60 * 60
# Sections per page of the editor.
EDITOR_PAGE_SIZE = 25


def version_url(version: CodeVersion, view: str = "version_detail") -> str:
    return reverse(f"codes:{view}", args=[version.document.slug, version.number])


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


@require_GET
@permission_required("codes.view_codedocument")
def document_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    review = request.GET.get("review", "")
    documents = selectors.documents_visible_to(request.user, review=review)
    context = {
        "page": paginate(request, documents),
        "query": query_without_page(request),
        "review": review,
        "can_see_drafts": selectors.can_see_drafts(request.user),
    }
    return render(request, "codes/document_list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("codes.add_codedocument")
def document_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error("slug", error.message)
        else:
            messages.success(request, _("Document created. Start its first draft, or import one from a file."))
            return redirect("codes:document_detail", document.slug)
    return render(request, "codes/document_form.html", {"form": form})


@require_GET
@permission_required("codes.view_codedocument")
def document_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    document = get_document_for_user(request.user, slug)
    history = list(selectors.version_history(request.user, document))
    numbers = sorted(v.number for v in history)
    compare_form = None
    if len(numbers) >= 2:
        compare_form = CompareForm(initial={"old": numbers[-2], "new": numbers[-1]}, numbers=numbers)
    context = {
        "document": document,
        "history": history,
        "in_progress": next((v for v in history if v.status in IN_PROGRESS_STATUSES), None),
        "published": next((v for v in history if v.status == VersionStatus.PUBLISHED), None),
        "compare_form": compare_form,
    }
    return render(request, "codes/document_detail.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_codedocument")
def document_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    document = get_document_for_user(request.user, slug, for_edit=True)
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = partial(
            services.document_update,
            document=document,
            actor=request.user,
            title=data["title"],
            summary=data["summary"],
            review_interval_months=data["review_interval_months"],
        )
        if attempt(request, action, _("Document details saved.")):
            return redirect("codes:document_detail", document.slug)
        document.refresh_from_db()
    return render(request, "codes/document_form.html", {"form": form, "document": document})


@require_http_methods(["GET", "POST"])
@permission_required("codes.retire_codedocument")
def document_retire(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Retiring asks first: the page states what it will do, and the reason is required."""
    document = get_document_for_user(request.user, slug)
    if document.retired_at:
        messages.info(request, _("This document is retired already."))
        return redirect("codes:document_detail", document.slug)
    form = RetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = partial(
            services.document_retire, document=document, actor=request.user, reason=form.cleaned_data["reason"]
        )
        if attempt(request, action, _("The document is retired. Its versions stay readable in its history.")):
            return redirect("codes:document_detail", document.slug)
    context = {
        "document": document,
        "form": form,
        "consequences": selectors.retirement_consequences_of(document),
        "published": document.versions.published().first(),
    }
    return render(request, "codes/document_retire.html", context)


# ---------------------------------------------------------------------------
# Starting drafts
# ---------------------------------------------------------------------------


@require_POST
@permission_required("codes.add_codeversion")
def draft_start(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    document = get_document_for_user(request.user, slug)
    copy_published = request.POST.get("start") != "empty"
    try:
        draft = services.version_start_draft(document=document, actor=request.user, copy_published=copy_published)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("codes:document_detail", document.slug)
    messages.success(request, _("Draft version %(number)s started.") % {"number": draft.number})
    return redirect(version_url(draft, "version_edit"))


@require_http_methods(["GET", "POST"])
@permission_required("codes.add_codeversion")
def draft_import(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Upload a file and preview the sections it would make; nothing is saved yet."""
    document = get_document_for_user(request.user, slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"document": document, "form": form}
    parsed = form.parsed_file() if request.method == "POST" and form.is_valid() else None
    if parsed is not None:
        upload = form.cleaned_data["file"]
        sections = parsed.sections
        payload = {"filename": upload.name, "sections": [[s.title, s.category, s.body] for s in sections]}
        context.update(
            sections=sections,
            notes=parsed.notes,
            filename=upload.name,
            payload=signing.dumps(payload, salt=IMPORT_SALT, compress=True),
        )
    return render(request, "codes/import.html", context)


@require_POST
@permission_required("codes.add_codeversion")
def draft_import_confirm(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    document = get_document_for_user(request.user, slug)
    try:
        payload = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_PREVIEW_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("The preview has expired or was altered. Upload the file again."))
        return redirect("codes:draft_import", document.slug)
    sections = [ParsedSection(title=t, category=c, body=b) for t, c, b in payload["sections"]]
    try:
        draft = services.version_import_draft(
            document=document, actor=request.user, sections=sections, filename=payload["filename"]
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("codes:document_detail", document.slug)
    messages.success(
        request,
        _("Draft version %(number)s created from %(filename)s. Check each section's category.")
        % {"number": draft.number, "filename": payload["filename"]},
    )
    return redirect(version_url(draft, "version_edit"))


# ---------------------------------------------------------------------------
# Reading and comparing
# ---------------------------------------------------------------------------


@require_GET
@permission_required("codes.view_codedocument")
def version_detail(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number)
    authors = selectors.version_authors(version)
    approvals = selectors.version_approvals(version)
    panels = version_page_panels.send(sender=CodeVersion, version=version, viewer=request.user)
    context = {
        "version": version,
        "document": version.document,
        "sections": list(selectors.sections_of(version)),
        "authors": authors,
        "author_names": ", ".join(author.person.get_full_name() or author.person.get_username() for author in authors),
        "is_author": any(author.person.pk == request.user.pk for author in authors),
        "approvals": approvals,
        "required_approvals": services.required_approvals(),
        "approval_refusal": services.approval_refusal(request.user, authors, approvals),
        "panels": [html for _receiver, html in panels if html],
        "request_changes_form": RequestChangesForm(),
        "translation_panel": translation_panel(request, version),
        # With their right answers: only for who follows versions through their workflow, never for readers.
        "comprehension_questions": (
            selectors.comprehension_questions(version) if request.user.has_perm("codes.view_codeversion") else []
        ),
    }
    return render(request, "codes/version_detail.html", context)


def _printed_text(request: AuthenticatedHttpRequest, slug: str, number: int) -> selectors.VersionText:
    """The text to print: the version's own, or its published translation into ?language= (404 when it has
    none in that language)."""
    version = get_version_for_user(request.user, slug, number)
    text = selectors.version_text(version, request.GET.get("language") or None)
    if text is None:
        raise Http404(_("This version has no published translation into that language."))
    return text


@require_GET
@permission_required("codes.view_codedocument")
def version_print(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    text = _printed_text(request, slug, number)
    context = {"version": text.version, "document": text.version.document, "text": text}
    return render(request, "codes/version_print.html", context)


@require_GET
@permission_required("codes.view_codedocument")
def version_pdf(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    text = _printed_text(request, slug, number)
    version = text.version
    # A translation's file is named by its language: both may be kept side by side.
    suffix = f"-{text.language}" if text.translation is not None else ""
    response = HttpResponse(version_pdf_bytes(text), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{version.document.slug}-v{version.number}{suffix}.pdf"'
    return response


@require_GET
@permission_required("codes.view_codedocument")
def compare(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    document = get_document_for_user(request.user, slug)
    versions = {v.number: v for v in selectors.version_history(request.user, document)}
    form = CompareForm(request.GET or None, numbers=sorted(versions))
    context: dict[str, Any] = {"document": document, "form": form}
    if form.is_valid():
        old, new = versions[form.cleaned_data["old"]], versions[form.cleaned_data["new"]]
        context.update(
            old=old,
            new=new,
            diff=diff_versions(list(selectors.sections_of(old)), list(selectors.sections_of(new))),
        )
    return render(request, "codes/compare.html", context)


# ---------------------------------------------------------------------------
# The editor
# ---------------------------------------------------------------------------


def _editor_url(version: CodeVersion, position: int) -> str:
    """The editor's page that shows the section at `position` (1 is the first section)."""
    page = max(position - 1, 0) // EDITOR_PAGE_SIZE + 1
    return version_url(version, "version_edit") + (f"?page={page}" if page > 1 else "")


def _editor(
    request: AuthenticatedHttpRequest,
    version: CodeVersion,
    *,
    details_form: VersionDetailsForm | None = None,
    sections_only: bool = False,
) -> HttpResponse:
    """The editor page, or on an htmx request after a move or delete only its list of sections.

    Sections come a page at a time, so a version at the limit on sections opens as quickly as a
    short one: the page's queries and size do not grow with the number of sections.
    """
    context = {
        "version": version,
        "document": version.document,
        "page": paginate(request, selectors.sections_of(version), per_page=EDITOR_PAGE_SIZE),
        "max_sections": limits.max_sections(),
        "details_form": details_form or VersionDetailsForm(instance=version),
        "section_form": SectionForm(),
        "check_form": CheckSettingsForm(instance=version),
    }
    return render(request, "codes/_sections.html" if sections_only else "codes/version_edit.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_codeversion")
def version_edit(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    if request.method == "POST":
        form = VersionDetailsForm(request.POST, instance=CodeVersion(pk=version.pk))
        if form.is_valid():
            action = partial(
                services.version_update,
                version=version,
                actor=request.user,
                title=form.cleaned_data["title"],
                change_summary=form.cleaned_data["change_summary"],
                requires_every_section_displayed=form.cleaned_data["requires_every_section_displayed"],
            )
            if attempt(request, action, _("Version details saved.")):
                return redirect(version_url(version, "version_edit"))
        return _editor(request, version, details_form=form)
    return _editor(request, version)


def _section_form(
    request: AuthenticatedHttpRequest, version: CodeVersion, form: SectionForm, *, section: Section | None = None
) -> HttpResponse:
    form.preview_with(version_url(version, "section_preview"))
    return render(request, "codes/section_form.html", {"version": version, "form": form, "section": section})


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_codeversion")
def section_add(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = partial(services.section_add, version=version, actor=request.user, **form.cleaned_data)
        if attempt(request, action, _("Section added."), form=form):
            return redirect(_editor_url(version, version.sections.count()) + "#sections")
    return _section_form(request, version, form)


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_codeversion")
def section_edit(request: AuthenticatedHttpRequest, slug: str, number: int, section_id: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    section = get_section_of(version, section_id)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST" and form.is_valid():
        action = partial(services.section_update, section=section, actor=request.user, **form.cleaned_data)
        if attempt(request, action, _("Section saved."), form=form):
            return redirect(_editor_url(version, section.position) + f"#section-{section.pk}")
    return _section_form(request, version, form, section=section)


@require_POST
@permission_required("codes.change_codeversion")
def section_preview(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """The editor's live preview: the posted Markdown as the server's sanitiser renders it, a fragment for htmx.

    Posted by the section form's textarea as the author types; it shows what readers will see,
    with the same renderer, so there is no second Markdown engine in the browser to disagree with it.
    """
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    body = request.POST.get("body", "")
    try:
        limits.check_section_body(body)
    except limits.LimitExceeded as error:
        return render(request, "codes/_preview.html", {"refusal": error.message}, status=413)
    return render(request, "codes/_preview.html", {"version": version, "body": body})


def _confirmation(request: AuthenticatedHttpRequest, version: CodeVersion, **page: Any) -> HttpResponse:
    """The page that asks before something is lost: its `question`, the `losses` it names and the button's
    `action` label; the form posts back to the address it was opened at."""
    return render(request, "codes/confirm.html", {"version": version, "document": version.document, **page})


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_codeversion")
def section_delete(request: AuthenticatedHttpRequest, slug: str, number: int, section_id: int) -> HttpResponse:
    """Deleting asks first on its own page (htmx asks in a dialog and posts straight away)."""
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    section = get_section_of(version, section_id)
    if request.method == "GET":
        return _confirmation(
            request,
            version,
            question=_("Delete the section “%(title)s”?") % {"title": section.title},
            losses=[_("Its title and text will be gone from this draft.")],
            action=_("Delete the section"),
            cancel=_editor_url(version, section.position) + f"#section-{section.pk}",
        )
    attempt(
        request,
        lambda: services.section_delete(section=section, actor=request.user),
        _("Section “%(title)s” deleted.") % {"title": section.title},
    )
    if request.htmx:
        return _editor(request, version, sections_only=True)
    return redirect(version_url(version, "version_edit"))


@require_POST
@permission_required("codes.change_codeversion")
def section_move(request: AuthenticatedHttpRequest, slug: str, number: int, section_id: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    section = get_section_of(version, section_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.section_move(section=section, actor=request.user, offset=offset)
    except DomainError as error:
        messages.error(request, error.message)
    if request.htmx:
        return _editor(request, version, sections_only=True)
    section.refresh_from_db(fields=["position"])
    return redirect(_editor_url(version, section.position) + f"#section-{section.pk}")


# ---------------------------------------------------------------------------
# Review and publication
# ---------------------------------------------------------------------------


@require_POST
@permission_required("codes.change_codeversion")
def version_submit(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number)
    attempt(
        request,
        lambda: services.version_submit(version=version, actor=request.user),
        _("Sent for review. Another manager must approve it before it can be published."),
    )
    return redirect(version_url(version))


@require_POST
@permission_required("codes.change_codeversion")
def version_withdraw(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number)
    attempt(
        request,
        lambda: services.version_withdraw(version=version, actor=request.user),
        _("Withdrawn from review: it is a draft again, and can be edited."),
    )
    return redirect(version_url(version))


@require_POST
@permission_required("codes.approve_codeversion")
def version_approve(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number)
    try:
        version = services.version_approve(version=version, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if version.status == VersionStatus.APPROVED:
            messages.success(request, _("Approved. It can now be published."))
        else:
            messages.success(request, _("Your approval is recorded. It needs the approval of someone else too."))
    return redirect(version_url(version))


@require_POST
@permission_required("codes.approve_codeversion")
def version_request_changes(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what should change, so the author knows what to do."))
        return redirect(version_url(version))
    attempt(
        request,
        lambda: services.version_request_changes(
            version=version, actor=request.user, comment=form.cleaned_data["comment"]
        ),
        _("Sent back to draft with your comment."),
    )
    return redirect(version_url(version))


@require_http_methods(["GET", "POST"])
@permission_required("codes.publish_codeversion")
def version_publish(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = partial(
            services.version_publish,
            version=version,
            actor=request.user,
            effective_date=data["effective_date"],
            days_to_acknowledge=data["days_to_acknowledge"],
            is_major=data["is_major"],
            departments=data["departments"],
            applies_to_all_staff=data["applies_to_all_staff"],
        )
        if attempt(request, action, _("Published. Its text is now frozen.")):
            return redirect(version_url(version))
    published = CodeVersion.objects.published().filter(document=version.document).first()
    context = {"version": version, "document": version.document, "form": form, "published": published}
    return render(request, "codes/publish.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_codeversion")
def version_discard(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """Discarding asks first on its own page, naming the sections that go with the draft."""
    version = get_version_for_user(request.user, slug, number)
    document: CodeDocument = version.document
    if request.method == "GET":
        sections = version.sections.count()
        return _confirmation(
            request,
            version,
            question=_("Discard draft version %(number)s?") % {"number": version.number},
            losses=[
                ngettext("Its %(count)d section will be deleted.", "Its %(count)d sections will be deleted.", sections)
                % {"count": sections},
                _("This cannot be undone."),
            ],
            action=_("Discard this draft"),
            cancel=version_url(version, "version_edit"),
        )
    attempt(
        request,
        lambda: services.version_discard(version=version, actor=request.user),
        _("Draft version %(number)s discarded.") % {"number": version.number},
    )
    return redirect("codes:document_detail", document.slug)
