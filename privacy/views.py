"""A person's own data (a page and a download), and the legal holds page."""

from __future__ import annotations

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.http import AuthenticatedHttpRequest
from common.pagination import paginate
from common.permissions import permission_required
from common.views import attempt
from people.selectors import profile_of

from . import selectors, services
from .forms import HoldPlaceForm, HoldReleaseForm
from .models import LegalHold

# Rows of each list on the "my data" page; the download holds them all.
MY_DATA_ROWS = 10


@require_GET
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the portal holds about the signed-in person, each kind a list of its own (only their own: the page
    takes no id)."""
    user = request.user
    person = profile_of(user)

    def page(rows: QuerySet, parameter: str) -> object:
        return paginate(request, rows, per_page=MY_DATA_ROWS, parameter=parameter)

    context: dict[str, object] = {
        "person": person,
        "reminders": page(selectors.reminders_of(user), "reminders_page"),
        "notifications": page(selectors.notifications_of(user), "notifications_page"),
        "questions": page(selectors.questions_of(user), "questions_page"),
        "notification_choices": selectors.notification_choices_of(user),
        "events": page(selectors.audit_events_of(user, person), "events_page"),
    }
    if person is not None:
        context["attempts"] = page(selectors.attempts_of(person), "attempts_page")
        context["requests"] = page(selectors.requests_of(person), "requests_page")
        context["completions"] = page(selectors.completions_of(person), "completions_page")
        context["assignments"] = page(selectors.assignments_of(person), "assignments_page")
    return render(request, "privacy/my_data.html", context)


@require_GET
def my_data_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same, complete, as a JSON file."""
    data = services.personal_data_export(user=request.user)
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _render_holds(request: HttpRequest, form: HoldPlaceForm, *, status: int = 200) -> HttpResponse:
    # ?person= narrows the list to one person's holds: where their page links to.
    person = request.GET.get("person", "")
    person_id = int(person) if person.isdigit() else None
    context = {
        "page": paginate(request, selectors.holds(person_id=person_id)),
        "one_person": person_id is not None,
        "form": form,
        "may_manage": request.user.has_perm("privacy.manage_legal_holds"),
    }
    return render(request, "privacy/holds.html", context, status=status)


@require_GET
@permission_required("privacy.view_legalhold")
def hold_list(request: HttpRequest) -> HttpResponse:
    return _render_holds(request, HoldPlaceForm())


@require_POST
@permission_required("privacy.manage_legal_holds")
def hold_place(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = HoldPlaceForm(request.POST)
    if form.is_valid():
        placed = attempt(
            request,
            lambda: services.hold_place(
                person=form.cleaned_data["employee_id"],
                case=form.cleaned_data["case"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            ),
            _("The legal hold is placed: this person's data is kept until it is released."),
            form=form,
        )
        if placed:
            return redirect("privacy:holds")
    return _render_holds(request, form, status=400)


@require_POST
@permission_required("privacy.manage_legal_holds")
def hold_release(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold, pk=pk)
    form = HoldReleaseForm(request.POST)
    if not form.is_valid():
        # A row's form on the list: its field's error is said as a message above the list.
        messages.error(request, " ".join(str(error) for error in form.errors["reason"]))
        return redirect("privacy:holds")
    attempt(
        request,
        lambda: services.hold_release(hold=hold, reason=form.cleaned_data["reason"], actor=request.user),
        _("The legal hold is released."),
    )
    return redirect("privacy:holds")
