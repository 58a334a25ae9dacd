"""Full rematch runs that survive a broker restart and killed workers.

A full rematch records its chunks in the database (MatchingChunk) before it dispatches them, and
each chunk is marked finished in the transaction that writes its matches. The broker may then
lose messages (Redis keeps nothing on disk; a SIGKILLed worker leaves its message unacknowledged
until the visibility timeout): `redispatch_lost_chunks`, run by beat, sends again every chunk
still unfinished after the grace period. A chunk delivered twice is done once; a chunk redone
after a crash upserts the same matches, so a match is never lost or doubled. The last chunk to
finish closes the run.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from companies.models import Company
from companies.services import refresh_sector_bits
from opportunities.matching import engine
from opportunities.matching.models import MatchingChunk, MatchingRun


def start_full_run(chunk_size: int = engine.CHUNK) -> tuple[int, list[int]]:
    """Record a full run and its chunks of companies; return the run id and the chunk ids.

    First the companies' sector bits are recomputed from their sector links (under a second for
    100,000 companies, writing only those that changed): links written around
    `companies.services.set_sectors` (a bulk load, a sector's deletion, a manual fix in the
    database) leave the bits behind, and the next day's own rematches would bound the
    counterparts on them."""

    refresh_sector_bits()
    ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    with transaction.atomic():
        run = MatchingRun.objects.create(kind=MatchingRun.Kind.FULL, companies=len(ids))
        chunks = MatchingChunk.objects.bulk_create(
            MatchingChunk(run=run, company_ids=ids[i : i + chunk_size], dispatched_at=now)
            for i in range(0, len(ids), chunk_size)
        )
        if not chunks:
            _close(run.pk)
    return run.pk, [chunk.pk for chunk in chunks]


@transaction.atomic
def run_chunk(chunk_id: int) -> int:
    """Match a chunk's companies and mark it finished, together; a finished chunk is skipped."""

    chunk = (
        MatchingChunk.objects.select_for_update(skip_locked=True)
        .filter(pk=chunk_id, finished_at__isnull=True)
        .first()
    )
    if chunk is None:  # done already, or being done by another delivery of the same message
        return 0
    if connection.vendor == "postgresql":
        # a full run is parallel already, chunk by chunk: its queries take no parallel workers
        # of the database's, which would take the CPU the firms' own rematches wait for
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
    # The run's candidates are loaded once per worker process and shared by its chunks.
    written = engine.match_companies(chunk.company_ids, engine.run_candidates(chunk.run_id))
    chunk.finished_at, chunk.matches_written = timezone.now(), written
    chunk.save(update_fields=["finished_at", "matches_written"])
    _close(chunk.run_id)
    return written


def _close(run_id: int) -> None:
    """Close the run when none of its chunks is left (the run row lock orders the last two)."""

    run = MatchingRun.objects.select_for_update().get(pk=run_id)
    if run.finished_at or run.chunks.filter(finished_at__isnull=True).exists():
        return
    run.finished_at = timezone.now()
    run.duration_s = round((run.finished_at - run.started_at).total_seconds(), 3)
    run.matches_written = run.chunks.aggregate(total=Sum("matches_written"))["total"] or 0
    run.save(update_fields=["finished_at", "duration_s", "matches_written"])


def lost_chunks(grace: timedelta | None = None) -> list[int]:
    """Chunks unfinished `grace` after their dispatch; mark them dispatched again, return them."""

    grace = grace or timedelta(seconds=settings.MATCHING_CHUNK_GRACE_SECONDS)
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            MatchingChunk.objects.select_for_update(skip_locked=True)
            .filter(finished_at__isnull=True, dispatched_at__lt=now - grace)
            .values_list("pk", flat=True)
        )
        MatchingChunk.objects.filter(pk__in=ids).update(dispatched_at=now)
    return ids
