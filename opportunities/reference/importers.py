"""Reference data: HS 2022 nomenclature, regions, sectors, and the article's headline figures."""

from pathlib import Path

import pycountry
from django.db import transaction
from django.utils.translation import gettext as _

from companies.regions import Region
from opportunities.reference.models import HSCode, HSSection, Sector, SectorCode
from tradeportal import pagecache
from tradeportal.importing import ImportRejected, Progress, quiet, read_csv
from tradeportal.text import fold

# The HS sections in Spanish (our translation, following the WCO's Spanish nomenclature).
SECTION_NAMES_ES = {
    "I": "Animales vivos y productos del reino animal",
    "II": "Productos del reino vegetal",
    "III": "Grasas y aceites animales, vegetales o de origen microbiano; ceras",
    "IV": "Productos de las industrias alimentarias; bebidas, líquidos alcohólicos y vinagre; "
    "tabaco",
    "V": "Productos minerales",
    "VI": "Productos de las industrias químicas o de las industrias conexas",
    "VII": "Plástico y sus manufacturas; caucho y sus manufacturas",
    "VIII": "Pieles, cueros, peletería y sus manufacturas; artículos de viaje y bolsos",
    "IX": "Madera, carbón vegetal y manufacturas de madera; corcho; cestería",
    "X": "Pasta de madera; papel o cartón y sus aplicaciones; productos editoriales",
    "XI": "Materias textiles y sus manufacturas",
    "XII": "Calzado, sombreros, paraguas, bastones, látigos; plumas y flores artificiales",
    "XIII": "Manufacturas de piedra, yeso, cemento, amianto, mica; productos cerámicos; vidrio",
    "XIV": "Perlas, piedras y metales preciosos, chapados, bisutería; monedas",
    "XV": "Metales comunes y manufacturas de estos metales",
    "XVI": "Máquinas y aparatos, material eléctrico; aparatos de grabación o reproducción de "
    "sonido e imagen",
    "XVII": "Material de transporte",
    "XVIII": "Instrumentos de óptica, fotografía, medida, control, precisión, médicos; relojería; "
    "instrumentos musicales",
    "XIX": "Armas, municiones, y sus partes y accesorios",
    "XX": "Mercancías y productos diversos",
    "XXI": "Objetos de arte o colección y antigüedades",
}
ROMAN = list(SECTION_NAMES_ES)
# HS 2022 files put chapter 99 ("commodities not specified according to kind") in no section.
UNSPECIFIED = (
    "TOTAL",
    "Commodities not specified according to kind",
    "Mercancías no especificadas según su clase",
)
GENERIC_ES = {"los demas", "las demas", "otros", "otras", "los demas:", "las demas:"}


def spanish_text(row: dict[str, str]) -> str:
    """Pick a Spanish text a reader understands: the code's own, its path, or its heading's."""
    own = row["description_es"].strip().rstrip(".")
    full = row["description_es_full"].strip()
    if own and fold(own) not in GENERIC_ES:
        return own
    if row["level"] == "6" and " — " in full:
        return full.split(" — ", 1)[1]  # e.g. "Monitores con tubo de rayos catódicos — Los demás"
    return own or full or row["heading_es"].strip().rstrip(".") or UNSPECIFIED[2]


