from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate

from tradeportal import privacy, sites


class CoreConfig(AppConfig):
    """The core: template filters for numbers, the site's name and domain at migrate, and the
    check of the privacy notice's responsible party."""

    name = "tradeportal"
    verbose_name = "TradePortal"

    def ready(self) -> None:
        post_migrate.connect(sites.update_site_from_settings, dispatch_uid="tradeportal-site")
        checks.register(privacy.check_responsible_party, checks.Tags.security)
