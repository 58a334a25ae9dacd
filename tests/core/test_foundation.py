"""The site's base: home page, languages, health endpoint, a real Celery worker."""

import pytest
from django.urls import reverse

from tradeportal.celery import ping


@pytest.mark.django_db
def test_home_page_is_in_spanish_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()
    assert "Cree el perfil de su empresa" in response.content.decode()


@pytest.mark.django_db
def test_home_page_is_available_in_english(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert "Create your company profile" in response.content.decode()


@pytest.mark.django_db
def test_language_switcher_moves_to_the_english_page(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_health_reports_database_cache_broker_and_workers(client):
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200
    assert body["database"]["ok"] is True
    assert body["cache"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert set(body) == {"database", "cache", "broker", "workers"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_sent_through_redis_is_run_by_a_real_worker(celery_worker_process):
    result = ping.apply_async(queue=celery_worker_process.queue)
    assert result.get(timeout=30) == "pong"
    assert result.successful()


def test_robots_txt_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain"
    assert "Disallow: /dashboard/" in response.content.decode()