@transaction.atomic
def import_hs(data_dir: Path, progress: Progress = quiet) -> int:
    """Load the 21 sections and the 2-, 4- and 6-digit codes of HS 2022; return the codes count."""

    sections_path = data_dir / "hs" / "sections.csv"
    sections = []
    for line, row in read_csv(sections_path, ["section", "name"]):
        code = row["section"].strip()
        if code not in SECTION_NAMES_ES:
            raise ImportRejected(
                sections_path, line, _("unknown HS section %(code)r") % {"code": code}
            )
        name_en = row["name"].strip()
        sections.append(
            HSSection(
                code=code,
                position=ROMAN.index(code) + 1,
                name_en=name_en[:1].upper() + name_en[1:],
                name_es=SECTION_NAMES_ES[code],
            )
        )
    code, name_en, name_es = UNSPECIFIED
    sections.append(HSSection(code=code, position=len(ROMAN) + 1, name_en=name_en, name_es=name_es))
    HSSection.objects.bulk_create(
        sections,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["position", "name_en", "name_es"],
    )
    codes_path = data_dir / "hs_es" / "hs2022_en_es.csv"
    columns = [
        "section",
        "hscode",
        "level",
        "parent",
        "description_en",
        "description_es",
        "description_es_full",
        "heading_es",
    ]
    codes = []
    for line, row in read_csv(codes_path, columns):
        if row["level"] not in ("2", "4", "6"):
            continue  # the TOTAL row
        code = row["hscode"].strip()
        if not code.isdigit() or len(code) != int(row["level"]):
            raise ImportRejected(codes_path, line, _("bad HS code %(code)r") % {"code": code})
        if row["section"] not in SECTION_NAMES_ES and row["section"] != UNSPECIFIED[0]:
            raise ImportRejected(
                codes_path, line, _("unknown HS section %(code)r") % {"code": row["section"]}
            )
        description_es = spanish_text(row)
        codes.append(
            HSCode(
                code=code,
                level=int(row["level"]),
                section_id=row["section"],
                parent_id=None if row["parent"] == "TOTAL" else row["parent"],
                description_en=row["description_en"].strip(),
                description_es=description_es,
                search_text=fold(f"{code} {row['description_en']} {description_es}"),
            )
        )
    codes.sort(key=lambda c: (c.level, c.code))  # parents before children
    HSCode.objects.bulk_create(
        codes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "level",
            "section",
            "parent",
            "description_en",
            "description_es",
            "search_text",
        ],
    )
    progress(
        _("HS 2022: %(sections)s sections, %(codes)s codes")
        % {"sections": len(sections), "codes": len(codes)}
    )
    pagecache.public_pages_changed()
    return len(codes)


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
    pagecache.public_pages_changed()
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


