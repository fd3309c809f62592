"""The API under /api/v1/: one router for the resources, the schema and its two documentation pages; and
each person's page of API tokens, /profile/api-tokens/.

Each resource module registers its viewsets here, once (the `register` lines below)."""

from __future__ import annotations

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import errors, views
from .resources import acknowledgements, codes, people, training
from .views import SchemaView

app_name = "api"


class Router(DefaultRouter):
    # No browsable root view and no format suffixes: the API answers JSON only, and ?format= is refused.
    include_root_view = False
    include_format_suffixes = False


# The two style elements ReDoc's bundle writes as it loads, before it is told the nonce: an empty one and
# its scrollbar styles, allowed by their SHA-256. A new ReDoc (drf-spectacular-sidecar) may change the
# second; e2e/test_api.py then fails with the new hash in the browser's CSP message.
REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]

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
        # ReDoc's styles are written by its script: they are allowed by this response's nonce, on this page only.
        login_required(
            csp_update({"style-src": [SELF, NONCE, *REDOC_STYLE_HASHES]})(
                SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
            )
        ),
        name="redoc",
    ),
    path("versions/<int:pk>/figures/", acknowledgements.VersionFiguresView.as_view(), name="version-figures"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("api/v1/", include(v1)),
    # Each person's tokens, beside their profile.
    path("profile/api-tokens/", views.token_list, name="token_list"),
    path("profile/api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    # Any other address under /api/ is the API's JSON 404, whatever the method.
    re_path(r"^api/", csrf_exempt(login_not_required(errors.not_found)), name="not_found"),
]
