"""Shared fixtures: tasks run in process unless a test starts a real Celery worker."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

from tradeportal.celery import app as celery_app
from tradeportal.celery import worker_argv

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request in English in one test must not
    leave English active (and English URLs from reverse()) for the next."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters must not leak between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _private_files_in_a_temporary_folder(settings, tmp_path_factory):
    """Conversation attachments written by a test go to a folder of its own, not the project."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Run tasks eagerly in the test process, except in tests that start a real worker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def database_url() -> str:
    """The URL of the database the tests use (the test database, once pytest-django made it)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("worker tests need PostgreSQL: run them through `make test`")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    """A real `celery worker` process consuming the project's queues; tests can kill and restart it.

    `queue` is the default queue (send test tasks there); routed tasks (matching, email) are
    consumed too, as in production. The test Redis database is kept apart from any other.
    """

    def __init__(self, queue: str = "default", concurrency: int = 2, extra_env: dict | None = None):
        self.queue = queue
        self.queues = ",".join(dict.fromkeys([queue, *settings.CELERY_QUEUES_ALL]))
        self.concurrency = concurrency
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / ".pytest_cache" / f"worker-{queue}.log"

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": database_url(), **self.extra_env}
        self.log_path.parent.mkdir(exist_ok=True)
        log = self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            worker_argv(
                queues=self.queues, node=self.node, concurrency=self.concurrency, heartbeat=False
            ),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"worker exited early; log: {self.log_path.read_text()[-3000:]}")
            replies = celery_app.control.ping(destination=[self.name], timeout=0.5)
            if replies:
                return
        pytest.fail(
            f"worker did not answer in {timeout} s; log: {self.log_path.read_text()[-3000:]}"
        )

    @property
    def node(self) -> str:
        return f"test-{os.getpid()}"

    @property
    def name(self) -> str:
        import socket

        return f"{self.node}@{socket.gethostname()}"

    def purge(self) -> None:
        """Drop messages an earlier, killed test run left in the test broker's queues."""
        with celery_app.connection_for_write() as conn:
            for name in self.queues.split(","):
                conn.default_channel.queue_purge(name)

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def celery_worker_process():
    """Start a real Celery worker on the project's queues; yield it; stop it afterwards."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.fail("worker tests need a broker: run them through `make test` (REDIS_URL)")
    worker = WorkerProcess()
    worker.purge()
    worker.start()
    yield worker
    worker.stop()
