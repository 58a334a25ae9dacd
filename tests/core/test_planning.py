"""Queries planned with their joins in the written order, and the setting put back after."""

import pytest
from django.db import DatabaseError, connection, transaction

from tradeportal.planning import joins_as_written

pytestmark = pytest.mark.django_db


def setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


def test_the_joins_are_planned_as_written_inside_the_block_only():
    before = setting()
    assert before != "1"
    with joins_as_written():
        assert setting() == "1"
    assert setting() == before


def test_a_query_failing_inside_the_block_raises_its_own_error_and_leaves_nothing_behind():
    before = setting()
    failing = pytest.raises(DatabaseError, match="no_such_table")
    with failing, transaction.atomic(), joins_as_written(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert setting() == before  # the rollback undid the SET
