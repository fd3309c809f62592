from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import DomainError
from common.http import AuthenticatedHttpRequest
from common.pagination import paginate, query_without_page
from common.permissions import permission_required

from . import kiosk, selectors, services
from .forms import (
    KioskCredentialForm,
    KioskPersonForm,
    NotificationPreferencesForm,
    PreferredLanguageForm,
    ReauthenticatedPasswordChangeForm,
    StaffFilterForm,
    StaffImportConfirmForm,
    StaffImportForm,
)
from .hr_import.planning import Plan, import_plan
from .hr_import.reading import COLUMNS
from .middleware import remember_language
from .models import StaffProfile


@require_GET
@permission_required("people.view_team")
def team(request: HttpRequest) -> HttpResponse:
    return render(request, "people/team.html", {"page": paginate(request, selectors.managed_by(request.user))})


@require_GET
@permission_required("people.view_organisation")
def department_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.departments_with_headcount())
    return render(request, "people/department_list.html", {"page": page})


@require_GET
@permission_required("people.view_organisation")
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.staff_directory(department=filters.get("department"), search=filters.get("q", ""))
    context = {"form": form, "page": paginate(request, people), "query": query_without_page(request)}
    return render(request, "people/staff_list.html", context)


def _language_initial(request: HttpRequest, staff_profile: StaffProfile | None) -> dict[str, str]:
    return {"preferred_language": staff_profile.preferred_language if staff_profile else request.LANGUAGE_CODE}


@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff_profile = selectors.profile_of(request.user)
    form = PreferredLanguageForm(request.POST or None, initial=_language_initial(request, staff_profile))
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["preferred_language"]
        if staff_profile is not None:
            services.profile_set_language(profile=staff_profile, language=language)
        remember_language(request, language)
        messages.success(request, _("From now on the portal speaks to you in the language you chose."))
        return redirect("people:profile")
    return _render_profile(request, staff_profile, form=form)


def _render_profile(
    request: AuthenticatedHttpRequest,
    staff_profile: StaffProfile | None,
    *,
    form: PreferredLanguageForm,
    notifications_form: NotificationPreferencesForm | None = None,
) -> HttpResponse:
    if notifications_form is None:
        notifications_form = NotificationPreferencesForm(emailed=selectors.emailed_kinds_of(request.user))
    context = {"staff_profile": staff_profile, "form": form, "notifications_form": notifications_form}
    return render(request, "people/profile.html", context)


@require_POST
def notification_preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Save how the person wants each kind of notification; the profile page shows the form."""
    form = NotificationPreferencesForm(request.POST, emailed=selectors.emailed_kinds_of(request.user))
    if not form.is_valid():
        staff_profile = selectors.profile_of(request.user)
        language_form = PreferredLanguageForm(initial=_language_initial(request, staff_profile))
        return _render_profile(request, staff_profile, form=language_form, notifications_form=form)
    services.notification_preferences_set(user=request.user, by_email=form.by_email())
    messages.success(request, _("Your notification choices are saved."))
    return redirect("people:profile")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old password checked as a sign-in is (throttled and audited)."""

    form_class = ReauthenticatedPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}


# Where the file previewed waits for its confirmation: in the person's own session, on the server, so that
# what is applied is exactly what was previewed (the confirmation names its fingerprint).
IMPORT_SESSION_KEY = "people.staff_import"
# Rows shown per kind of change, and problems shown, in the preview: enough to judge a file by.
PREVIEW_ROWS = 50
PREVIEW_PROBLEMS = 200
KIND_LABELS = {
    "created": gettext_lazy("New people"),
    "changed": gettext_lazy("Details changed"),
    # Said of people: Romanian agrees the participle with its noun ("Moved" alone is said of a section).
    "moved": pgettext_lazy("people", "Moved"),
    "deactivated": gettext_lazy("Deactivated"),
    "reactivated": gettext_lazy("Reactivated"),
}


