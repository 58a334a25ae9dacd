"""Storing matches: upserted in bulk, never duplicated; what no longer holds is marked stale.

On PostgreSQL a chunk's new matches are copied straight into the table (COPY), the ones it
already had go through COPY into a temporary table and one UPDATE that touches only the rows
whose values changed (a rematch that finds the same matches writes nothing), and one UPDATE
marks the stale ones. Elsewhere (the embedded SQLite) the ORM's bulk upserts do the same."""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from companies.models import Company
from opportunities.listings.models import Opportunity
from opportunities.matching import copy_rows
from opportunities.matching.copy_rows import COLUMNS
from opportunities.matching.models import Match, MatchesToAnnounce
from opportunities.matching.ranking import Found
from tradeportal import planning

FIELDS = ("kind", "score", "components", "reasons")

CREATE_CHANGES = """
CREATE TEMPORARY TABLE match_changes (
    id bigint NOT NULL,
    kind varchar(12) NOT NULL,
    opportunity_id bigint,
    counterpart_id bigint,
    score double precision NOT NULL,
    components jsonb NOT NULL,
    reasons jsonb NOT NULL
) ON COMMIT DROP
"""

UPDATE_CHANGED = """
UPDATE {table} AS m SET kind = c.kind, score = c.score, components = c.components,
    reasons = c.reasons, is_stale = false, updated_at = now()
FROM match_changes c
WHERE m.id = c.id AND (m.kind, m.score, m.components, m.reasons, m.is_stale)
    IS DISTINCT FROM (c.kind, c.score, c.components, c.reasons, false)
"""


@transaction.atomic
def save(company_ids: list[int], rows: list[tuple[int, Found]]) -> int:
    """Upsert the matches found for these companies, mark their others stale; return how many.

    The companies are marked to announce in the same transaction (MatchesToAnnounce), so the
    instant notifications find every save that committed and none that rolled back."""
    if connection.vendor == "postgresql":
        _save_postgresql(company_ids, rows)
    else:
        save_orm(company_ids, rows)
    mark_to_announce(company_ids)
    return len(rows)


def mark_to_announce(company_ids: list[int]) -> None:
    """Leave these companies to the instant notifications, keeping an earlier mark's time.

    The upsert locks each company's row until the save commits, so the notifications, which skip
    locked rows, never take a mark whose matches they cannot see yet. Sorted: two saves of the
    same companies lock them in one order and never deadlock."""
    if not company_ids:
        return
    table = connection.ops.quote_name(MatchesToAnnounce._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    upsert = f"ON CONFLICT (company_id) DO UPDATE SET saved_at = {table}.saved_at"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (company_id, saved_at) "
                f"SELECT company_id, %s FROM unnest(%s::bigint[]) AS company_id {upsert}",
                [now, sorted(set(company_ids))],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (company_id, saved_at) VALUES (%s, %s) {upsert}",
                [(company_id, now) for company_id in sorted(set(company_ids))],
            )


def _save_postgresql(company_ids: list[int], rows: list[tuple[int, Found]]) -> None:
    """New matches are copied straight into the table, known ones updated where they changed.

    A concurrent rematch of the same company may insert a match between the read and the copy:
    the copy then fails on the unique constraint and the save starts again from the read."""
    from psycopg.errors import UniqueViolation

    for attempt in range(2):
        try:
            with transaction.atomic():
                _write_postgresql(company_ids, rows)
            return
        except (IntegrityError, UniqueViolation):
            if attempt:
                raise


