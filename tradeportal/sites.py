"""The Sites framework's one site, named and addressed from settings (SITE_URL, SITE_NAME).

allauth's emails ("[example.com] Confirm your email") and every absolute link read the current
Site; it is set after each `migrate`, so a deployment only changes its environment.
"""

from urllib.parse import urlsplit

from django.apps import apps as global_apps
from django.conf import settings


def update_site_from_settings(sender, using: str = "default", apps=None, **kwargs) -> None:
    """Set the current Site's domain and name from SITE_URL and SITE_NAME (post_migrate)."""
    if sender.label != "sites":  # once per migrate (or flush), after its table exists
        return
    # migrate passes its own app registry; flush (between transactional tests) passes none.
    Site = (apps or global_apps).get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )
    global_apps.get_model("sites", "Site").objects.clear_cache()  # get_current() caches it
