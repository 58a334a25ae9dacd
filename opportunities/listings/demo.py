"""Seeded demo companies, members and buyer requests, clearly labelled; shared with benchmarks.

Companies trade the article's main products (seed/main_products.csv) and a realistic spread of
other headings (a few headings carry most firms). Everything created here has is_demo=True or a
@demo.tradeportal.test address, and is replaced when the command runs again.
"""

import csv
import random
import zlib
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from stdnum.mx import rfc
from stdnum.pe import ruc

from companies import services as company_services
from companies.models import Company, CompanyProduct, Membership, PrivacyNotice, Region, User
from opportunities.listings.models import Opportunity
from opportunities.reference.models import HSCode, Sector
from tradeportal import pagecache
from tradeportal.text import fold

DEMO_DOMAIN = "demo.tradeportal.test"
DEMO_PASSWORD = "demo-Pacifico-2025"
NAMES = {
    "MX": [
        "Grupo",
        "Industrias",
        "Comercializadora",
        "Exportadora",
        "Manufacturas",
        "Distribuidora",
    ],
    "PE": ["Agroexportadora", "Corporación", "Inversiones", "Minera", "Textil", "Andina"],
}
WORDS = [
    "del Pacífico",
    "Sierra Alta",
    "Valle Verde",
    "Río Grande",
    "Los Andes",
    "Costa Azul",
    "El Sol",
    "Altiplano",
    "Norte",
    "Cóndor",
    "Jaguar",
    "Maíz de Oro",
    "Puerto Nuevo",
]
SUFFIX = {"MX": "S.A. de C.V.", "PE": "S.A.C."}


def main_products(data_dir: Path) -> dict[str, list[str]]:
    """The article's main products by exporting country (HS headings)."""
    products = {"MX": [], "PE": []}
    path = Path(data_dir) / "seed" / "main_products.csv"
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                products[row["exporter"]].append(row["suggested_hs4"].zfill(4))
    return products


def tax_id(country: str, rng: random.Random) -> str:
    if country == "MX":
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
        date = f"{rng.randint(80, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        base = letters + date + rng.choice("ABCDEFGHJKLMN") + rng.choice("123456789")
        return base + rfc.calc_check_digit(base)
    base = "20" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return base + ruc.calc_check_digit(base)


def _unique_tax_id(country: str, rng: random.Random, taken: set[str]) -> str:
    while (value := tax_id(country, rng)) in taken:
        pass
    taken.add(value)
    return value


def company_rows(count: int, headings: list[str], featured: dict[str, list[str]], seed: int):
    """Yield (country, region index, name, tax id, size, exports, imports), Zipf-skewed products."""
    rng = random.Random(seed)
    weights = [1 / rank**0.9 for rank in range(1, len(headings) + 1)]
    taken: set[str] = set()  # tax ids are unique per country: at 100,000 firms draws collide
    for index in range(count):
        country = "MX" if index % 2 == 0 else "PE"
        exports = (
            set(rng.sample(featured[country], k=min(2, len(featured[country]))))
            if featured[country] and rng.random() < 0.6
            else set()
        )
        exports |= set(rng.choices(headings, weights=weights, k=rng.randint(1, 3)))
        partner = "PE" if country == "MX" else "MX"
        imports = (
            set(rng.sample(featured[partner], k=1))
            if featured[partner] and rng.random() < 0.3
            else set()
        )
        name = f"{rng.choice(NAMES[country])} {rng.choice(WORDS)} {index + 1} {SUFFIX[country]}"
        yield (
            country,
            rng.random(),
            name,
            _unique_tax_id(country, rng, taken),
            rng.choice(["micro", "small", "small", "medium", "large"]),
            sorted(exports),
            sorted(imports - exports),
        )


@transaction.atomic
def load(*, companies: int = 300, requests: int = 12, seed: int = 2025) -> dict:
    """Replace the demo companies, members and buyer requests; return what was created."""

    Company.objects.filter(is_demo=True).delete()
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
    headings = list(HSCode.objects.filter(level=4).values_list("code", flat=True))
    known = set(headings)
    featured = {
        c: [h for h in codes if h in known]
        for c, codes in main_products(settings.TRADEPORTAL_DATA_DIR).items()
    }
    regions = {c: list(Region.objects.filter(country=c)) for c in ("MX", "PE")}
    sector_of = {}
    for sector_id, code in Sector.codes.through.objects.values_list("sector_id", "hs_code_id"):
        sector_of.setdefault(code, sector_id)
    created, products = [], []
    for country, pick, name, tid, size, exports, imports in company_rows(
        companies, headings, featured, seed
    ):
        region = regions[country][int(pick * len(regions[country]))]
        created.append(
            Company(
                legal_name=name,
                country=country,
                tax_id=tid,
                region=region,
                size=size,
                status="verified",
                verified_at=timezone.now(),
                is_demo=True,
                setup_step=Company.SETUP_DONE,
                description="Empresa de demostración (datos ficticios).",
                certifications=["haccp"] if zlib.crc32(name.encode()) % 3 == 0 else [],
            )
        )
        products.append((exports, imports))
    Company.objects.bulk_create(created)
    rows, links = [], []
    for company, (exports, imports) in zip(created, products, strict=True):
        rows += [CompanyProduct(company=company, hs_code_id=c, direction="export") for c in exports]
        rows += [CompanyProduct(company=company, hs_code_id=c, direction="import") for c in imports]
        links += [
            Company.sectors.through(company=company, sector_id=sector_of[c])
            for c in {*exports}
            if c in sector_of
        ]
    CompanyProduct.objects.bulk_create(rows)
    Company.sectors.through.objects.bulk_create(links, ignore_conflicts=True)
    company_services.refresh_sector_bits([company.pk for company in created])
    members = _members(created[:6])
    _requests(created, requests, seed)
    pagecache.public_pages_changed(*pagecache.AREAS)
    return {"companies": len(created), "products": len(rows), "members": members}


def _members(companies) -> list[tuple[str, str]]:
    from allauth.account.models import EmailAddress

    credentials = []
    notice = PrivacyNotice.objects.current()  # demo members accepted it, as at a sign-up
    for index, company in enumerate(companies, start=1):
        email = f"demo{index}.{company.country.lower()}@{DEMO_DOMAIN}"
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, language="es" if index % 3 else "en"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if notice is not None:
            company_services.record_privacy_consent(user=user, notice=notice, at_signup=True)
        Membership.objects.create(
            user=user, company=company, role="owner", notify_frequency="weekly"
        )
        credentials.append((email, company.display_name))
    return credentials


def _requests(companies, count: int, seed: int) -> None:
    rng = random.Random(seed + 1)
    buyers = [c for c in companies if c.products.filter(direction="import").exists()][:count]
    for buyer in buyers:
        product = buyer.products.filter(direction="import").select_related("hs_code").first()
        title = f"Compra de {product.hs_code.description_es[:60].lower()}"
        Opportunity.objects.create(
            kind="request",
            status="published",
            company=buyer,
            title=title,
            description="Solicitud de demostración (datos ficticios).",
            market_country=buyer.country,
            market_region=buyer.region,
            hs_code=product.hs_code,
            quantity=rng.choice([10, 20, 40, 100]),
            unit="t",
            incoterm=rng.choice(["FOB", "CIF"]),
            destination=buyer.region.name,
            required_certifications=rng.choice([[], ["haccp"]]),
            deadline=timezone.now() + timedelta(days=rng.randint(10, 60)),
            is_demo=True,
            published_at=timezone.now(),
            search_text=fold(
                f"{title} {product.hs_code.description_es} {product.hs_code.description_en}"
            ),
        )
