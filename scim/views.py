"""The SCIM 2.0 endpoint (RFC 7644) at /scim/v2/: discovery, Users (staff) and Groups (departments).

The views answer a SCIM client, not a browser: they take a bearer token instead of a session
(so no CSRF check and no sign-in redirect), speak application/scim+json, and answer every
mistake with a SCIM error body (status, scimType, detail), never a page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

import scim2_models as scim
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError

from people.models import Department, StaffProfile

from . import provisioning, wire
from .models import ScimToken
from .services import TokenRefused, token_authenticate

CONTENT_TYPE = "application/scim+json"
BEARER = re.compile(r"Bearer\s+(\S+)\s*$", re.IGNORECASE)
# `attribute eq "value"`, the one filter the portal answers (RFC 7644 §3.4.2.2).
EQUALITY = re.compile(r'^\s*([A-Za-z][\w:.$-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
USER_FILTERS = {
    "userName": "user__username__iexact",
    "externalId": "user__scim_account__external_id",
    "emails.value": "user__email__iexact",
    f"{wire.ENTERPRISE_URN}:employeeNumber": "employee_id",
}
GROUP_FILTERS = {"displayName": "name__iexact"}

View = Callable[..., HttpResponse]


def _answer(payload: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(json.dumps(payload), status=status, content_type=CONTENT_TYPE, headers=headers)


def _error(refusal: scim.SCIMException, *, headers: dict[str, str] | None = None) -> HttpResponse:
    return _answer(refusal.to_error().model_dump(), status=refusal.status, headers=headers)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root"))


def scim_view(methods: set[str]) -> Callable[[View], View]:
    """A SCIM view: bearer-token authenticated, CSRF-exempt (no cookie is involved), answering only
    `methods` and every refusal as a SCIM error."""

    def decorate(view: View) -> View:
        @wraps(view)
        @csrf_exempt
        @login_not_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            match = BEARER.match(request.headers.get("Authorization", ""))
            try:
                token = token_authenticate(secret=match.group(1) if match else "")
            except TokenRefused as refused:
                error = scim.ForbiddenException if refused.revoked else scim.UnauthorizedException
                return _error(error(detail=refused.message), headers={"WWW-Authenticate": 'Bearer realm="SCIM"'})
            if request.method not in methods:
                return _answer(
                    scim.Error(status=405, detail=f"{request.method} is not supported here.").model_dump(),
                    status=405,
                    headers={"Allow": ", ".join(sorted(methods))},
                )
            try:
                return view(request, token, *args, **kwargs)
            except scim.SCIMException as refused:
                return _error(refused)
            except ValidationError as invalid:
                # The first error is the one a client can act on; the others often follow from it.
                problem = scim.Error.from_validation_errors(invalid)[0]
                return _answer(problem.model_dump(), status=int(problem.status or 400))

        return wrapped

    return decorate


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as invalid:
        raise scim.InvalidSyntaxException(detail=f"The body is not JSON: {invalid}") from invalid


def _shown(request: HttpRequest, model: type[Any], params: dict[str, Any]) -> scim.ResponseParameters[Any]:
    """The `attributes` and `excludedAttributes` asked for (RFC 7644 §3.9), from the query or a search's body."""
    asked = {name: params[name] for name in ("attributes", "excludedAttributes") if params.get(name)}
    return scim.ResponseParameters[model].model_validate(asked)  # type: ignore[valid-type]


def _dump(resource: Any, shown: scim.ResponseParameters[Any] | None = None) -> Any:
    return resource.model_dump(scim_ctx=scim.Context.RESOURCE_QUERY_RESPONSE, response_parameters=shown)


