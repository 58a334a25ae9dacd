"""Reference data loads from the data directory, completely and idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from companies.models import Region
from opportunities.models import HSCode, Sector, TradeDataset, TradeFlow
from opportunities.reference.importers import import_hs
from tests.reference_data import data_dir
from tradeportal.importing import ImportRejected

DATA = data_dir()
pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data(settings):
    settings.TRADEPORTAL_DATA_DIR = DATA
    call_command("load_reference_data", stdout=StringIO())


def counts() -> tuple[int, ...]:
    return (
        HSCode.objects.count(),
        Region.objects.count(),
        Sector.objects.count(),
        TradeFlow.objects.count(),
        TradeDataset.objects.count(),
    )


def test_hs_codes_link_to_their_parents_and_read_in_both_languages(reference_data):
    grapes = HSCode.objects.get(code="080610")
    assert grapes.parent.code == "0806" and grapes.parent.parent.code == "08"
    assert grapes.parent.parent.parent is None
    assert grapes.section_id == "II" and grapes.level == 6
    assert grapes.description_en == "Fruit, edible; grapes, fresh"
    assert grapes.description_es == "Frescas"


def test_a_subheading_without_spanish_text_gets_the_projects_own_text(reference_data):
    # The source gives 852852 only its heading's text; the project's file distinguishes it.
    monitor = HSCode.objects.get(code="852852")
    assert monitor.description_es != HSCode.objects.get(code="8528").description_es
    assert monitor.description_es == (
        "Monitores para computadoras (máquinas de la partida 84.71), excepto de tubo de rayos "
        "catódicos"
    )


def test_a_generic_los_demas_subheading_reads_with_its_path(reference_data):
    assert HSCode.objects.get(code="852859").description_es == "Los demás monitores — Los demás"


def test_search_text_is_folded_for_accent_insensitive_search(reference_data):
    coffee = HSCode.objects.get(code="0901")
    assert "cafe, incluso tostado" in coffee.search_text
    assert HSCode.objects.filter(search_text__contains="champues").exists()


def test_regions_have_iso_and_national_codes_and_readable_names(reference_data):
    mexico_state = Region.objects.get(code="MX-MEX")
    assert mexico_state.name == "Estado de México" and mexico_state.national_code == "15"
    assert Region.objects.get(code="PE-LIM").national_code == "150000"
    assert Region.objects.get(code="PE-CAL").name == "Callao"
    assert Region.objects.filter(country="MX").count() == 3


def test_security_and_infrastructure_sectors_exist_and_the_articles_sectors_come_first(
    reference_data,
):
    security = Sector.objects.get(slug="security")
    assert security.name_es == "Seguridad" and security.name_en == "Security"
    assert list(security.codes.values_list("code", flat=True)) == ["8525"]
    assert Sector.objects.filter(slug="infrastructure").exists()
    highlighted = list(Sector.objects.filter(is_highlighted=True).values_list("slug", flat=True))
    assert highlighted == ["agribusiness", "telecom_ict", "security", "infrastructure"]
    assert list(Sector.objects.values_list("slug", flat=True))[:4] == highlighted
    assert set(Sector.objects.get(slug="agribusiness").codes.values_list("code", flat=True)) == {
        "0702",
        "0806",
        "0901",
    }


def test_loading_twice_duplicates_nothing(reference_data):
    before = counts()
    call_command("load_reference_data", stdout=StringIO())
    assert counts() == before


def test_a_staff_edit_of_a_sector_survives_a_reload(reference_data):
    Sector.objects.filter(slug="security").update(name_es="Seguridad y vigilancia")
    call_command("load_reference_data", stdout=StringIO())
    assert Sector.objects.get(slug="security").name_es == "Seguridad y vigilancia"


def test_the_articles_figures_are_stored_and_shown_on_the_home_page(reference_data, client):
    article = TradeDataset.objects.get(source="article")
    assert article.flows.get(hs_code="7403").value_usd == 310_000_000
    assert article.flows.get(region="MX-CMX").flow == "X"
    assert article.flows.get(region=None, flow="B").year is None
    page = client.get("/").content.decode()
    assert "US$ 310 M" in page and "US$ 143 M" in page
    assert "Ciudad de México" in page


def test_a_bad_hs_file_is_rejected_with_its_line_and_nothing_is_written(tmp_path):
    (tmp_path / "hs").mkdir()
    (tmp_path / "hs_es").mkdir()
    (tmp_path / "hs" / "sections.csv").write_text((DATA / "hs" / "sections.csv").read_text())
    rows = (DATA / "hs_es" / "hs2022_en_es.csv").read_text().splitlines()
    rows.insert(3, "II,07X2,4,07,Bad code,Malo,Malo,,")
    (tmp_path / "hs_es" / "hs2022_en_es.csv").write_text("\n".join(rows))
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        import_hs(tmp_path)
    assert "hs2022_en_es.csv, line 4" in str(rejected.value)
    assert "07X2" in str(rejected.value)
    assert HSCode.objects.count() == 0
