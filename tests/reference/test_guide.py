"""The exporter's guide: seeded facts, per-chapter pages in both languages, staff edits."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from opportunities.models import GuideFact
from opportunities.reference.guide.models import parse_chapters
from opportunities.reference.guide.seed import load_guide_facts
from tests.factories import HSCodeFactory, OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    for code, es, en in [
        ("08", "Frutas y frutos comestibles", "Edible fruit and nuts"),
        ("17", "Azúcares y artículos de confitería", "Sugars and sugar confectionery"),
        ("30", "Productos farmacéuticos", "Pharmaceutical products"),
    ]:
        HSCodeFactory(code=code, description_es=es, description_en=en)
    load_guide_facts()


def test_chapters_are_two_digits_or_ranges():
    assert parse_chapters("") == frozenset()
    assert parse_chapters("01-03, 30") == {"01", "02", "03", "30"}
    for bad in ["1-3", "03-01", "8", "0a", "01-100"]:
        with pytest.raises(ValidationError):
            parse_chapters(bad)


def test_seed_creates_every_fact_with_a_source_and_a_review_date(seeded):
    facts = list(GuideFact.objects.all())
    assert len(facts) == 20
    assert all(f.source_url.startswith("http") and f.source_name and f.last_reviewed for f in facts)
    assert {"lacamara.pe", "idconline.mx", "revistacomercioexterior.com", "cjaduanero.com"} <= {
        f.source_url.split("/")[2].removeprefix("www.").removeprefix("blog.") for f in facts
    }


def test_reseeding_keeps_what_staff_edited_unless_overwritten(seeded):
    fact = GuideFact.objects.get(key="pacific-alliance-tariffs")
    fact.text_es = "Texto revisado por el equipo."
    fact.save()
    report = load_guide_facts()
    assert (report.created, report.kept) == (0, 20)
    assert (
        GuideFact.objects.get(key="pacific-alliance-tariffs").text_es
        == "Texto revisado por el equipo."
    )
    load_guide_facts(overwrite=True)
    assert "92 %" in GuideFact.objects.get(key="pacific-alliance-tariffs").text_es


def test_a_bad_facts_file_is_rejected_whole(tmp_path, seeded):
    GuideFact.objects.all().delete()
    path = tmp_path / "facts.toml"
    good = 'key = "a"\ntopic = "tariffs"\ntitle_es = "t"\ntitle_en = "t"\ntext_es = "x"\n'
    good += 'text_en = "x"\nsource_name = "s"\nsource_url = "https://example.org/"\n'
    good += "last_reviewed = 2026-12-01\n"
    second = good.replace('key = "a"', 'key = "b"')
    path.write_text(f'[[fact]]\n{good}\n[[fact]]\n{second}chapters = "1-3"\n')
    with pytest.raises(ValidationError, match="fact 2"):
        load_guide_facts(path=path)
    assert not GuideFact.objects.exists()


def test_command_reports_and_rejects_cleanly(seeded, capsys, tmp_path):
    GuideFact.objects.filter(key="cptpp-peru").update(chapters="bad")
    call_command("load_exporter_guide")
    assert "0 facts created, 0 replaced, 20 kept" in capsys.readouterr().out
    call_command("load_exporter_guide", "--overwrite")
    assert GuideFact.objects.get(key="cptpp-peru").chapters == ""
    bad = tmp_path / "facts.toml"
    bad.write_text('[[fact]]\nkey = "x"\ntopic = "nonsense"\n')
    with pytest.raises(CommandError, match="rejected, nothing was written"):
        call_command("load_exporter_guide", "--file", str(bad))


def test_fruit_chapter_page_in_spanish_states_self_certification_and_agencies(client, seeded):
    html = client.get("/guide/08/").content.decode()
    assert "Cómo enviar el capítulo 08 del SA entre México y Perú" in html
    assert "Usted no puede autocertificar el origen" in html
    assert "solo es posible si usted pide las preferencias del CPTPP" in html
    assert "SENASA" in html and "SENASICA" in html
    assert "SUNAT" in html and "ANAM" in html
    assert "DIGESA" not in html and "COFEPRIS" not in html  # fresh fruit: not their chapter
    assert "El azúcar no tiene preferencia" not in html  # the sugar fact is for chapter 17
    assert 'href="https://lacamara.pe/autocertificacion-de-origen/"' in html
    assert "Última revisión: 2 de diciembre de 2026" in html


def test_pharmaceutical_chapter_page_in_english_names_its_agencies(client, seeded):
    html = client.get("/en/guide/30/").content.decode()
    assert "How to ship HS chapter 30 between Mexico and Peru" in html
    assert (
        "You cannot self-certify origin under the bilateral agreement or the Pacific Alliance"
        in html
    )
    assert "COFEPRIS" in html and "DIGEMID" in html
    assert "SENASA " not in html and "SENASICA" not in html
    assert "Last reviewed: Dec. 2, 2026" in html
    assert "Mexico–Peru Trade Integration Agreement (2012)" in html
    assert "valid 12 months" in html


def test_sugar_chapter_warns_about_the_pacific_alliance_exclusion(client, seeded):
    assert (
        "Sugar gets no preference under the Pacific Alliance"
        in client.get("/en/guide/17/").content.decode()
    )


def test_guide_page_of_its_own_lists_everything_and_jumps_to_a_chapter(client, seeded):
    html = client.get("/guide/").content.decode()
    assert "Guía del exportador" in html
    assert "DIGEMID" in html and "SENASA" in html and "17" in html
    response = client.get("/guide/?chapter=17")
    assert response.status_code == 302 and response["Location"] == "/guide/17/"
    assert client.get("/guide/?chapter=99x").status_code == 200
    assert client.get("/guide/77/").status_code == 404


def test_every_opportunity_page_links_the_guide_for_its_chapter(client, seeded):
    opportunity = OpportunityFactory(hs_code__code="080610", status="published")
    html = client.get(opportunity.get_absolute_url()).content.decode()
    assert 'href="/guide/08/"' in html
    assert "solo con el CPTPP" in html
    html = client.get(f"/en{opportunity.get_absolute_url()}").content.decode()
    assert 'href="/en/guide/08/"' in html


def test_staff_edit_a_fact_and_its_source_in_the_admin_and_the_page_shows_it(
    client, seeded, django_capture_on_commit_callbacks
):
    assert "Texto nuevo" not in client.get("/guide/08/").content.decode()  # cached now
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    fact = GuideFact.objects.get(key="agency-sunat")
    form = {f.name: getattr(fact, f.name) for f in GuideFact._meta.fields if f.name != "id"}
    form |= {
        "text_es": "Texto nuevo de SUNAT.",
        "source_url": "https://www.sunat.gob.pe/nuevo/",
        "last_reviewed": "2027-01-15",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/opportunities/guidefact/{fact.pk}/change/", form)
    assert response.status_code == 302
    client.logout()
    html = client.get("/guide/08/").content.decode()
    assert "Texto nuevo de SUNAT." in html
    assert 'href="https://www.sunat.gob.pe/nuevo/"' in html
    assert "Última revisión: 15 de enero de 2027" in html


def test_the_admin_refuses_a_malformed_chapter_list(client, seeded):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    fact = GuideFact.objects.get(key="agency-senasa")
    form = {f.name: getattr(fact, f.name) for f in GuideFact._meta.fields if f.name != "id"}
    form["chapters"] = "1-14"
    response = client.post(f"/admin/opportunities/guidefact/{fact.pk}/change/", form)
    assert response.status_code == 200
    assert "dos dígitos o rangos" in response.content.decode()
    assert GuideFact.objects.get(pk=fact.pk).chapters == "01-02, 04-14, 23"
