"""The Celery application: configured from Django settings (namespace CELERY)."""

import logging
import os
import sys
import time

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradeportal.settings")

app = Celery("tradeportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# One call: Celery keeps a single autodiscovery (a second call replaces the first). The packages
# with a tasks module; the core's email outbox defines its tasks next to the service
# (CELERY_IMPORTS in settings).
app.autodiscover_tasks(
    ["opportunities.listings", "opportunities.matching", "opportunities.notifications"]
)


def worker_argv(
    *, queues: str, node: str, concurrency: int = 2, loglevel: str = "INFO", heartbeat: bool = True
) -> list[str]:
    """The command line of a worker of this app, as the tests and benchmarks start real ones:
    no gossip or mingle (they only slow the start), named `node@host`."""
    argv = [sys.executable, "-m", "celery", "-A", "tradeportal", "worker", "-Q", queues]
    argv += ["-c", str(concurrency), "--without-gossip", "--without-mingle"]
    if not heartbeat:
        argv.append("--without-heartbeat")
    return [*argv, "-n", f"{node}@%h", "--loglevel", loglevel]


logger = logging.getLogger("tradeportal.tasks")
_started: dict[str, float] = {}


@task_prerun.connect
def _remember_start(task_id: str, **_: object) -> None:
    _started[task_id] = time.monotonic()


@task_postrun.connect
def _log_duration(task_id: str, task, state: str | None = None, **_: object) -> None:
    started = _started.pop(task_id, None)
    if started is not None:
        logger.info(
            "task %s %s in %.3f s",
            task.name,
            state,
            time.monotonic() - started,
            extra={
                "task_id": task_id,
                "task": task.name,
                "state": state,
                "duration_s": round(time.monotonic() - started, 3),
            },
        )


@app.task(name="tradeportal.ping")
def ping() -> str:
    """Answer 'pong': used by the health check and the worker test."""
    return "pong"
