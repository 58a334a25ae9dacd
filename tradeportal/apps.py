from django.apps import AppConfig
from django.db.models.signals import post_migrate

from tradeportal import sites


class CoreConfig(AppConfig):
    """The core: template filters for numbers, and the site's name and domain at migrate."""

    name = "tradeportal"
    verbose_name = "TradePortal"

    def ready(self) -> None:
        post_migrate.connect(sites.update_site_from_settings, dispatch_uid="tradeportal-site")
