"""Sectors: the 17 of the shared taxonomy (sectors/business_sectors.csv, its HS headings in
sectors/hs2022_hs4_to_business_sector.csv) and two the article names that the taxonomy lacks.

The project's own tables are data files next to this package (provenance in data/README.md,
the choice of headings in SECTORS.md): `data/sectors.csv` (which sectors are highlighted and in
what order, the descriptions, the names of the two added sectors) and `data/sector_headings.csv`
(the HS headings of the two added sectors)."""

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from opportunities.reference.models import HSCode, Sector, SectorCode
from tradeportal import pagecache
from tradeportal.importing import ImportRejected, Progress, quiet, read_csv

PROJECT_DATA = Path(__file__).resolve().parent.parent / "data"
SECTOR_COLUMNS = ["sector", "highlight", "name_es", "name_en", "description_es", "description_en"]


def project_sectors(data: Path = PROJECT_DATA) -> tuple[dict, dict, list[str]]:
    """The project's tables: {slug: row} of data/sectors.csv, {slug: headings} of the sectors it
    adds (data/sector_headings.csv), and the highlighted sectors in their order."""
    rows = {row["sector"]: row for _line, row in read_csv(data / "sectors.csv", SECTOR_COLUMNS)}
    headings: dict[str, set[str]] = {}
    path = data / "sector_headings.csv"
    for line, row in read_csv(path, ["sector", "hs4"]):
        if row["sector"] not in rows:
            raise ImportRejected(path, line, _("unknown sector %(slug)r") % {"slug": row["sector"]})
        headings.setdefault(row["sector"], set()).add(row["hs4"].strip())
    highlighted = sorted(
        (s for s in rows if rows[s]["highlight"]), key=lambda s: int(rows[s]["highlight"])
    )
    return rows, headings, highlighted


@transaction.atomic
def import_sectors(data_dir: Path, progress: Progress = quiet) -> int:
    """Create or update the starting sectors and their HS headings; staff edits of names survive."""
    own, headings, highlighted = project_sectors()
    sectors_path = data_dir / "sectors" / "business_sectors.csv"
    names = {
        row["sector"]: (row["sector_es"], row["sector_en"])
        for _line, row in read_csv(sectors_path, ["sector", "sector_es", "sector_en"])
    }
    names.update(
        {slug: (row["name_es"], row["name_en"]) for slug, row in own.items() if row["name_es"]}
    )
    map_path = data_dir / "sectors" / "hs2022_hs4_to_business_sector.csv"
    for line, row in read_csv(map_path, ["hs4", "sector"]):
        if row["sector"] not in names:
            raise ImportRejected(
                map_path, line, _("unknown sector %(slug)r") % {"slug": row["sector"]}
            )
        headings.setdefault(row["sector"], set()).add(row["hs4"].strip())
    known = set(HSCode.objects.filter(level=4).values_list("code", flat=True))
    if not known:
        raise ImportRejected(map_path, None, _("load the HS nomenclature first (import_hs)"))
    ordered = [slug for slug in highlighted if slug in names]
    ordered += [slug for slug in names if slug not in highlighted]
    for position, slug in enumerate(ordered, start=1):
        name_es, name_en = names[slug]
        row = own.get(slug, {})
        sector, created = Sector.objects.get_or_create(
            slug=slug,
            defaults={
                "name_es": name_es,
                "name_en": name_en,
                "description_es": row.get("description_es", ""),
                "description_en": row.get("description_en", ""),
                "order": position * 10,
                "is_highlighted": slug in highlighted,
            },
        )
        wanted = headings.get(slug, set()) & known
        if created:
            SectorCode.objects.bulk_create(
                SectorCode(sector=sector, hs_code_id=c) for c in sorted(wanted)
            )
    progress(_("Sectors: %(count)s") % {"count": len(ordered)})
    pagecache.public_pages_changed(*pagecache.AREAS)  # reference data shows everywhere
    return len(ordered)