# The article's sectors with untapped potential, shown first. "Mining and hydrocarbons" is two of
# the taxonomy's sectors (mining, energy).
HIGHLIGHTED = [
    "agribusiness",
    "healthcare",
    "mining",
    "energy",
    "telecom_ict",
    "security",
    "infrastructure",
]
# Sectors the article names that the HS-derived taxonomy lacks, with the headings we give them
# (documented in opportunities/reference/SECTORS.md).
EXTRA_SECTORS = {
    "security": (
        "Seguridad",
        "Security",
        [
            "8301",
            "8303",
            "8525",
            "8526",
            "8531",
            "9022",
            "6506",
            "8710",
            "9301",
            "9302",
            "9303",
            "9304",
            "9305",
            "9306",
            "9307",
        ],
    ),
    "infrastructure": (
        "Infraestructura",
        "Infrastructure",
        [
            "2523",
            "6810",
            "7214",
            "7216",
            "7302",
            "7304",
            "7305",
            "7306",
            "7308",
            "7610",
            "8426",
            "8429",
            "8430",
            "8474",
            "8502",
            "8535",
            "8537",
            "8544",
            "8608",
        ],
    ),
}
DESCRIPTIONS = {
    "agribusiness": (
        "Frutas, hortalizas, café, cereales y alimentos procesados.",
        "Fruit, vegetables, coffee, cereals and processed foods.",
    ),
    "fisheries": (
        "Pescados, mariscos y productos de la acuicultura.",
        "Fish, seafood and aquaculture products.",
    ),
    "mining": (
        "Minerales metálicos y no metálicos, y sus concentrados.",
        "Metal and non-metal ores and their concentrates.",
    ),
    "energy": (
        "Petróleo, gas natural, combustibles y electricidad.",
        "Oil, natural gas, fuels and electricity.",
    ),
    "metals": (
        "Cobre refinado, acero, aluminio y sus manufacturas.",
        "Refined copper, steel, aluminium and their products.",
    ),
    "chemicals_plastics": (
        "Químicos, cosméticos, plásticos, caucho y llantas.",
        "Chemicals, cosmetics, plastics, rubber and tyres.",
    ),
    "healthcare": (
        "Medicamentos, dispositivos médicos e insumos para la salud.",
        "Medicines, medical devices and health supplies.",
    ),
    "telecom_ict": (
        "Equipos de telecomunicaciones, pantallas, computadoras y componentes.",
        "Telecommunications equipment, screens, computers and components.",
    ),
    "textiles_apparel": ("Fibras, telas y prendas de vestir.", "Fibres, fabrics and clothing."),
    "leather_footwear": (
        "Cuero, calzado, bolsos y accesorios.",
        "Leather, footwear, bags and accessories.",
    ),
    "wood_paper": (
        "Madera, cajas y tarimas, papel, cartón e impresos.",
        "Wood, crates and pallets, paper, board and printed matter.",
    ),
    "construction_materials": (
        "Cemento, cerámica, vidrio y piedra.",
        "Cement, ceramics, glass and stone.",
    ),
    "machinery_electrical": (
        "Maquinaria industrial y agrícola, equipo eléctrico.",
        "Industrial and farm machinery, electrical equipment.",
    ),
    "automotive_transport": (
        "Vehículos, tractocamiones, autopartes y equipo de transporte.",
        "Vehicles, tractor units, auto parts and transport equipment.",
    ),
    "instruments": (
        "Instrumentos de medición, ópticos y de precisión.",
        "Measuring, optical and precision instruments.",
    ),
    "other_manufactures": (
        "Muebles, juguetes, artículos deportivos y otras manufacturas.",
        "Furniture, toys, sports goods and other manufactures.",
    ),
    "special": (
        "Operaciones especiales y mercancías sin clasificar.",
        "Special operations and unclassified goods.",
    ),
    "security": (
        "Cámaras y sistemas de vigilancia, alarmas, cerraduras, cajas fuertes, "
        "escáneres y equipo de protección.",
        "Surveillance cameras and systems, alarms, locks, safes, scanners and "
        "protective equipment.",
    ),
    "infrastructure": (
        "Acero estructural, tubería, cemento, maquinaria de construcción, "
        "equipo eléctrico de potencia y vías férreas.",
        "Structural steel, pipes, cement, construction machinery, power equipment "
        "and railway track.",
    ),
}


@transaction.atomic
def import_sectors(data_dir: Path, progress: Progress = quiet) -> int:
    """Create or update the starting sectors and their HS headings; staff edits of names survive."""

    sectors_path = data_dir / "sectors" / "business_sectors.csv"
    names = {
        row["sector"]: (row["sector_es"], row["sector_en"])
        for _line, row in read_csv(sectors_path, ["sector", "sector_es", "sector_en"])
    }
    names.update({slug: (es, en) for slug, (es, en, _codes) in EXTRA_SECTORS.items()})
    headings: dict[str, set[str]] = {
        slug: set(codes) for slug, (_es, _en, codes) in EXTRA_SECTORS.items()
    }
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
    ordered = [slug for slug in HIGHLIGHTED if slug in names]
    ordered += [slug for slug in names if slug not in HIGHLIGHTED]
    for position, slug in enumerate(ordered, start=1):
        name_es, name_en = names[slug]
        description_es, description_en = DESCRIPTIONS.get(slug, ("", ""))
        sector, created = Sector.objects.get_or_create(
            slug=slug,
            defaults={
                "name_es": name_es,
                "name_en": name_en,
                "description_es": description_es,
                "description_en": description_en,
                "order": position * 10,
                "is_highlighted": slug in HIGHLIGHTED,
            },
        )
        wanted = headings.get(slug, set()) & known
        if created:
            SectorCode.objects.bulk_create(
                SectorCode(sector=sector, hs_code_id=c) for c in sorted(wanted)
            )
    progress(_("Sectors: %(count)s") % {"count": len(ordered)})
    pagecache.public_pages_changed()
    return len(ordered)
