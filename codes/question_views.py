"""The comprehension questions of a draft, per section, and its pass mark: plain forms (no JavaScript needed).

Reviewers see the questions on the version page (templates/codes/_comprehension_questions.html); only a draft's
editors reach these pages, and the services refuse once the version is no longer a draft.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from common.http import AuthenticatedHttpRequest
from common.permissions import permission_required
from common.views import attempt

from . import services
from .access import get_section_of, get_version_for_user
from .forms import CheckSettingsForm, QuestionForm
from .models import CodeVersion, ComprehensionQuestion, Section


def _questions_url(section: Section) -> str:
    version = section.version
    return reverse("codes:section_questions", args=[version.document.slug, version.number, section.pk])


def _question_of(section: Section, question_id: int) -> ComprehensionQuestion:
    question = section.comprehension_questions.filter(pk=question_id).select_related("section__version").first()
    if question is None:
        raise Http404(_("This question is not asked on this section."))
    return question


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_codeversion")
def section_questions(request: AuthenticatedHttpRequest, slug: str, number: int, section_id: int) -> HttpResponse:
    """The questions on one section of a draft, and the form that asks another."""
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    section = get_section_of(version, section_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = partial(services.question_add, section=section, actor=request.user, **form.question())
        if attempt(request, action, _("Question added."), form=form):
            return redirect(_questions_url(section))
    context = {
        "version": version,
        "document": version.document,
        "section": section,
        "questions": section.comprehension_questions.prefetch_related("options"),
        "form": form,
    }
    return render(request, "codes/section_questions.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("codes.change_codeversion")
def question_edit(
    request: AuthenticatedHttpRequest, slug: str, number: int, section_id: int, question_id: int
) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    section = get_section_of(version, section_id)
    question = _question_of(section, question_id)
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        action = partial(services.question_update, question=question, actor=request.user, **form.question())
        if attempt(request, action, _("Question saved."), form=form):
            return redirect(_questions_url(section))
    context = {"version": version, "document": version.document, "section": section, "question": question}
    return render(request, "codes/question_form.html", {**context, "form": form})


@require_POST
@permission_required("codes.change_codeversion")
def question_delete(
    request: AuthenticatedHttpRequest, slug: str, number: int, section_id: int, question_id: int
) -> HttpResponse:
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    section = get_section_of(version, section_id)
    question = _question_of(section, question_id)
    attempt(request, lambda: services.question_delete(question=question, actor=request.user), _("Question deleted."))
    return redirect(_questions_url(section))


@require_POST
@permission_required("codes.change_codeversion")
def version_check_settings(request: AuthenticatedHttpRequest, slug: str, number: int) -> HttpResponse:
    """The pass mark of the draft's check and whether passing comes before signing, from the editor's side column."""
    version = get_version_for_user(request.user, slug, number, for_edit=True)
    form = CheckSettingsForm(request.POST, instance=CodeVersion(pk=version.pk))
    if form.is_valid():
        action = partial(
            services.version_check_update,
            version=version,
            actor=request.user,
            pass_mark=form.cleaned_data["pass_mark"],
            requires_pass=form.cleaned_data["requires_pass"],
        )
        attempt(request, action, _("Comprehension check saved."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(reverse("codes:version_edit", args=[slug, number]) + "#check-settings")
