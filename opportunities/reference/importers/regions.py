"""Regions: Mexico's 32 states (INEGI codes) and Peru's 25 regions (UBIGEO codes), named by
ISO 3166-2 (pycountry) unless the common name differs."""

from pathlib import Path

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _

from companies.regions import Region
from tradeportal import pagecache
from tradeportal.importing import ImportRejected, Progress, quiet, read_csv

REGION_NAMES = {"MX-MEX": "Estado de México", "PE-CAL": "Callao"}


@transaction.atomic
def import_regions(data_dir: Path, progress: Progress = quiet) -> int:
    """Load Mexico's 32 states (INEGI codes) and Peru's 25 regions (UBIGEO codes)."""

    regions = []
    mx_path = data_dir / "geo" / "mx_entidades_inegi.csv"
    for line, row in read_csv(mx_path, ["cve_ent", "nom_ent", "iso_3166_2"]):
        regions.append(
            _region(mx_path, line, "MX", row["iso_3166_2"], row["cve_ent"], row["nom_ent"], "")
        )
    pe_path = data_dir / "geo" / "pe_ubigeo_departamento.csv"
    for line, row in read_csv(pe_path, ["inei", "departamento", "iso_3166_2", "capital"]):
        regions.append(
            _region(
                pe_path,
                line,
                "PE",
                row["iso_3166_2"],
                row["inei"],
                row["departamento"],
                row["capital"],
            )
        )
    Region.objects.bulk_create(
        regions,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["country", "name", "national_code", "capital"],
    )
    counts = {c: sum(r.country == c for r in regions) for c in ("MX", "PE")}
    progress(
        _("Regions: %(mx)s Mexican states, %(pe)s Peruvian regions")
        % {"mx": counts["MX"], "pe": counts["PE"]}
    )
    pagecache.public_pages_changed(*pagecache.AREAS)  # reference data shows everywhere
    return len(regions)


def _region(path: Path, line: int, country: str, code: str, national: str, name: str, capital: str):
    code = code.strip()
    subdivision = pycountry.subdivisions.get(code=code)
    if not code.startswith(f"{country}-") or subdivision is None:
        raise ImportRejected(path, line, _("unknown ISO 3166-2 code %(code)r") % {"code": code})
    display = REGION_NAMES.get(code) or subdivision.name or name.title()
    return Region(
        code=code,
        country=country,
        name=display,
        national_code=national.strip(),
        capital=capital.strip(),
    )
