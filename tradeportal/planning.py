"""Queries PostgreSQL plans with a planner setting of their own (`planned_with`), restored after
them: in the order their joins are written (`joins_as_written`), or without the join methods
that statistics lagging behind a bulk write would choose.

A list of matches joins the match to its opportunity, that opportunity's code, region, sector and
buyer, and the counterpart firm with its region: eight tables, all LEFT JOINs hanging off one
company's few matches. With eight relations PostgreSQL searches every join order
(`join_collapse_limit` 8): 5.4 ms of planning for 0.4 ms of execution, measured at 100,000
companies. The order Django writes them in (the match first, found by its company's index, then
each joined row by its key) is the plan it picks anyway; with `join_collapse_limit` 1 it is found
in 0.9 ms.

`joins_as_written` only for queries whose written order is the good one: a join whose
selective table comes last would be planned badly.
"""

from contextlib import contextmanager

from django.db import connection
from psycopg.pq import TransactionStatus


@contextmanager
def planned_with(**settings):
    """Inside the block, PostgreSQL plans this connection's queries with these settings (name =
    value); they are restored after it (on SQLite, nothing changes)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for name, value in settings.items():
            cursor.execute(f"SET {name} = {value}")
        try:
            yield
        finally:
            # A failed transaction refuses every statement until its rollback, which undoes
            # the SETs too.
            if connection.connection.info.transaction_status != TransactionStatus.INERROR:
                for name in settings:
                    cursor.execute(f"RESET {name}")


def joins_as_written():
    """Inside the block, PostgreSQL plans this connection's queries with their joins in the
    written order; the setting is restored after it."""
    return planned_with(join_collapse_limit=1)