def _import_page(
    request: HttpRequest, form: StaffImportForm, plan: Plan | None = None, status: int = 200
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "plan": plan, "columns": COLUMNS}
    if plan is not None:
        context.update(
            problems=plan.problems[:PREVIEW_PROBLEMS],
            hidden_problems=max(len(plan.problems) - PREVIEW_PROBLEMS, 0),
            refused_lines=len({problem.line for problem in plan.problems}),
            kinds=[
                (KIND_LABELS[kind], len(entries), entries[:PREVIEW_ROWS], max(len(entries) - PREVIEW_ROWS, 0))
                for kind, entries in plan.entries.items()
            ],
            confirm=StaffImportConfirmForm(initial={"digest": plan.digest}),
        )
    return render(request, "people/staff_import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("people.import_staff")
def staff_import(request: HttpRequest) -> HttpResponse:
    """Upload an HR file and see what it would change; nothing is saved until the preview is confirmed."""
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _import_page(request, form)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    content: bytes = form.cleaned_data["file"]
    plan = import_plan(content, actor=request.user)
    if plan.problems:
        request.session.pop(IMPORT_SESSION_KEY, None)
        return _import_page(request, StaffImportForm(), plan, status=400)
    request.session[IMPORT_SESSION_KEY] = {"digest": plan.digest, "content": base64.b64encode(content).decode()}
    return _import_page(request, StaffImportForm(), plan)


@require_POST
@permission_required("people.import_staff")
def staff_import_confirm(request: HttpRequest) -> HttpResponse:
    """Apply the file previewed, if it is still the one kept for this person and still valid."""
    confirm = StaffImportConfirmForm(request.POST)
    kept = request.session.get(IMPORT_SESSION_KEY)
    content = base64.b64decode(kept["content"]) if kept else b""
    if not kept or not confirm.is_valid() or confirm.cleaned_data["digest"] != hashlib.sha256(content).hexdigest():
        messages.error(request, _("The file to import is not the one previewed any more: upload it again."))
        return _import_page(request, StaffImportForm(), status=409)
    try:
        plan = services.people_import(content=content, actor=request.user)
    except services.ImportRefused as refused:
        # The staff changed since the preview (someone else's import, an edit): the rows are checked again.
        request.session.pop(IMPORT_SESSION_KEY, None)
        return _import_page(request, StaffImportForm(), refused.plan, status=409)
    request.session.pop(IMPORT_SESSION_KEY, None)
    counts = plan.counts()
    messages.success(
        request,
        # Each figure after its label: a word before a number need not agree with it (Romanian would).
        ngettext(
            "Imported %(rows)d row: new %(created)d, details changed %(changed)d, moved %(moved)d, "
            "deactivated %(deactivated)d, reactivated %(reactivated)d, unchanged %(unchanged)d.",
            "Imported %(rows)d rows: new %(created)d, details changed %(changed)d, moved %(moved)d, "
            "deactivated %(deactivated)d, reactivated %(reactivated)d, unchanged %(unchanged)d.",
            counts["rows"],
        )
        % counts,
    )
    return redirect("people:staff_import")


# ---------------------------------------------------------------------------
# Staff without a sign-in, and their kiosk PINs and codes (people.kiosk)
# ---------------------------------------------------------------------------


@require_GET
@permission_required("people.manage_kiosk_people")
def kiosk_people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The people without a sign-in the user looks after (their team's; everyone's for who sees the
    organisation), with whether each has a PIN or code and is locked out, and the buttons to issue one."""
    people = kiosk.kiosk_people_for(request.user).select_related("kiosk_credential").order_by("employee_id")
    return render(request, "people/kiosk_people.html", {"page": paginate(request, people), "now": timezone.now()})


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_kiosk_people")
def kiosk_person_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = KioskPersonForm(request.POST or None, departments=kiosk.kiosk_departments_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            person = kiosk.person_create_without_sign_in(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("%(name)s is added. Issue them a PIN or a one-time code.") % {"name": person.full_name}
            )
            return redirect("people:kiosk_people")
    return render(request, "people/kiosk_person_add.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@permission_required("people.manage_kiosk_people")
def kiosk_credential_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Issue a PIN or a one-time code and show it, this once: the page is not stored, and only its hash is kept."""
    person = get_object_or_404(kiosk.kiosk_people_for(request.user), pk=pk)
    form = KioskCredentialForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a PIN or a one-time code."))
        return redirect("people:kiosk_people")
    one_time = form.cleaned_data["kind"] == "code"
    secret = kiosk.credential_issue(person=person, actor=request.user, one_time=one_time)
    context = {"person": person, "secret": secret, "one_time": one_time, "valid_hours": settings.KIOSK_CODE_VALID_HOURS}
    return render(request, "people/kiosk_credential.html", context)
