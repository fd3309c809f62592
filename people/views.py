from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.pagination import paginate, query_without_page
from common.permissions import permission_required

from . import selectors, services
from .forms import PreferredLanguageForm, ReauthenticatedPasswordChangeForm, StaffFilterForm
from .middleware import remember_language


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


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    staff_profile = selectors.profile_of(request.user)
    initial = {"preferred_language": staff_profile.preferred_language if staff_profile else request.LANGUAGE_CODE}
    form = PreferredLanguageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["preferred_language"]
        if staff_profile is not None:
            services.profile_set_language(profile=staff_profile, language=language)
        remember_language(request, language)
        messages.success(request, _("From now on the portal speaks to you in the language you chose."))
        return redirect("people:profile")
    return render(request, "people/profile.html", {"staff_profile": staff_profile, "form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with the old password checked as a sign-in is (throttled and audited)."""

    form_class = ReauthenticatedPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}
