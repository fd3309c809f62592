"""Asking about a section of a published version, and answering."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from codes.access import get_version_for_user
from codes.models import CodeVersion, Section, VersionStatus
from common.errors import DomainError
from common.http import AuthenticatedHttpRequest
from common.permissions import missing_permission_message

from . import selectors, services
from .forms import AnswerForm, AskForm
from .models import Question


def _published_section_for_user(request: AuthenticatedHttpRequest, slug: str, number: int, position: int) -> Section:
    version = get_version_for_user(request.user, slug, number)
    if version.status != VersionStatus.PUBLISHED:
        raise Http404(_("Questions can be asked only about the published version of a code."))
    section = version.sections.filter(position=position).first()
    if section is None:
        raise Http404(_("This section is not part of this version."))
    section.version = version
    return section


def get_question_for_user(user: selectors.Viewer, pk: int, *, for_answer: bool = False) -> Question:
    """404 for a question the person may not see (another's private one); 403 to answer without the right."""
    question = get_object_or_404(selectors.questions_visible_to(user), pk=pk)
    if for_answer and not selectors.can_answer(user, question):
        raise PermissionDenied(missing_permission_message(selectors.ANSWER_PERMISSION))
    return question


@require_http_methods(["GET", "POST"])
def ask(request: AuthenticatedHttpRequest, slug: str, number: int, position: int) -> HttpResponse:
    section = _published_section_for_user(request, slug, number, position)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = services.question_ask(section=section, text=form.cleaned_data["text"], actor=request.user)
        messages.success(request, _("Your question is sent. You will be told here and by email when it is answered."))
        return redirect("questions:detail", question.pk)
    context = {"form": form, "section": section, "version": section.version}
    return render(request, "questions/ask.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET"])
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk)
    form = AnswerForm() if question.status == "open" and selectors.can_answer(request.user, question) else None
    return render(request, "questions/detail.html", {"question": question, "form": form})


@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = get_question_for_user(request.user, pk, for_answer=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.question_answer(question=question, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            # Answered meanwhile (another tab, another answerer): the page shows that answer.
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer is sent to the person who asked."))
        return redirect("questions:detail", question.pk)
    return render(request, "questions/detail.html", {"question": question, "form": form}, status=400)


def version_questions_panel(*, version: CodeVersion, viewer: selectors.Viewer) -> str:
    """The version page's questions: links to ask about each section of a published version; for answerers
    and the owner, how many questions each section was asked and how many are open; on a draft, for those who
    edit it, the questions marked to consider in this next version."""
    context: dict[str, object] = {"version": version}
    if version.status == VersionStatus.PUBLISHED:
        # Those who answer see the counts beside each section's link (the same one query).
        counted = viewer.has_perm(selectors.ANSWER_PERMISSION) or version.document.owner_id == viewer.pk
        sections = list(selectors.counts_by_section(version) if counted else version.sections.order_by("position"))
        context["sections"] = sections
        if counted:
            context["counts"] = [section for section in sections if section.asked]
    elif version.status == VersionStatus.DRAFT and viewer.has_perm("codes.change_codeversion"):
        context["to_consider"] = selectors.to_consider_for(version)
    else:
        return ""
    return render_to_string("questions/_version_panel.html", context)
