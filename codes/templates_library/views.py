"""The template pages: the list, a new document from a template, and a published version saved as one."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from codes.access import get_version_for_user
from codes.forms import DocumentForm
from codes.models import CodeTemplate
from codes.views import version_url
from common.errors import DomainError
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, query_without_page
from common.permissions import permission_required
from common.views import attempt

from . import selectors, services
from .forms import TemplateSaveForm

# Starting a document from a template creates the document and its first draft: it takes both rights.
may_add_document = permission_required("codes.add_codedocument")
may_add_version = permission_required("codes.add_codeversion")
# Templates per page of the list.
TEMPLATE_PAGE_SIZE = 10


@require_GET
@may_add_document
@may_add_version
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    languages = dict(settings.LANGUAGES)
    language = request.GET.get("language", "")
    if language not in languages:
        language = ""
    context = {
        "page": paginate(request, selectors.templates_for_list(language=language), per_page=TEMPLATE_PAGE_SIZE),
        "query": query_without_page(request),
        "language": language,
        "languages": settings.LANGUAGES,
    }
    return render(request, "codes/template_list.html", context)


@require_http_methods(["GET", "POST"])
@may_add_document
@may_add_version
def template_use(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The new document's details next to the template's sections; saving creates the document and its first
    draft, and opens the draft in the editor."""
    template = get_object_or_404(CodeTemplate, pk=pk)
    form = DocumentForm(request.POST or None, initial={"title": template.name})
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.document_create_from_template(actor=request.user, template=template, **form.cleaned_data)
        except DomainError as error:
            # A refusal of a field of this form goes next to it; any other (the limits on sections) above it.
            field = getattr(error, "field", None)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Document created, with a first draft from the template “%(name)s”. "
                    "Make it your own, then send it for review."
                )
                % {"name": template.name},
            )
            return redirect(version_url(draft, "version_edit"))
    return render(request, "codes/template_use.html", {"template": template, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("codes.add_codetemplate")
def template_save(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number)
    if not version.is_frozen:
        messages.error(request, _("Only a published version can be saved as a template."))
        return redirect(version_url(version))
    sections = list(version.sections.order_by("position"))
    form = TemplateSaveForm(request.POST or None, initial={"name": version.title})
    if request.method == "POST" and form.is_valid():
        action = partial(services.template_save_version, version=version, actor=request.user, **form.cleaned_data)
        saved = _("Saved as the template “%(name)s”: managers can now start new documents from it.") % {
            "name": form.cleaned_data["name"]
        }
        if attempt(request, action, saved, form=form):
            return redirect(version_url(version))
    context = {"version": version, "document": version.document, "form": form, "sections": sections}
    return render(request, "codes/template_save.html", context)
