"""Files staff upload in the admin: trade data files and sector images, limited in size and type."""

import re
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from opportunities.admin import trade as trade_admin
from opportunities.models import Sector, TradeDataset, TradeFlow, TradeUpload
from opportunities.trade import uploads
from opportunities.trade.uploads import UploadProgress, upload_progress, upload_progress_key
from tests.factories import SectorFactory, UserFactory, image_bytes
from tests.reference_data import data_dir

DATA = data_dir()
pytestmark = pytest.mark.django_db

BACI = b"""t,i,j,k,v,q
2023,484,604,852852,1500.5,12.25
2024,484,604,852852,2000.25,NA
"""
BACI_BAD_LINE_3 = b"""t,i,j,k,v,q
2023,484,604,852852,1500.5,12.25
2024,484,604,852852,mucho,NA
"""


@pytest.fixture
def staff(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRADEPORTAL_DATA_DIR = DATA
    for command in ("import_hs", "import_regions"):
        call_command(command, stdout=StringIO())
    user = UserFactory(email="curadora@tradeportal.test", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def upload(client, name: str, content: bytes, fmt: str = "baci"):
    return client.post(
        "/admin/opportunities/tradeupload/add/",
        {"file": SimpleUploadedFile(name, content, content_type="text/csv"), "format": fmt},
    )


def test_an_uploaded_file_is_imported_by_a_worker_and_the_upload_says_so(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "baci_2024.csv", BACI)
    assert response.status_code == 302
    done = TradeUpload.objects.get()
    assert done.status == TradeUpload.Status.DONE, done.message
    assert done.uploaded_by == staff
    assert done.dataset == TradeDataset.objects.get(name="baci_2024.csv", source="baci")
    assert TradeFlow.objects.filter(dataset=done.dataset).count() == 2
    assert "2 filas importadas (2023–2024)" in done.message
    page = client.get(f"/admin/opportunities/tradeupload/{done.pk}/change/").content.decode()
    assert "2 filas importadas" in page


def test_a_file_with_a_bad_row_is_rejected_whole_with_its_line_number(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "baci_2024.csv", BACI_BAD_LINE_3)
    rejected = TradeUpload.objects.get()
    assert rejected.status == TradeUpload.Status.REJECTED
    assert "línea 3" in rejected.message and "no se escribió nada" in rejected.message.lower()
    assert not TradeFlow.objects.exists() and not TradeDataset.objects.exists()


def test_running_the_import_of_an_upload_twice_imports_it_once(
    client, staff, django_capture_on_commit_callbacks
):
    from opportunities.matching.tasks import import_trade_upload

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "baci_2024.csv", BACI)
    assert import_trade_upload(TradeUpload.objects.get().pk) == "skipped"
    assert TradeFlow.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("baci.xlsx", BACI, "Suba un archivo CSV (.csv)"),
        ("baci.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "no es un archivo de texto"),
        ("baci.csv", "t;i;j\n2024;484;604\n".encode("utf-16"), "no es un archivo de texto"),
        ("baci.csv", b"t,i,j,k,v,q\n2024,484,604,852852,1,1\nPer\xfa\n", "codificado en UTF-8"),
        ("baci.csv", b"t;i;j;k;v;q\n2024;484;604;852852;1;1\n", "la cabecera CSV"),
    ],
)
def test_a_data_file_that_is_not_a_utf8_csv_is_refused_before_any_import(
    client, staff, name, content, message
):
    response = upload(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TradeUpload.objects.exists()


def test_a_data_file_over_the_size_limit_is_refused(client, staff, settings):
    settings.TRADE_UPLOAD_MAX_BYTES = 40
    response = upload(client, "baci.csv", BACI)
    assert "El archivo debe pesar 40\xa0bytes o menos" in response.content.decode()
    assert not TradeUpload.objects.exists()


def test_staff_cannot_edit_an_upload_after_the_fact(client, staff):
    done = TradeUpload.objects.create(file="imports/x.csv", format="baci", status="done")
    response = client.post(
        f"/admin/opportunities/tradeupload/{done.pk}/change/", {"format": "comtrade"}
    )
    assert response.status_code == 403
    done.refresh_from_db()
    assert done.format == "baci"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (image_bytes("GIF"), "Suba una imagen PNG, JPEG o WebP"),
        (image_bytes("PNG", (1200, 1200), noise=True), "La imagen debe pesar 2 MB o menos"),
    ],
)
def test_a_sector_image_must_be_a_small_png_jpeg_or_webp(client, staff, content, message):
    sector = SectorFactory(slug="agroindustria", name_es="Agroindustria", name_en="Agribusiness")
    response = client.post(
        f"/admin/opportunities/sector/{sector.pk}/change/",
        {
            "slug": sector.slug,
            "name_es": sector.name_es,
            "name_en": sector.name_en,
            "order": 1,
            "is_active": "on",
            "image": SimpleUploadedFile("sector.png", content, content_type="image/png"),
            "codes-TOTAL_FORMS": 0,
            "codes-INITIAL_FORMS": 0,
        },
    )
    assert message in response.content.decode()
    assert not Sector.objects.get(pk=sector.pk).image


