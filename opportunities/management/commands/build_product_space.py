from django.core.management.base import BaseCommand

from opportunities.trade.productspace.build import build_all


class Command(BaseCommand):
    help = (
        "Compute the product space (RCA, M_cp, proximity, Mexico's and Peru's density) from the "
        "real trade data loaded: by HS chapter, and by heading when a BACI file covering the "
        "world is loaded. Run it after loading trade data; re-running replaces the result."
    )

    def handle(self, *args, **options):
        built = build_all()
        if not built:
            self.stdout.write(
                "no real world exports by chapter loaded (rows with partner WLD, flow X): "
                "nothing to compute"
            )
        for stored in built:
            level = "chapter" if stored.level == 2 else "heading"
            self.stdout.write(
                f"product space by HS {level}, {stored.year}: "
                f"{stored.countries} countries, {stored.products} products ({stored.source})"
            )
