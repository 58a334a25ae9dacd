"""The HS 2022 nomenclature: its 21 sections (English names from the data, Spanish ours) and its
2-, 4- and 6-digit codes in English and Spanish."""

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from opportunities.reference import hs_search
from opportunities.reference.models import HSCode, HSSection
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


# Spanish texts written by the project for the HS 2022 codes whose source has none of their own
# (new in HS 2017/2022, or only their heading's text): see opportunities/reference/data/README.md.
OWN_TEXTS_FILE = Path(__file__).resolve().parent.parent / "data" / "hs2022_es_texts.csv"


def own_spanish_texts(path: Path = OWN_TEXTS_FILE) -> dict[str, str]:
    """The project's Spanish texts by code."""
    return {
        row["code"]: row["description_es"].strip()
        for _line, row in read_csv(path, ["code", "description_es"])
    }


def spanish_text(row: dict[str, str], own_texts: dict[str, str] | None = None) -> str:
    """Pick a Spanish text a reader understands: the project's, the code's own, its path, or
    its heading's."""
    if own_texts and row["hscode"].strip() in own_texts:
        return own_texts[row["hscode"].strip()]
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
    own_texts = own_spanish_texts()
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
        description_es = spanish_text(row, own_texts)
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
    progress(
        _("Subheadings without their own Spanish text: %(count)s of %(total)s")
        % {"count": len(without_own_text(codes)), "total": sum(1 for c in codes if c.level == 6)}
    )
    pagecache.public_pages_changed(*pagecache.AREAS)  # reference data shows everywhere
    hs_search.index_changed()
    return len(codes)


def without_own_text(codes) -> list:
    """Subheadings whose Spanish text is their heading's, though the heading has several."""
    by_code = {code.code: code for code in codes}
    siblings: dict[str, int] = {}
    for code in codes:
        if code.level == 6:
            siblings[code.parent_id] = siblings.get(code.parent_id, 0) + 1
    return [
        code
        for code in codes
        if code.level == 6
        and siblings[code.parent_id] > 1
        and code.parent_id in by_code
        and fold(code.description_es) == fold(by_code[code.parent_id].description_es)
    ]
