from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Models whose rows appear on the cached public pages (tradeportal/pagecache.py).
ON_PUBLIC_PAGES = [
    "opportunities.Opportunity",
    "opportunities.Sector",
    "opportunities.SectorCode",
    "opportunities.HSCode",
    "opportunities.TradeDataset",
    "opportunities.GuideFact",
    "companies.Company",
    "companies.Region",
]


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Market data and opportunities")

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models import signals

        from tradeportal import pagecache

        def changed(sender, **kwargs) -> None:
            pagecache.public_pages_changed()

        # Row by row saves and deletes (the admin, the services); bulk writes call
        # public_pages_changed() themselves (demand regeneration, imports, demo data).
        for label in ON_PUBLIC_PAGES:
            model = apps.get_model(label)
            signals.post_save.connect(changed, sender=model, weak=False)
            signals.post_delete.connect(changed, sender=model, weak=False)
        company_sectors = apps.get_model("companies.Company").sectors.through
        signals.m2m_changed.connect(changed, sender=company_sectors, weak=False)
