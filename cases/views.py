"""Breach cases: the list with its filters and exports, a case, recording one, deciding its outcome, and the
breaches counted per clause. Compliance (cases.view_case) sees them all; a manager, where CASES_VISIBLE_TO_MANAGER
is on, opens their own reports' cases from the person page; anybody else gets a 404."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, query_without_page
from common.permissions import permission_required
from common.replica import reads_from_replica
from common.views import attempt, attempt_for_result
from people.models import StaffProfile

from . import exports, selectors, services
from .access import get_case_for_user
from .forms import CaseForm, FilterForm, OutcomeForm
from .models import Case

EXPORT_FORMATS = ("csv", "xlsx")


def _filtered(request: AuthenticatedHttpRequest) -> tuple[FilterForm, selectors.Filters]:
    form = FilterForm(request.GET or None)
    return form, form.filters() if request.GET else selectors.Filters()


@require_GET
@permission_required("cases.view_case")
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters = _filtered(request)
    context = {
        "form": form,
        "query": query_without_page(request),
        "page": paginate(request, selectors.case_list(request.user, filters)),
    }
    return render(request, "cases/list.html", context)


@require_GET
@permission_required("cases.view_case")
@reads_from_replica
def case_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponseBase:
    """The list's cases, with the same filters, as CSV or XLSX; each export is in the audit log."""
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("There is no such export."))
    form, filters = _filtered(request)
    if request.GET and not form.is_valid():
        return HttpResponseBadRequest(_("The filters are not valid: %(errors)s") % {"errors": form.errors.as_text()})
    cases = selectors.case_list(request.user, filters)
    services.cases_export_record(
        actor=request.user, file_format=file_format, rows=cases.count(), filters=filters.as_details()
    )
    filename = f"breach-cases-{timezone.localdate().isoformat()}.{file_format}"
    if file_format == "csv":
        return exports.CASES.csv_response(cases, filename=filename)
    return exports.CASES.xlsx_response(cases, filename=filename)


@require_GET
@permission_required("cases.view_case")
@reads_from_replica
def breaches_per_clause(request: AuthenticatedHttpRequest) -> HttpResponse:
    """How many breaches each clause counts, the most breached first, with the list's filters."""
    form, filters = _filtered(request)
    rows = selectors.breaches_per_clause(filters.apply(selectors.cases_visible_to(request.user)))
    context = {"form": form, "query": query_without_page(request), "page": paginate(request, rows)}
    return render(request, "cases/clauses.html", context)


def _detail(request: AuthenticatedHttpRequest, case: Case, form: OutcomeForm | None, *, status: int = 200) -> Any:
    if form is None and request.user.has_perm("cases.change_case"):
        form = OutcomeForm(initial={"outcome": case.outcome, "outcome_note": case.outcome_note})
    return render(request, "cases/detail.html", {"case": case, "form": form}, status=status)


@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_case_for_user(request.user, pk), None)


@require_POST
def case_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk, for_change=True)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        action = partial(
            services.case_set_outcome,
            case=case,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["outcome_note"],
            course=form.course_for(case.section),
            due_date=form.cleaned_data["due_date"],
            actor=request.user,
        )
        if attempt(request, action, _("The outcome of the case is recorded."), form=form):
            return redirect("cases:detail", case.pk)
    return _detail(request, case, form, status=400)


@require_http_methods(["GET", "POST"])
@permission_required("cases.add_case")
def case_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a case. Without JavaScript the form takes two steps: "Show the clauses" offers the sections of the
    version in force on the day chosen; with htmx they come as soon as the day and the document are chosen."""
    if request.method == "POST" and "show_clauses" not in request.POST:
        form = CaseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            action = partial(
                services.case_open,
                person=data["person"],
                occurred_on=data["occurred_on"],
                section=data["section"],
                description=data["description"],
                outcome=data["outcome"],
                outcome_note=data["outcome_note"],
                course=form.course_for(data["section"]),
                due_date=data["due_date"],
                actor=request.user,
            )
            case = attempt_for_result(request, action, form=form)
            if case is not None:
                messages.success(request, _("Case %(number)s is recorded.") % {"number": case.pk})
                return redirect("cases:detail", case.pk)
        return render(request, "cases/form.html", {"form": form}, status=400)
    return render(request, "cases/form.html", {"form": CaseForm(initial=_initial(request))})


def _initial(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """What the form starts with: what was typed before "Show the clauses", or the person whose page linked here."""
    if request.method == "POST":
        return request.POST.dict()
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        return {"person": get_object_or_404(StaffProfile, pk=person_id).employee_id}
    return {}


@require_GET
@permission_required("cases.add_case")
def clauses(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clause field of the case form for the day and the document chosen (htmx)."""
    return render(request, "cases/_clause_field.html", {"form": CaseForm(initial=request.GET.dict())})
