"""The API under /api/v1/: one router for the resources, the schema and its two documentation pages.

Each resource module registers its viewsets here, once (the `register` lines below)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import errors
from .resources import acknowledgements, codes, people, training
from .views import SchemaView

app_name = "api"


class Router(DefaultRouter):
    # No browsable root view and no format suffixes: the API answers JSON only, and ?format= is refused.
    include_root_view = False
    include_format_suffixes = False


router = Router(trailing_slash="/")
router.register("departments", people.DepartmentViewSet, basename="department")
router.register("people", people.PersonViewSet, basename="person")
router.register("courses", training.CourseViewSet, basename="course")
router.register("assignments", training.AssignmentViewSet, basename="assignment")
router.register("completions", training.CompletionViewSet, basename="completion")
router.register("documents", codes.CodeDocumentViewSet, basename="document")
router.register("versions", codes.CodeVersionViewSet, basename="version")
router.register("requests", acknowledgements.AcknowledgementRequestViewSet, basename="request")
router.register("signatures", acknowledgements.SignatureViewSet, basename="signature")

v1 = [
    # DRF authenticates these (token or session), so Django's sign-in redirect must not step in.
    path("schema/", SchemaView.as_view(), name="schema"),
    # The pages are for a signed-in person's browser: anonymous, they go to the sign-in page.
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")),
        name="docs",
    ),
    path(
        "redoc/",
        login_required(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")),
        name="redoc",
    ),
    path("versions/<int:pk>/figures/", acknowledgements.VersionFiguresView.as_view(), name="version-figures"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("v1/", include(v1)),
    # Any other address under /api/ is the API's JSON 404, whatever the method.
    re_path(r"", csrf_exempt(login_not_required(errors.not_found)), name="not_found"),
]
