from __future__ import annotations

import re

import pytest
import yaml
from django.test import Client
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.validation import validate_schema

from common.tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db

# A <script> element with something between its tags: inline code, which the CSP refuses.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)


def test_the_schema_is_valid_openapi_3(api_as, agent) -> None:
    response = api_as(agent).get("/api/v1/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_the_schema_is_served_as_json_too(api_as, agent) -> None:
    response = api_as(agent).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Conduct Portal API"


def test_the_schema_declares_the_bearer_scheme(api_as, agent) -> None:
    schema = api_as(agent).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert schema["components"]["securitySchemes"]["apiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "cpt_…",
        "description": "An API token, made on your profile page (Profile, API tokens).",
    }


def test_every_operation_documents_the_shared_error_responses(api_as, agent) -> None:
    schema = api_as(agent).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operations = [operation for path in schema["paths"].values() for operation in path.values()]
    assert operations
    for operation in operations:
        for code in ["400", "401", "403", "404", "405", "406", "429"]:
            content = operation["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"type", "detail"}


def test_the_schema_needs_credentials(client: Client) -> None:
    response = client.get("/api/v1/schema/")

    assert response.status_code == 401
    assert response.json()["type"] == "not_authenticated"


# Not named `page`: that is pytest-playwright's fixture, which would make these browser tests.
@pytest.mark.parametrize("address", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_documentation_pages_have_no_inline_code_under_the_csp(sign_in, agent, address: str) -> None:
    response = sign_in(agent).get(address)

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert INLINE_SCRIPT.search(html) is None
    assert INLINE_STYLE.search(html) is None
    assert "https://" not in html


def test_the_swagger_ui_script_is_a_file_of_our_own(sign_in, agent) -> None:
    response = sign_in(agent).get("/api/v1/docs/?script")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in response.content.decode()


# Not named `page`: that is pytest-playwright's fixture, which would make these browser tests.
@pytest.mark.parametrize("address", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_documentation_pages_send_an_anonymous_browser_to_sign_in(client: Client, address: str) -> None:
    response = client.get(address)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_redoc_styles_are_allowed_by_this_responses_nonce_only(sign_in, agent) -> None:
    response = sign_in(agent).get("/api/v1/redoc/")

    nonce = re.search(r'data-nonce="([^"]+)"', response.content.decode()).group(1)
    policy = response["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" in policy
    assert "unsafe-inline" not in policy


SLOW_MISSING_MODULE = """
import time

# An optional package drf-spectacular has an extension for but that is not installed, slow to fail.
time.sleep(0.3)
raise ImportError("not installed")
"""


# serialized_rollback puts back the roles the flush removes, as in every other transactional test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_first_requests_for_the_schema_at_once_both_get_it(
    api_as, agent, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # drf-spectacular resolves each extension's target class on first use and sets it to None when its
    # package is missing: a second thread that failed the same import then read None and answered 500 (seen
    # when schemathesis's two runs loaded the schema at the same moment). A slow failing import makes the
    # overlap certain.
    (tmp_path / "slow_missing_package.py").write_text(SLOW_MISSING_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    extension = OpenApiViewExtension._registry[0]
    monkeypatch.setattr(extension, "target_class", "slow_missing_package.View")
    clients = [api_as(agent), api_as(agent)]
    statuses: list[int] = []

    run_at_once(
        [lambda client=client: statuses.append(client.get("/api/v1/schema/").status_code) for client in clients]
    )

    assert statuses == [200, 200]


def test_the_schema_lists_the_resources_not_itself(api_as, agent) -> None:
    schema = api_as(agent).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert "/api/v1/signatures/" in schema["paths"]
    assert "/api/v1/schema/" not in schema["paths"]