def _positive(value: Any, name: str, *, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as invalid:
        raise scim.InvalidValueException(detail=f"{name} must be a whole number.") from invalid


def _filtered(queryset: QuerySet[Any], text: str | None, lookups: dict[str, str]) -> QuerySet[Any]:
    if not text:
        return queryset
    # Attribute names are case-insensitive (RFC 7643 §2.1).
    by_name = {name.lower(): lookup for name, lookup in lookups.items()}
    match = EQUALITY.match(text)
    if not match or match.group(1).lower() not in by_name:
        supported = ", ".join(f'{name} eq "…"' for name in lookups)
        raise scim.InvalidFilterException(detail=f"Only these filters are supported: {supported}.")
    try:
        value = json.loads(f'"{match.group(2)}"')
    except ValueError as invalid:
        raise scim.InvalidFilterException(detail=f"The filter's value is not a valid string: {invalid}") from invalid
    return queryset.filter(**{by_name[match.group(1).lower()]: value})


def _list(
    request: HttpRequest,
    queryset: QuerySet[Any],
    render: Callable[[Any], scim.Resource[Any]],
    model: type[Any],
    params: dict[str, Any],
    lookups: dict[str, str],
) -> HttpResponse:
    """One page of a collection (RFC 7644 §3.4.2.4): `startIndex` from 1, `count` at most SCIM_MAX_RESULTS."""
    found = _filtered(queryset, params.get("filter"), lookups)
    start = max(_positive(params.get("startIndex"), "startIndex", default=1), 1)
    count = min(
        max(_positive(params.get("count"), "count", default=settings.SCIM_MAX_RESULTS), 0), settings.SCIM_MAX_RESULTS
    )
    total = found.count()
    page = [render(item) for item in found[start - 1 : start - 1 + count]] if count else []
    answer = scim.ListResponse[model](total_results=total, start_index=start, items_per_page=len(page), resources=page)  # type: ignore[valid-type]
    return _answer(_dump(answer, _shown(request, model, params)))


@scim_view({"GET"})
def service_provider_config(request: HttpRequest, token: ScimToken) -> HttpResponse:
    config = wire.service_provider_config(base_url=_base_url(request), max_results=settings.SCIM_MAX_RESULTS)
    return _answer(_dump(config))


def _discovery(request: HttpRequest, found: list[Any], model: type[Any], pk: str | None) -> HttpResponse:
    kind = model.__name__
    if pk is not None:
        chosen = next((item for item in found if item.id == pk), None)
        if chosen is None:
            raise scim.NotFoundException(detail=f"No {kind} {pk!r}.")
        return _answer(_dump(chosen))
    answer = scim.ListResponse[model](  # type: ignore[valid-type]
        total_results=len(found), start_index=1, items_per_page=len(found), resources=found
    )
    return _answer(_dump(answer))


@scim_view({"GET"})
def resource_types(request: HttpRequest, token: ScimToken, pk: str | None = None) -> HttpResponse:
    return _discovery(request, wire.resource_types(base_url=_base_url(request)), scim.ResourceType, pk)


@scim_view({"GET"})
def schemas(request: HttpRequest, token: ScimToken, pk: str | None = None) -> HttpResponse:
    return _discovery(request, wire.schemas(base_url=_base_url(request)), scim.Schema, pk)


def _user_or_404(pk: str) -> StaffProfile:
    found = wire.row_id(pk)
    person = wire.users_queryset().filter(user_id=found).first() if found is not None else None
    if person is None:
        raise scim.NotFoundException(detail=f"No User {pk!r}.")
    return person


def _one(request: HttpRequest, resource: Any, model: type[Any], *, status: int) -> HttpResponse:
    """One resource as asked (`attributes`, `excludedAttributes`), with its Location when just created."""
    headers = {"Location": str(resource.meta.location)} if status == 201 and resource.meta else None
    return _answer(_dump(resource, _shown(request, model, request.GET.dict())), status=status, headers=headers)


def _user_answer(request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
    resource = wire.user_resource(_user_or_404(str(pk)), base_url=_base_url(request))
    return _one(request, resource, wire.UserResource, status=status)


def _manager_reference(request: HttpRequest, manager: Any) -> Any:
    """The manager as scim2-models wants it, from what identity providers send: often the id alone
    (Entra ID PATCHes `"value": "<id>"`), whose $ref follows from it."""
    if isinstance(manager, str | int):
        manager = {"value": str(manager)}
    if isinstance(manager, dict) and manager.get("value") and not manager.get("$ref"):
        manager = {**manager, "$ref": f"{_base_url(request)}Users/{manager['value']}"}
    return manager


def _with_manager_reference(request: HttpRequest, resource: Any) -> Any:
    enterprise = resource.get(wire.ENTERPRISE_URN) if isinstance(resource, dict) else None
    if isinstance(enterprise, dict) and "manager" in enterprise:
        enterprise["manager"] = _manager_reference(request, enterprise["manager"])
    return resource


def _parsed_user(request: HttpRequest, context: scim.Context) -> Any:
    payload = _with_manager_reference(request, _body(request))
    return wire.UserResource.model_validate(payload, scim_ctx=context)


def _parsed_user_patch(request: HttpRequest) -> Any:
    payload = _body(request)
    manager_path = f"{wire.ENTERPRISE_URN}:manager".lower()
    for operation in payload.get("Operations", []) if isinstance(payload, dict) else []:
        if not isinstance(operation, dict):
            continue
        if str(operation.get("path", "")).lower() == manager_path:
            operation["value"] = _manager_reference(request, operation.get("value"))
        elif "path" not in operation:
            _with_manager_reference(request, operation.get("value"))
    return scim.PatchOp[wire.UserResource].model_validate(payload, scim_ctx=scim.Context.RESOURCE_PATCH_REQUEST)


def _users_list(request: HttpRequest, params: dict[str, Any]) -> HttpResponse:
    base_url = _base_url(request)
    return _list(
        request,
        wire.users_queryset(),
        lambda person: wire.user_resource(person, base_url=base_url),
        wire.UserResource,
        params,
        USER_FILTERS,
    )


@scim_view({"GET", "POST"})
def users(request: HttpRequest, token: ScimToken) -> HttpResponse:
    if request.method == "POST":
        resource = _parsed_user(request, scim.Context.RESOURCE_CREATION_REQUEST)
        person = provisioning.user_create(data=wire.person_data(resource), token=token)
        return _user_answer(request, person.user_id, status=201)
    return _users_list(request, request.GET.dict())


def _search_params(request: HttpRequest) -> dict[str, Any]:
    search: scim.SearchRequest = scim.SearchRequest.model_validate(_body(request), scim_ctx=scim.Context.SEARCH_REQUEST)
    return search.model_dump(by_alias=True, exclude_none=True)


@scim_view({"POST"})
def users_search(request: HttpRequest, token: ScimToken) -> HttpResponse:
    return _users_list(request, _search_params(request))


@scim_view({"POST"})
def groups_search(request: HttpRequest, token: ScimToken) -> HttpResponse:
    return _groups_list(request, _search_params(request))


@scim_view({"POST"})
def search(request: HttpRequest, token: ScimToken) -> HttpResponse:
    # RFC 7644 §3.4.3 lets a server answer 501 to a search across resource types.
    raise scim.NotImplementedException(detail="Search /Users/.search or /Groups/.search, one resource type at a time.")


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def user(request: HttpRequest, token: ScimToken, pk: str) -> HttpResponse:
    person = _user_or_404(pk)
    if request.method == "GET":
        return _user_answer(request, person.user_id)
    if request.method == "DELETE":
        provisioning.user_delete(person=person, token=token)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = _parsed_user(request, scim.Context.RESOURCE_REPLACEMENT_REQUEST)
        operation = "replace"
    else:
        patch = _parsed_user_patch(request)
        for operation_asked in patch.operations or []:
            if (
                operation_asked.op == scim.PatchOperation.Op.remove
                and str(operation_asked.path).lower() in wire.REQUIRED_PATHS
            ):
                raise scim.MutabilityException(
                    detail=f"{operation_asked.path} cannot be removed: every person has one."
                )
        resource = wire.user_resource(person, base_url=_base_url(request))
        patch.patch(resource)
        operation = "patch"
    provisioning.user_replace(person=person, data=wire.person_data(resource), token=token, operation=operation)
    return _user_answer(request, person.user_id)


def _group_or_404(pk: str) -> Department:
    found = wire.row_id(pk)
    department = wire.groups_queryset().filter(pk=found).first() if found is not None else None
    if department is None:
        raise scim.NotFoundException(detail=f"No Group {pk!r}.")
    return department


def _group_answer(request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
    resource = wire.group_resource(_group_or_404(str(pk)), base_url=_base_url(request))
    return _one(request, resource, scim.Group, status=status)


def _groups_list(request: HttpRequest, params: dict[str, Any]) -> HttpResponse:
    base_url = _base_url(request)
    return _list(
        request,
        wire.groups_queryset(),
        lambda department: wire.group_resource(department, base_url=base_url),
        scim.Group,
        params,
        GROUP_FILTERS,
    )


@scim_view({"GET", "POST"})
def groups(request: HttpRequest, token: ScimToken) -> HttpResponse:
    if request.method == "POST":
        resource = scim.Group.model_validate(_body(request), scim_ctx=scim.Context.RESOURCE_CREATION_REQUEST)
        department = provisioning.group_create(data=wire.group_data(resource), token=token)
        return _group_answer(request, department.pk, status=201)
    return _groups_list(request, request.GET.dict())


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def group(request: HttpRequest, token: ScimToken, pk: str) -> HttpResponse:
    department = _group_or_404(pk)
    if request.method == "GET":
        return _group_answer(request, department.pk)
    if request.method == "DELETE":
        provisioning.group_delete(department=department, token=token)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = scim.Group.model_validate(_body(request), scim_ctx=scim.Context.RESOURCE_REPLACEMENT_REQUEST)
        operation = "replace"
    else:
        patch = scim.PatchOp[scim.Group].model_validate(_body(request), scim_ctx=scim.Context.RESOURCE_PATCH_REQUEST)
        resource = wire.group_resource(department, base_url=_base_url(request))
        patch.patch(resource)
        operation = "patch"
    provisioning.group_replace(department=department, data=wire.group_data(resource), token=token, operation=operation)
    return _group_answer(request, department.pk)


@scim_view({"GET", "POST", "PUT", "PATCH", "DELETE"})
def unknown(request: HttpRequest, token: ScimToken, rest: str) -> HttpResponse:
    raise scim.NotFoundException(detail=f"There is no SCIM endpoint {rest!r}.")