def test_an_upload_says_what_it_changed_and_its_page_follows_the_import(
    client, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "baci_2024.csv", BACI)
    done = TradeUpload.objects.get()
    # The browser goes to the upload itself, not back to the list, and is not kept waiting.
    assert response["Location"] == f"/admin/opportunities/tradeupload/{done.pk}/change/"
    assert "2 filas importadas (2023–2024)." in done.message
    assert re.search(
        r"Oportunidades: \d+ publicadas, \d+ actualizadas, \d+ cerradas\. "
        r"Se recalculan las coincidencias de \d+ empresas\.",
        done.message,
    ), done.message
    assert upload_progress(done.pk) == ""  # the progress line is gone once it finished


def test_a_queued_upload_shows_a_progress_bar_that_refreshes_itself_then_the_result(client, staff):
    queued = TradeUpload.objects.create(file="imports/big.csv", format="baci")
    status_url = f"/admin/opportunities/tradeupload/{queued.pk}/status/"
    waiting = client.get(status_url).content.decode()
    assert "<progress" in waiting and "Esperando a un proceso" in waiting
    cache.set(upload_progress_key(queued.pk), UploadProgress(rows=120_000, total=480_000))
    page = client.get(f"/admin/opportunities/tradeupload/{queued.pk}/change/").content.decode()
    assert re.search(r'<progress id="upload-progress" max="480000" value="120000"', page)
    assert "120\xa0000 de 480\xa0000 filas (25\xa0%)" in page
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 2s"' in page
    assert "<script>" not in page and "style=" not in page  # CSP: no inline script or style

    cache.set(upload_progress_key(queued.pk), UploadProgress(rows=480_000, total=480_000))
    assert 'value="480000"' in client.get(status_url).content.decode()
    queued.status = TradeUpload.Status.DONE
    queued.message = (
        "480 000 filas importadas (2023–2024). Oportunidades: 3 publicadas, 2 actualizadas, "
        "1 cerradas. Se recalculan las coincidencias de 12 empresas."
    )
    queued.save()
    done = client.get(status_url).content.decode()
    assert "hx-trigger" not in done  # the polling stops with the import
    assert "3 publicadas, 2 actualizadas, 1 cerradas" in done and "12 empresas" in done
    page = client.get(f"/admin/opportunities/tradeupload/{queued.pk}/change/").content.decode()
    assert "htmx" not in page and "480 000 filas importadas" in page


def test_the_status_of_an_upload_is_for_staff_only(client, staff):
    queued = TradeUpload.objects.create(file="imports/big.csv", format="baci")
    client.logout()
    response = client.get(f"/admin/opportunities/tradeupload/{queued.pk}/status/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("content", [BACI, BACI.rstrip(b"\n")])
def test_the_bar_is_full_at_the_file_s_data_lines(tmp_path, content):
    path = tmp_path / "baci.csv"
    path.write_bytes(content)
    assert uploads.data_lines(path) == 2  # the header is not a row


def test_without_a_worker_the_import_runs_beside_the_request_not_in_it(
    client, staff, settings, monkeypatch, django_capture_on_commit_callbacks
):
    started = []

    class Thread:
        def __init__(self, target, args, daemon):
            started.append((target, args, daemon))

        def start(self):
            pass

    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: no broker, no worker
    monkeypatch.setattr(trade_admin.threading, "Thread", Thread)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "baci_2024.csv", BACI)
    queued = TradeUpload.objects.get()
    assert response.status_code == 302
    assert queued.status == TradeUpload.Status.QUEUED  # the response did not wait for it
    assert started == [(trade_admin.tasks.import_trade_upload, [queued.pk], True)]