def _write_postgresql(company_ids: list[int], rows: list[tuple[int, Found]]) -> None:
    table = connection.ops.quote_name(Match._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT company_id, coalesce(opportunity_id, -counterpart_id), id, is_stale "
            f"FROM {table} WHERE company_id = ANY(%s)",
            [list(company_ids)],
        )
        known = {(company, target): (pk, stale) for company, target, pk, stale in cursor}
        new, changed = [], []
        for company_id, found in rows:
            key = (company_id, found.target if found.is_opportunity else -found.target)
            if key in known:
                changed.append((known.pop(key)[0], found))
            else:
                new.append((company_id, found))
        now = timezone.now().isoformat()
        _copy(
            cursor,
            f"{table} (company_id, {COLUMNS}, status, is_stale, created_at, updated_at)",
            new,
            f"\tnew\tf\t{now}\t{now}\n",
        )
        if changed:
            # dropped at commit; dropped here too when one transaction saves twice
            cursor.execute("DROP TABLE IF EXISTS pg_temp.match_changes")
            cursor.execute(CREATE_CHANGES)
            _copy(cursor, f"match_changes (id, {COLUMNS})", changed, "\n")
            # by the primary key, match by match: planned on statistics that lag behind a full
            # run's writes, a hash join read all two million matches to update 100,000
            with planning.planned_with(enable_hashjoin="off", enable_mergejoin="off"):
                cursor.execute(UPDATE_CHANGED.format(table=table))
        if stale := [pk for pk, is_stale in known.values() if not is_stale]:
            cursor.execute(
                f"UPDATE {table} SET is_stale = true, updated_at = now() WHERE id = ANY(%s)",
                [stale],
            )
        _drop_orphans(cursor, table, company_ids, rows)


def _drop_orphans(cursor, table: str, company_ids: list[int], rows) -> None:
    """Delete the companies' matches just written whose opportunity or counterpart no longer
    exists.

    The candidates of a full run are read once per worker: one deleted meanwhile (its own
    matches went with it) must not come back as a dangling match of another firm. Only the
    targets written are checked, by primary key, so the cost does not depend on how many matches
    the table holds nor on its statistics (during a full run they lag behind its growth)."""
    for is_opportunity, column, parents in (
        (True, "opportunity_id", Opportunity._meta.db_table),
        (False, "counterpart_id", Company._meta.db_table),
    ):
        written = {
            found.target for _company, found in rows if found.is_opportunity == is_opportunity
        }
        if not written:
            continue
        cursor.execute(f"SELECT id FROM {parents} WHERE id = ANY(%s)", [sorted(written)])
        missing = written - {pk for (pk,) in cursor}
        if missing:
            cursor.execute(
                f"DELETE FROM {table} WHERE company_id = ANY(%s) AND {column} = ANY(%s)",
                [list(company_ids), sorted(missing)],
            )


def _copy(cursor, target: str, rows: list[tuple[int, Found]], end: str) -> None:
    """COPY rows of (first column, found match) into `target`, in batches of text."""
    if not rows:
        return
    encoded: dict[int, str] = {}
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        for start in range(0, len(rows), 10_000):
            copy.write(copy_rows.lines(rows[start : start + 10_000], end, encoded))


def save_orm(company_ids: list[int], rows: list[tuple[int, Found]]) -> None:
    """The same upsert and stale marking through the ORM's bulk writes (on the embedded SQLite,
    and in bench-match's fair baseline)."""
    matches = [
        Match(
            company_id=company_id,
            kind=found.kind,
            opportunity_id=found.target if found.is_opportunity else None,
            counterpart_id=None if found.is_opportunity else found.target,
            score=found.score,
            components=found.components,
            reasons=found.reasons,
            is_stale=False,
        )
        for company_id, found in rows
    ]
    for unique, field in (("opportunity", "opportunity_id"), ("counterpart", "counterpart_id")):
        Match.objects.bulk_create(
            [m for m in matches if getattr(m, field)],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["company", unique],
            update_fields=[*FIELDS, "is_stale", "updated_at"],
        )
    kept = {(m.company_id, m.opportunity_id, m.counterpart_id) for m in matches}
    live = Match.objects.filter(company_id__in=company_ids, is_stale=False)
    stale = [
        pk
        for pk, *key in live.values_list("pk", "company_id", "opportunity_id", "counterpart_id")
        if tuple(key) not in kept
    ]
    Match.objects.filter(pk__in=stale).update(is_stale=True, updated_at=timezone.now())
