"""Pages of a list, and of a list whose rows the caller has counted already."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory

from common.pagination import paginate

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(db):
    Group.objects.bulk_create(Group(name=f"Group {n:02d}") for n in range(30))
    return Group.objects.filter(name__startswith="Group ").order_by("name")


def test_a_page_given_the_count_reads_only_its_rows(django_assert_num_queries, groups) -> None:
    request = RequestFactory().get("/", {"groups_page": 2})

    with django_assert_num_queries(1):
        page = paginate(request, groups, per_page=25, parameter="groups_page", count=30)
        names = [group.name for group in page]

    assert names == [f"Group {n:02d}" for n in range(25, 30)]
    assert page.paginator.num_pages == 2


def test_a_page_without_the_count_counts_its_list(django_assert_num_queries, groups) -> None:
    with django_assert_num_queries(2):
        page = paginate(RequestFactory().get("/"), groups, per_page=25)
        list(page)

    assert page.paginator.count == 30
