"""How imported trade rows are stored: one partition per dataset on PostgreSQL.

On PostgreSQL, TradeFlow is partitioned by id range (migration 0006): dataset d owns the ids from
d << 32, and rows created through the ORM (sequence ids below 2**32) live in the default partition.
An import COPYs into a new table with no index, builds its primary key in one pass, then swaps it
for the dataset's earlier partition, all inside the import's transaction: COPY runs near the
speed of a bare table (an index maintained row by row would double the server's work), and a
re-import drops a table instead of deleting rows one by one. The swap at the end takes a short
exclusive lock on TradeFlow, released at commit.

Elsewhere (the SQLite default) rows go in with batched inserts.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.db.models import Count, Min
from django.utils.translation import gettext as _

from opportunities.trade.models import TradeFlow
from tradeportal.importing import ImportRejected, Progress

NULL = "\\N"
CHUNK_CHARS = 1 << 20  # COPY writes of about a megabyte


def first_id(dataset_id: int) -> int:
    """The first TradeFlow id of a dataset's rows (each dataset has 2**32 ids to itself)."""
    return dataset_id << 32


def write_rows(
    *,
    dataset_id: int,
    chunks: Iterable[str],
    may_repeat: Callable[[], bool],
    columns: tuple[str, ...],
    ctx,
    progress: Progress,
) -> int:
    """Replace a dataset's rows with lines of tab-separated `columns` (id first); return the count.

    `chunks` are strings of whole lines in PostgreSQL's COPY text format; `ctx` (the reader's
    context) counts the rows and maps a row number back to its file line for error messages.
    `may_repeat`, asked once the rows are written, tells whether two rows may repeat each
    other (rowkeys); only then are the rows themselves compared.
    """
    if connection.vendor == "postgresql":
        _copy_partition(dataset_id, chunks, may_repeat, columns, ctx, progress)
    else:
        delete_rows(dataset_id)
        _insert_rows(dataset_id, chunks, columns, ctx)
        if may_repeat():
            _refuse_repeated_rows_orm(dataset_id, columns, ctx)
    return ctx.rows


def delete_rows(dataset_id: int) -> None:
    """Delete a dataset's rows: its partition, and any rows of it in the default partition."""

    if connection.vendor != "postgresql":
        TradeFlow.objects.filter(dataset_id=dataset_id).delete()
        return
    table = TradeFlow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}_{dataset_id}")
        cursor.execute(f"DELETE FROM {table}_default WHERE dataset_id = %s", [dataset_id])


def _copy_partition(dataset_id: int, chunks, may_repeat, columns, ctx, progress) -> None:
    table = TradeFlow._meta.db_table
    new, low, high = f"{table}_{dataset_id}_new", first_id(dataset_id), first_id(dataset_id + 1)
    with connection.cursor() as cursor:
        # The CHECK lets ATTACH skip scanning the rows; the parent's constraints are required.
        cursor.execute(
            f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
            f"CHECK (id >= {low} AND id < {high}))"
        )
        cursor.execute(f"ALTER TABLE {new} ALTER COLUMN dataset_id SET DEFAULT {dataset_id}")
        # FREEZE: the table is new in this (sub)transaction, so its rows are written frozen
        # (no hint bits for the next reads to set, no freezing vacuum to come).
        sql = f"COPY {new} ({', '.join(columns)}) FROM STDIN WITH (FREEZE)"
        _copy(cursor, sql, chunks, ctx, progress)
        cursor.execute(f"ALTER TABLE {new} ADD PRIMARY KEY (id)")
        if may_repeat():  # a reader process works it out while the key is built
            _refuse_repeated_rows(cursor, new, columns, ctx)
        delete_rows(dataset_id)
        cursor.execute(f"ALTER TABLE {new} RENAME TO {table}_{dataset_id}")
        cursor.execute(f"ALTER INDEX {new}_pkey RENAME TO {table}_{dataset_id}_pkey")
        cursor.execute(
            f"ALTER TABLE {table} ATTACH PARTITION {table}_{dataset_id} "
            f"FOR VALUES FROM ({low}) TO ({high})"
        )


