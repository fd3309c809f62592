from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from codes import selectors as codes_selectors
from common.pagination import paginate
from people import selectors as people_selectors
from training import selectors as training_selectors

from . import person as person_page
from .inbox import TaskKind, my_tasks, task_lists

HOME_DOCUMENTS_SHOWN = 5
# The home page shows the first few tasks of each kind; the tasks page shows them all, a page per kind.
HOME_TASKS_SHOWN = 5
TASKS_PER_PAGE = 20
# Each list of the person page has its own pages of this many rows.
PERSON_ROWS = 10


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """One home for everybody, made of the panels the person's permissions open."""
    user = request.user
    profile = people_selectors.profile_of(user)
    tasks = my_tasks(request)
    context: dict[str, object] = {
        "profile": profile,
        "tasks": tasks,
        "task_lists": task_lists(user, tasks.counts, lambda _kind, rows, _count: list(rows[:HOME_TASKS_SHOWN])),
    }
    if profile is not None and not tasks.total and user.has_perm("codes.view_codedocument"):
        # The list links to the reader of each code, which needs this permission: show no link that would refuse.
        context["codes_for_me"] = list(codes_selectors.versions_visible_to(user).published()[:HOME_DOCUMENTS_SHOWN])
    if user.has_perm("codes.add_codedocument"):
        context["my_documents"] = list(codes_selectors.document_list(owner_id=user.pk)[:HOME_DOCUMENTS_SHOWN])
    if user.has_perm("people.view_team") and profile is not None:
        context["team_size"] = people_selectors.managed_by(user).count()
    if user.has_perm("people.view_organisation"):
        context["organisation"] = people_selectors.organisation_totals()
        context["published_documents"] = codes_selectors.published_document_count()
    return render(request, "portal/home.html", context)


@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """All of the person's tasks, each kind with its count and its own pages (?<kind>_page=)."""
    tasks = my_tasks(request)

    def page_of(kind: TaskKind, rows: QuerySet, count: int) -> object:
        return paginate(request, rows, per_page=TASKS_PER_PAGE, parameter=f"{kind.key}_page", count=count)

    context = {"tasks": tasks, "task_lists": task_lists(request.user, tasks.counts, page_of)}
    return render(request, "portal/tasks.html", context)


@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's acknowledgements, waivers, training, breach cases, reminders and audit trail, for compliance
    (anyone) and for their manager; each part shown when the viewer may read it where it comes from."""
    viewer = request.user
    staff = person_page.get_person_for_user(viewer, pk)

    def page(rows: QuerySet, parameter: str) -> object:
        return paginate(request, rows, per_page=PERSON_ROWS, parameter=parameter)

    context: dict[str, object] = {
        "staff": staff,
        "requests": page(person_page.requests(staff, viewer), "requests_page"),
        "waivers": page(person_page.waivers(staff, viewer), "waivers_page"),
        "sees_training": person_page.sees_training_of(viewer, staff),
    }
    if context["sees_training"]:
        context["assignments"] = page(training_selectors.assignments_of(staff), "assignments_page")
        context["completions"] = page(training_selectors.completions_of(staff), "completions_page")
    if person_page.sees_cases_of(viewer, staff):
        context["cases"] = page(person_page.cases(staff, viewer), "cases_page")
    if person_page.sees_reminders_of(viewer, staff):
        context["reminders"] = page(person_page.reminders(staff), "reminders_page")
    if viewer.has_perm("audit.view_auditevent"):
        context["events"] = page(person_page.audit_events(staff), "events_page")
    return render(request, "portal/person.html", context)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send them the portal's."""
    return redirect(static("img/favicon.svg"), permanent=True)
