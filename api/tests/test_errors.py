from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient

from common.errors import DomainError, InputRefused

pytestmark = pytest.mark.django_db


@api_view(["POST"])
def _echo(request: Request) -> Response:
    """A test endpoint that reads a JSON body, then raises what the body names."""
    raised = request.data.get("raise")
    if raised == "domain":
        raise DomainError("The version is already published.")
    if raised == "input":
        raise InputRefused("Give a reason.", field="reason")
    if raised == "http404":
        raise Http404
    if raised == "denied":
        raise PermissionDenied
    return Response(request.data)


urlpatterns = [path("api/v1/echo/", _echo)]


@pytest.fixture
def echo(api_as, agent, settings) -> APIClient:
    settings.ROOT_URLCONF = __name__
    return api_as(agent)


def test_malformed_json_is_a_parse_error(echo) -> None:
    response = echo.post("/api/v1/echo/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["type"] == "parse_error"
    assert "JSON" in response.json()["detail"]


def test_a_body_that_is_not_json_is_an_unsupported_media_type(echo) -> None:
    response = echo.post("/api/v1/echo/", "a=1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["type"] == "unsupported_media_type"


def test_asking_for_anything_but_json_is_not_acceptable(echo) -> None:
    response = echo.post("/api/v1/echo/", {}, format="json", HTTP_ACCEPT="text/html")

    assert response.status_code == 406
    assert response.json()["type"] == "not_acceptable"


def test_a_domain_error_is_a_validation_error_with_its_message(echo) -> None:
    response = echo.post("/api/v1/echo/", {"raise": "domain"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "detail": "The version is already published.",
        "errors": {"non_field_errors": ["The version is already published."]},
    }


def test_a_refused_input_names_its_field(echo) -> None:
    response = echo.post("/api/v1/echo/", {"raise": "input"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Give a reason."]}


def test_djangos_404_is_a_not_found(echo) -> None:
    response = echo.post("/api/v1/echo/", {"raise": "http404"}, format="json")

    assert response.status_code == 404
    assert response.json()["type"] == "not_found"


def test_djangos_permission_denied_is_a_permission_denied(echo) -> None:
    response = echo.post("/api/v1/echo/", {"raise": "denied"}, format="json")

    assert response.status_code == 403
    assert response.json()["type"] == "permission_denied"


@pytest.mark.parametrize("method", ["get", "post", "delete"])
@pytest.mark.parametrize("address", ["/api/", "/api/v1/nowhere/", "/api/v2/people/", "/api/v1/people/abc/"])
def test_an_address_that_names_no_endpoint_is_a_json_404(client, method: str, address: str) -> None:
    response = getattr(client, method)(address)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"type": "not_found", "detail": "There is no API endpoint at this address."}


def test_an_unknown_query_parameter_is_refused_with_the_ones_accepted(api_as, compliance_officer) -> None:
    response = api_as(compliance_officer).get("/api/v1/people/?departmnet=3")

    assert response.status_code == 400
    assert response.json() == {
        "type": "unknown_parameter",
        "detail": "Unknown query parameter: departmnet. "
        "This endpoint accepts: active, cursor, department, employee_id, page_size.",
    }


@pytest.mark.parametrize("parameter", ["format=json", "page=2", "ordering=-id", "search=ana"])
def test_parameters_other_apis_know_are_unknown_here(api_as, compliance_officer, parameter: str) -> None:
    response = api_as(compliance_officer).get(f"/api/v1/people/?{parameter}")

    assert response.status_code == 400
    assert response.json()["type"] == "unknown_parameter"


def test_a_retrieve_accepts_no_list_parameters(api_as, agent) -> None:
    response = api_as(agent).get(f"/api/v1/people/{agent.pk}/?page_size=5")

    assert response.status_code == 400
    assert response.json()["type"] == "unknown_parameter"
