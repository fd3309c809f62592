"""The base of every API view: it accepts only the query parameters it declares.

A view's allowed query parameters are, for its list action, the pagination's (`cursor`, `page_size`) and
its filterset's (with the suffixes of range filters, `due_date_after`...), plus whatever it declares in
`query_parameters` (drf-spectacular `OpenApiParameter`s, which `api.schema.ApiAutoSchema` also puts in
the schema, so that what is documented and what is accepted are one list). Anything else is refused with
400 `unknown_parameter`, so that a misspelt filter never silently returns everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.contrib.auth.decorators import login_not_required
from django.forms import MultiWidget
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from common.replica import replica_reads

from .errors import UnknownParameter
from .json_pages import ListsJsonFromDatabase

# Numeric ids only in paths, so that /people/abc/ is the API's own 404 and the schema says integer.
ID_PATTERN = r"[0-9]+"


def _filter_parameter_names(filterset_class: Any) -> Iterable[str]:
    for name, filter_ in filterset_class.base_filters.items():
        widget = filter_.field.widget
        if hasattr(widget, "suffixes"):
            yield from (widget.suffixed(name, suffix) for suffix in widget.suffixes)
        elif isinstance(widget, MultiWidget):
            yield from (f"{name}_{index}" for index in range(len(widget.widgets)))
        else:
            yield name


class DeclaredParametersMixin:
    """For a GenericAPIView: refuse the query parameters the view does not declare (see the module)."""

    # The query parameters of the list action beyond filters and pagination, as documented.
    query_parameters: ClassVar[Sequence[OpenApiParameter]] = ()

    @classmethod
    def as_view(cls, *args: Any, **kwargs: Any) -> Any:
        # DRF authenticates API requests (token or session): Django's sign-in redirect must not step in.
        return login_not_required(super().as_view(*args, **kwargs))  # type: ignore[misc]

    def _is_list_action(self) -> bool:
        action = getattr(self, "action", None)
        return action == "list" if action is not None else getattr(self, "pagination_class", None) is not None

    def get_query_parameters(self) -> Sequence[OpenApiParameter]:
        """The declared parameters of the current action (by default `query_parameters`, for the list)."""
        return self.query_parameters if self._is_list_action() else ()

    def allowed_query_parameters(self) -> set[str]:
        allowed = {parameter.name for parameter in self.get_query_parameters()}
        if not self._is_list_action():
            return allowed
        assert isinstance(self, GenericAPIView)
        paginator = self.paginator
        if paginator is not None:
            allowed.update(paginator.query_parameters)
        # A declared filterset names its parameters alone; the queryset (which reads the person's permissions,
        # and is built again by the list) is needed only to derive one from `filterset_fields`.
        queryset = None if getattr(self, "filterset_class", None) else self.get_queryset()
        for backend in self.filter_backends:
            if issubclass(backend, DjangoFilterBackend):
                filterset_class = backend().get_filterset_class(self, queryset)
                if filterset_class is not None:
                    allowed.update(_filter_parameter_names(filterset_class))
        return allowed

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # After authentication, permissions and throttling: a stranger learns nothing of the parameters.
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        unknown = sorted(set(request.query_params) - self.allowed_query_parameters())
        if unknown:
            allowed = sorted(self.allowed_query_parameters())
            raise UnknownParameter(
                _("Unknown query parameter: %(unknown)s. This endpoint accepts: %(allowed)s.")
                % {"unknown": ", ".join(unknown), "allowed": ", ".join(allowed) or _("none")}
            )


class ListsFromReplica:
    """For a view set with a list action: the list reads from the read replica (common/replica.py).

    Only the list itself: the token, the permissions and the rate limit are read before it, from the primary."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with replica_reads(request.user):
            return super().list(request, *args, **kwargs)  # type: ignore[misc]


class ReadOnlyViewSet(ListsFromReplica, DeclaredParametersMixin, viewsets.ReadOnlyModelViewSet):
    """List (cursor-paginated, filterable) and retrieve; the queryset is what the person may see."""


class JsonPagesViewSet(ListsFromReplica, ListsJsonFromDatabase, DeclaredParametersMixin, viewsets.ReadOnlyModelViewSet):
    """A ReadOnlyViewSet for the large lists: its pages' rows are written as JSON by PostgreSQL (api.json_pages)."""


class ViewSet(DeclaredParametersMixin, viewsets.GenericViewSet):
    """For resources with custom actions; mix in DRF's list/retrieve/create mixins as needed."""
