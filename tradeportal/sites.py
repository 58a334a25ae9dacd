"""The Sites framework's one site, named and addressed from settings (SITE_URL, SITE_NAME).

allauth's emails ("[example.com] Confirm your email") and every absolute link read the current
Site; it is set after each `migrate`, so a deployment only changes its environment.
"""

from urllib.parse import urlsplit

from django.conf import settings


def update_site_from_settings(sender, using: str = "default", apps=None, **kwargs) -> None:
    """Set the current Site's domain and name from SITE_URL and SITE_NAME (post_migrate)."""
    if sender.label != "sites" or apps is None:  # once per migrate, after its table exists
        return
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )
