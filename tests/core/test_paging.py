"""A page of search results and its total, read in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opportunities.models import Opportunity
from tests.factories import OpportunityFactory
from tradeportal.paging import WindowCountPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed():
    OpportunityFactory.create_batch(23, market_country="PE")
    return Opportunity.objects.order_by("-pk")


def page_in_queries(rows, number, per_page=10):
    with CaptureQueriesContext(connection) as queries:
        page = WindowCountPaginator(rows, per_page).get_page(number)
        shown = (list(page), page.paginator.count, page.paginator.num_pages, page.number)
    return shown, len(queries)


def test_a_page_and_its_total_come_in_one_query(listed):
    (rows, count, pages, number), queries = page_in_queries(listed, "2")
    assert queries == 1
    assert rows == list(listed[10:20])
    assert (count, pages, number) == (23, 3, 2)


def test_the_last_page_holds_the_rest(listed):
    (rows, count, _pages, number), queries = page_in_queries(listed, 3)
    assert queries == 1 and len(rows) == 3 and (count, number) == (23, 3)


def test_a_page_past_the_end_is_the_last_one_as_in_django(listed):
    for past in ("4", "99", str(10**30)):
        (rows, count, _pages, number), _queries = page_in_queries(listed, past)
        assert (len(rows), count, number) == (3, 23, 3)


def test_a_page_that_is_not_a_number_is_the_first(listed):
    for odd in ("", None, "dos", "-1", "0"):
        (rows, count, _pages, number), queries = page_in_queries(listed, odd)
        assert (rows, count, number, queries) == (list(listed[:10]), 23, 1, 1)


def test_an_empty_list_is_one_empty_page():
    (rows, count, pages, number), _queries = page_in_queries(Opportunity.objects.none(), 1)
    assert (rows, count, pages, number) == ([], 0, 1, 1)
