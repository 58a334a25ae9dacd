"""Generated malformed trade files: every import ends in the right rows or a refusal naming the
file, the line and the reason, with nothing stored; the same through the admin upload.

1,000 files per format in `make test` (derandomized, so the suite is repeatable), and
FUZZ_EXAMPLES per format, drawn at random, in `make fuzz`, which prints the tally of files tried
and refusals seen.
"""

import os
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opportunities.models import TradeDataset, TradeFlow, TradeUpload
from opportunities.trade.importing import import_trade_file
from tests.factories import UserFactory
from tests.reference_data import data_dir
from tests.trade.trade_files import FAULTS, TradeFile, trade_files
from tradeportal.importing import ImportRejected

pytestmark = pytest.mark.django_db
FORMATS = ["datamexico", "baci", "comtrade"]
FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "1000"))
RANDOM = "FUZZ_EXAMPLES" in os.environ  # `make fuzz`: new files each run
SEEN: Counter = Counter()  # (format, fault, outcome) of every file tried


@pytest.fixture
def reference(settings, tmp_path):
    settings.TRADEPORTAL_DATA_DIR = data_dir()
    settings.MEDIA_ROOT = tmp_path / "media"
    for command in ("import_hs", "import_regions"):
        call_command(command, stdout=StringIO())
    with translation.override("en"):
        yield tmp_path


def assert_answer(generated: TradeFile, outcome: TradeDataset | ImportRejected, name: str):
    """The import's answer is the one the generated file calls for."""
    expected = generated.expected
    if not generated.refused:
        assert isinstance(outcome, TradeDataset), f"{generated.fault}: refused: {outcome}"
        assert outcome.rows == expected.rows
        stored = TradeFlow.objects.filter(dataset=outcome).aggregate(total=Sum("value_usd"))
        assert stored["total"] == Decimal(expected.total)
        return
    assert isinstance(outcome, ImportRejected), f"{generated.fault}: imported {outcome.rows}"
    where = f"{name}, line {expected.line}: " if expected.line else f"{name}: "
    assert str(outcome).startswith(where), (generated.fault, str(outcome))
    assert all(word in outcome.reason for word in expected.words), (generated.fault, outcome)
    assert len(str(outcome)) < 300  # a 1 MB field is not quoted whole
    assert not TradeFlow.objects.exists() and not TradeDataset.objects.exists()


def import_in_savepoint(path: Path, fmt: str) -> TradeDataset | ImportRejected:
    """Import, then roll back, so that each generated file starts from an empty database."""
    with transaction.atomic():
        try:
            outcome = import_trade_file(path=path, fmt=fmt)
        except ImportRejected as rejected:
            outcome = rejected
        yield outcome
        transaction.set_rollback(True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_import_never_crashes_and_refuses_a_bad_file_at_its_line(reference, fmt):
    path = reference / f"{fmt}_fuzz.csv"

    @settings(
        suppress_health_check=FIXTURES,
        deadline=None,
        max_examples=EXAMPLES,
        derandomize=not RANDOM,
        database=None,
    )
    @given(generated=trade_files(fmt))
    def check(generated: TradeFile):
        path.write_bytes(generated.content)
        for outcome in import_in_savepoint(path, fmt):
            assert_answer(generated, outcome, path.name)
            kind = "refused" if isinstance(outcome, ImportRejected) else "imported"
            SEEN[(fmt, generated.fault, kind)] += 1

    check()
    tried = {fault for (f, fault, _kind) in SEEN if f == fmt}
    if EXAMPLES >= 1000:  # enough files that every kind of fault was tried
        assert tried >= set(FAULTS) - {"quoted newline"}
    print(f"\n{fmt}: {sum(n for (f, *_), n in SEEN.items() if f == fmt):,} files")
    for (f, fault, kind), count in sorted(SEEN.items()):
        if f == fmt:
            print(f"  {fault:26s} {kind:8s} {count:6,}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_admin_upload_of_a_bad_file_is_refused_with_its_line_and_nothing_stored(
    client, reference, fmt, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    @settings(
        suppress_health_check=FIXTURES,
        deadline=None,
        max_examples=max(EXAMPLES // 20, 50),
        derandomize=not RANDOM,
        database=None,
    )
    @given(generated=trade_files(fmt), name=st.sampled_from(["upload.csv", "Estado 03.csv"]))
    def check(generated: TradeFile, name: str):
        with transaction.atomic():
            file = SimpleUploadedFile(name, generated.content, content_type="text/csv")
            with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
                response = client.post(
                    "/admin/opportunities/tradeupload/add/", {"file": file, "format": fmt}
                )
            upload = TradeUpload.objects.first()
            if upload is None:  # refused by the form, before anything is stored
                assert generated.refused, generated.fault
                assert response.status_code == 200 and b"errorlist" in response.content
            elif upload.status == TradeUpload.Status.DONE:
                assert not generated.refused, (generated.fault, upload.message)
                assert upload.dataset.rows == generated.expected.rows
            else:
                assert upload.status == TradeUpload.Status.REJECTED, upload.message
                assert generated.refused, generated.fault
                line = generated.expected.line
                assert (f", line {line}: " if line else ": ") in upload.message, upload.message
                assert not TradeFlow.objects.exists() and not TradeDataset.objects.exists()
            transaction.set_rollback(True)

    check()