def _refuse_repeated_rows(cursor, table: str, columns, ctx) -> None:
    """Reject a file in which a row repeats an earlier one in every column: summed, the
    statistic would count twice. Asked only when two rows' keys met (rowkeys).

    First one pass sorting a 64-bit hash of each row (equal rows have equal hashes): no repeat
    there, none at all, the usual answer, five times faster than grouping the rows' columns
    themselves. Only when two hashes meet are the rows of those hashes grouped, to tell a
    repeat from a collision and name its lines."""
    fields = ", ".join(c for c in columns if c != "id")
    row_hash = f"hash_record_extended(({fields}), 0)"
    cursor.execute("SET LOCAL work_mem = '64MB'")  # the sort in memory up to ~2M rows
    cursor.execute(
        f"SELECT h FROM (SELECT h, lag(h) OVER (ORDER BY h) AS before "
        f"FROM (SELECT {row_hash} AS h FROM {table}) hashed) sorted WHERE h = before LIMIT 100"
    )
    meeting = [h for (h,) in cursor.fetchall()]
    cursor.execute("RESET work_mem")
    if not meeting:
        return
    # Many repeats: group every row, so that the first repeat of the file is the one named.
    among = f"WHERE {row_hash} = ANY(%s)" if len(meeting) < 100 else ""
    cursor.execute(
        f"SELECT ids[1], ids[2] FROM (SELECT (array_agg(id ORDER BY id))[1:2] AS ids "
        f"FROM {table} {among} GROUP BY {fields} HAVING count(*) > 1) "
        f"repeated ORDER BY ids[2] LIMIT 1",
        [meeting] if among else [],
    )
    repeated = cursor.fetchone()
    if repeated:
        raise repeated_row(ctx, *(ctx.file_line(i - ctx.first_id + 1) for i in repeated))


def repeated_row(ctx, first: int, again: int) -> ImportRejected:
    return ImportRejected(
        ctx.path, again, _("repeats line %(line)s (duplicate row)") % {"line": first}
    )


def _copy(cursor, sql: str, chunks, ctx, progress) -> None:
    from psycopg import errors

    reported = counted = 0
    # A progress that can show a fraction (the admin's upload bar) takes the row count often.
    rows_done = getattr(progress, "rows_done", None)
    try:
        with cursor.copy(sql) as copy:
            for text in joined(chunks):
                copy.write(text)
                if rows_done and ctx.rows - counted >= 20_000:
                    counted = ctx.rows
                    rows_done(counted)
                if ctx.rows - reported >= 500_000:
                    reported = ctx.rows
                    progress(_("%(count)s rows") % {"count": f"{reported:,}"})
    except (errors.DataError, errors.BadCopyFileFormat) as exc:
        found = re.search(r"line (\d+)", exc.diag.context or "")
        line = ctx.file_line(int(found.group(1))) if found else None
        detail = exc.diag.message_primary or str(exc)
        if isinstance(exc, errors.NumericValueOutOfRange):
            reason = _("a number is too large (%(detail)s)") % {"detail": detail}
        elif isinstance(exc, errors.InvalidTextRepresentation):
            reason = _("a number is not valid (%(detail)s)") % {"detail": detail}
        else:
            reason = detail
        raise ImportRejected(ctx.path, line, reason[:200]) from exc


def joined(chunks: Iterable[str | bytes]) -> Iterator[str | bytes]:
    """Join small pieces (a line each, from the slower formats) into writes of ~1 MB; bytes
    (from a reader process, joined there) pass as they are."""
    pieces: list[str] = []
    size = 0
    for text in chunks:
        if isinstance(text, bytes):
            if pieces:
                yield "".join(pieces)
                pieces, size = [], 0
            yield text
            continue
        pieces.append(text)
        size += len(text)
        if size >= CHUNK_CHARS:
            yield "".join(pieces)
            pieces, size = [], 0
    if pieces:
        yield "".join(pieces)


def _insert_rows(dataset_id: int, chunks, columns, ctx) -> None:
    number = 0
    for text in joined(chunks):
        flows = []
        for line in text.splitlines():
            number += 1
            values = [None if v == NULL else v for v in line.split("\t")]
            row = dict(zip(columns, values, strict=True))
            del row["id"]  # SQLite numbers its rows itself
            try:
                row["value_usd"] = Decimal(row["value_usd"]).quantize(Decimal("0.01"))
                if row.get("quantity") is not None:
                    row["quantity"] = Decimal(row["quantity"])
            except InvalidOperation:
                line_number = ctx.file_line(number)
                raise ImportRejected(ctx.path, line_number, _("a value is not a number")) from None
            flows.append(TradeFlow(dataset_id=dataset_id, **row))
        TradeFlow.objects.bulk_create(flows)


def _refuse_repeated_rows_orm(dataset_id: int, columns, ctx) -> None:
    rows = TradeFlow.objects.filter(dataset_id=dataset_id)
    fields = [c for c in columns if c != "id"]
    groups = rows.values(*fields).annotate(n=Count("id")).filter(n__gt=1).order_by()[:1]
    group = next(iter(groups), None)
    if group is None:
        return
    del group["n"]
    start = rows.aggregate(first=Min("id"))["first"]
    first, again = rows.filter(**group).order_by("id").values_list("id", flat=True)[:2]
    raise repeated_row(ctx, ctx.file_line(first - start + 1), ctx.file_line(again - start + 1))
