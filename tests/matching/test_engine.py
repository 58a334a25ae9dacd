"""Engine details: counterparts visited closest product first, the best N kept, exactly the best
N an exhaustive scoring of every pair keeps (the same pairs with the same scores)."""

import random
from collections import defaultdict
from datetime import timedelta

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from companies.models import Company, CompanyProduct
from companies.services import set_sectors
from opportunities.matching import engine, loading, runs
from opportunities.matching.candidates import Candidates, counterpart_bounds
from opportunities.matching.ranking import tie_order
from opportunities.matching.scoring import Candidate, Weights, score, size_fit
from opportunities.models import Match, MatchingSettings, Opportunity
from tests.factories import (
    CompanyFactory,
    CompanyProductFactory,
    HSCodeFactory,
    OpportunityFactory,
    RegionFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_counterparts_with_the_exact_product_beat_the_same_chapter_when_few_are_kept():
    MatchingSettings.objects.update_or_create(pk=1, defaults={"max_matches_per_company": 2})
    lima, cdmx = RegionFactory(code="PE-LIM", country="PE"), RegionFactory(code="MX-CMX")
    fresh, dried = HSCodeFactory(code="080610"), HSCodeFactory(code="080620")
    nuts = HSCodeFactory(code="080211")
    supplier = CompanyFactory(region=lima)
    CompanyProductFactory(company=supplier, hs_code=fresh, direction="export")
    # buyers of the same chapter listed first, so a first-come cut would keep them
    chapter_buyers = [CompanyFactory(region=cdmx) for _ in range(3)]
    for buyer in chapter_buyers:
        CompanyProductFactory(company=buyer, hs_code=nuts, direction="import")
    heading_buyer, exact_buyer = CompanyFactory(region=cdmx), CompanyFactory(region=cdmx)
    CompanyProductFactory(company=heading_buyer, hs_code=dried, direction="import")
    CompanyProductFactory(company=exact_buyer, hs_code=fresh, direction="import")
    same_country = CompanyFactory(region=lima)
    CompanyProductFactory(company=same_country, hs_code=fresh, direction="import")

    engine.match_companies([supplier.pk])

    kept = Match.objects.filter(company=supplier, is_stale=False).order_by("-score")
    assert [m.counterpart_id for m in kept] == [exact_buyer.pk, heading_buyer.pk]
    assert all(m.kind == "buyer" for m in kept)


def random_world(rng: random.Random) -> list[int]:
    """Firms of both countries with random products, sectors, certifications and volumes, and
    demand and buyer requests of random size, age, sector and requirements in two chapters."""
    regions = {"MX": RegionFactory(code="MX-CMX"), "PE": RegionFactory(code="PE-LIM", country="PE")}
    codes = [
        f"{chapter}{heading:02d}{sub}"
        for chapter in ("08", "09")
        for heading in range(1, 5)
        for sub in ("", "10", "20")
    ]
    for code in codes:
        HSCodeFactory(code=code)
    sectors = [SectorFactory(), SectorFactory()]
    certifications = ["haccp", "globalgap", "organic"]
    firms = []
    for index in range(30):
        country = "MX" if index % 2 else "PE"
        firm = CompanyFactory(
            region=regions[country],
            status="verified" if rng.random() < 0.85 else "pending",
            certifications=rng.sample(certifications, rng.randint(0, 2)),
            size=rng.choice(["micro", "small", "medium", "large"]),
            description=rng.choice(["", "Exportamos fruta fresca."]),
            website=rng.choice(["", "https://example.com"]),
        )
        set_sectors(company=firm, sectors=rng.sample(sectors, rng.randint(0, 2)))
        for code in rng.sample(codes, rng.randint(1, 3)):
            volume = rng.choice([None, 10**5, 10**7])
            CompanyProductFactory(company=firm, hs_code_id=code, yearly_volume_usd=volume)
        for code in rng.sample(codes, rng.randint(0, 2)):
            if not firm.products.filter(hs_code_id=code).exists():
                CompanyProductFactory(company=firm, hs_code_id=code, direction="import")
        firms.append(firm)
    now = timezone.now()
    for firm in firms:  # last active over the past months, some alike
        active = now - timedelta(days=rng.choice([0, 0, 3, 40, 200]), hours=1)
        Company.objects.filter(pk=firm.pk).update(updated_at=active, verified_at=active)
    for _ in range(120):
        request = rng.random() < 0.5
        buyer = rng.choice(firms) if request else None
        OpportunityFactory(
            kind="request" if request else "demand",
            company=buyer,
            market_country=buyer.country if buyer else rng.choice(["MX", "PE"]),
            hs_code_id=rng.choice(codes),
            sector=rng.choice([None, *sectors]),
            value_usd=rng.choice([None, round(rng.lognormvariate(15, 2), 2)]),
            growth_pct=rng.choice([None, round(rng.gauss(3, 10), 1)]),
            unrealised_usd=rng.choice([None, 0, round(rng.lognormvariate(13, 2), 2)]),
            required_certifications=rng.sample(certifications, rng.randint(0, 3))
            if request
            else [],
            published_at=now - timedelta(days=rng.randint(0, 200), hours=12),
            status=rng.choice(["published"] * 9 + ["closed"]),
            deadline=now + timedelta(days=rng.choice([-3, 30])) if request else None,
        )
    return [firm.pk for firm in firms]


def exhaustive_best(company_ids, weights: Weights, floor: float, keep: int) -> dict[int, list]:
    """Every firm scored against every open opportunity and every verified firm, best kept, ties
    among counterparts in each firm's rotation, a buyer and its requests on one card."""
    products = defaultdict(list)
    for company_id, code, direction, volume in CompanyProduct.objects.values_list(
        "company_id", "hs_code_id", "direction", "yearly_volume_usd"
    ):
        products[company_id].append((code, direction, float(volume) if volume else None))
    companies = {c.pk: c for c in Company.objects.prefetch_related("sectors")}
    dismissed = defaultdict(set)
    for match in Match.objects.filter(status=Match.Status.DISMISSED).select_related("opportunity"):
        code = match.opportunity.hs_code_id if match.opportunity else match.components["other_code"]
        dismissed[match.company_id].add(code[:4])
    opportunities = [
        o
        for o in Opportunity.objects.open().select_related("company")
        if o.kind != "request" or o.company.status == "verified"
    ]
    required = defaultdict(set)  # what a buyer's open requests require, verified or not
    for o in Opportunity.objects.open().filter(kind="request"):
        required[o.company_id].update(o.required_certifications)
    now, seed = timezone.now(), timezone.now().date().toordinal()
    best = {}
    for pk in company_ids:
        firm, scores = companies[pk], defaultdict(float)
        for code, direction, volume in products[pk]:
            for o in opportunities if direction == "export" else ():
                candidate = opportunity_candidate(firm, code, volume, o, dismissed[pk])
                scores[(True, o.pk)] = max(scores[(True, o.pk)], score(candidate, weights)[0])
            for other in companies.values():
                for other_code, other_direction, _volume in products[other.pk]:
                    if other_direction == direction or other == firm or other.status != "verified":
                        continue
                    buys = direction == "export"  # the other firm is a buyer
                    supplier, buyer = (firm, other) if buys else (other, firm)
                    candidate = Candidate(
                        code,
                        other_code,
                        firm.country,
                        other.country,
                        same_sector=bool(
                            {s.pk for s in firm.sectors.all()} & {s.pk for s in other.sectors.all()}
                        ),
                        required_certifications=frozenset(required[buyer.pk]),
                        firm_certifications=frozenset(supplier.certifications),
                        age_days=(now - other.updated_at).days,
                        similar_dismissed=other_code[:4] in dismissed[pk],
                        size_fit=size_fit(supplier.size, buyer.size),
                        completeness=completeness(other),
                    )
                    value = score(candidate, weights)[0]
                    scores[(False, other.pk)] = max(scores[(False, other.pk)], value)
        ranked = sorted(
            (
                (
                    -value,
                    not is_opportunity,
                    target if is_opportunity else tie_order(pk, target, seed),
                ),
                is_opportunity,
                target,
                value,
            )
            for (is_opportunity, target), value in scores.items()
            if value >= floor and value > 0
        )[:keep]
        cards, parties = [], set()
        requests_of = {o.pk: o.company_id for o in opportunities if o.kind == "request"}
        for _rank, is_opportunity, target, value in ranked:
            party = requests_of.get(target) if is_opportunity else target
            if party is None or party not in parties:
                cards.append((is_opportunity, target, value))
            parties.add(party)
        best[pk] = sorted(cards)
    return best


def completeness(company) -> float:
    """The share of a company's profile filled in (as the engine counts it)."""
    fields = [company.description, company.website, company.city, company.year_founded]
    fields += [company.logo, company.languages, company.certifications, company.sectors.all()]
    return round(sum(bool(f) for f in fields) / len(fields), 3)


def opportunity_candidate(firm, code, volume, o, dismissed) -> Candidate:
    value = float(o.value_usd) if o.value_usd else None
    return Candidate(
        firm_code=code,
        other_code=o.hs_code_id,
        firm_country=firm.country,
        market_country=o.market_country,
        same_sector=o.sector_id in {s.pk for s in firm.sectors.all()},
        demand_usd=value,
        growth_pct=o.growth_pct,
        unrealised_usd=float(o.unrealised_usd)
        if o.kind == "demand" and o.unrealised_usd is not None
        else None,
        required_certifications=frozenset(o.required_certifications),
        firm_certifications=frozenset(firm.certifications),
        volume_fits=volume >= value if volume and o.kind == "request" and value else None,
        age_days=(timezone.now() - o.published_at).days,
        verified=o.kind != "request" or o.company.status == "verified",
        similar_dismissed=o.hs_code_id[:4] in dismissed,
        completeness=((o.value_usd is not None) + (o.sector_id is not None)) / 2,
    )


def stored_best(company_ids) -> dict[int, list]:
    live = Match.objects.filter(company_id__in=company_ids, is_stale=False)
    stored = defaultdict(list)
    for company_id, opportunity_id, counterpart_id, value in live.order_by(
        "company_id", "-score", "opportunity_id", "counterpart_id"
    ).values_list("company_id", "opportunity_id", "counterpart_id", "score"):
        stored[company_id].append(
            (opportunity_id is not None, opportunity_id or counterpart_id, value)
        )
    return {pk: sorted(stored.get(pk, [])) for pk in company_ids}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_engine_keeps_exactly_the_best_an_exhaustive_scoring_finds(seed):
    # given a random world and few matches kept, so that the engine prunes most candidates
    rng = random.Random(seed)
    MatchingSettings.objects.update_or_create(pk=1, defaults={"max_matches_per_company": 3})
    company_ids = random_world(rng)
    weights, floor, keep = engine.load_settings()
    # when the engine matches them all, then it keeps what scoring every pair would keep
    engine.match_companies(company_ids)
    assert stored_best(company_ids) == exhaustive_best(company_ids, weights, floor, keep)
    # and after firms dismiss some matches, a rematch still agrees, penalties included
    for pk in rng.sample(list(Match.objects.values_list("pk", flat=True)), 20):
        Match.objects.filter(pk=pk).update(status=Match.Status.DISMISSED)
    expected = exhaustive_best(company_ids, weights, floor, keep)
    engine.match_companies(company_ids)
    assert stored_best(company_ids) == expected


@pytest.mark.parametrize(
    ("seed", "keep", "reads"), [(4, 2, (1, 3, None)), (5, 5, (2, None)), (6, 20, (200, None))]
)
def test_one_firm_rematch_loading_its_closest_candidates_first_keeps_the_same_best(
    seed, keep, reads, monkeypatch
):
    # given a random world where some firms' best N are all of their own codes and others need
    # the heading's or the chapter's candidates to fill their list, and a firm's rematch that
    # reads its counterparts a few at a time (highest bound first)
    monkeypatch.setattr(engine, "CLOSEST_COUNTERPARTS", reads)
    rng = random.Random(seed)
    MatchingSettings.objects.update_or_create(pk=1, defaults={"max_matches_per_company": keep})
    company_ids = random_world(rng)
    weights, floor, keep = engine.load_settings()
    expected = exhaustive_best(company_ids, weights, floor, keep)
    # when each firm is rematched alone (its own code's candidates, then heading, then chapter)
    for pk in company_ids:
        engine.match_companies([pk])
    # then every firm keeps exactly what scoring every pair keeps
    assert stored_best(company_ids) == expected


def test_a_firm_whose_own_code_fills_its_list_loads_nothing_of_its_chapter():
    # given a supplier with more exact-code buyers than it keeps, all with full profiles
    MatchingSettings.objects.update_or_create(pk=1, defaults={"max_matches_per_company": 2})
    fresh, nuts = HSCodeFactory(code="080610"), HSCodeFactory(code="080211")
    lima, cdmx = RegionFactory(code="PE-LIM", country="PE"), RegionFactory(code="MX-CMX")
    sector = SectorFactory()
    supplier = CompanyFactory(region=lima, size="small")
    set_sectors(company=supplier, sectors=[sector])
    CompanyProductFactory(company=supplier, hs_code=fresh, direction="export")
    for hs_code in (fresh, fresh, fresh, nuts):
        buyer = CompanyFactory(region=cdmx, size="medium", description="Importamos fruta.")
        set_sectors(company=buyer, sectors=[sector])
        CompanyProductFactory(company=buyer, hs_code=hs_code, direction="import")
    # when it is rematched, then it keeps two exact-code buyers, having read only that code
    with CaptureQueriesContext(connection) as queries:
        engine.match_companies([supplier.pk])
    kept = Match.objects.filter(company=supplier, is_stale=False)
    assert {m.components["other_code"] for m in kept} == {"080610"}
    assert kept.count() == 2
    assert [q["sql"] for q in queries if "'080610'" in q["sql"]]
    assert not [q["sql"] for q in queries if "'08'" in q["sql"] or "'08%'" in q["sql"]]


FULL_PROFILE = {
    "description": "Importamos fruta fresca.",
    "website": "https://example.com",
    "city": "Guadalajara",
    "year_founded": 1998,
    "logo": "logos/a.png",
    "languages": ["es", "en"],
    "certifications": ["haccp"],
}
GAPS = [
    {},
    {"description": ""},
    {"website": ""},
    {"city": ""},
    {"year_founded": None},
    {"year_founded": 0},
    {"logo": ""},
    {"languages": []},
    {"certifications": []},
    {"sectors": False},
    {"size": "large"},
    {"active_days": 0},
    {"active_days": 45},
    {"active_days": 400},
]


def test_the_database_bound_of_a_counterpart_is_its_score_at_most_a_day_of_freshness_above():
    # given a supplier and one buyer per variant of profile, size, sector and activity, each on
    # its own HS code and with nothing it requires
    lima, cdmx = RegionFactory(code="PE-LIM", country="PE"), RegionFactory(code="MX-CMX")
    sector = SectorFactory()
    supplier = CompanyFactory(region=lima, size="small")
    set_sectors(company=supplier, sectors=[sector])
    now = timezone.now()
    buyers = {}
    for index, gap in enumerate(GAPS):
        code = HSCodeFactory(code=f"0806{index:02d}")
        CompanyProductFactory(company=supplier, hs_code=code, direction="export")
        fields = {k: v for k, v in {**FULL_PROFILE, **gap}.items() if k in FULL_PROFILE}
        buyer = CompanyFactory(region=cdmx, size=gap.get("size", "medium"), **fields)
        if gap.get("sectors", True):
            set_sectors(company=buyer, sectors=[sector])
        CompanyProductFactory(company=buyer, hs_code=code, direction="import")
        active = now - timedelta(days=gap.get("active_days", 3), hours=5)
        Company.objects.filter(pk=buyer.pk).update(updated_at=active, verified_at=active)
        buyers[code.code] = buyer.pk
    MatchingSettings.objects.update_or_create(pk=1, defaults={"max_matches_per_company": 50})
    # when the supplier's matches are computed and each buyer's bound is read from the database
    engine.match_companies([supplier.pk])
    scores = dict(Match.objects.filter(company=supplier).values_list("counterpart_id", "score"))
    firm = engine.load_firms([supplier.pk])[supplier.pk]
    bounds = counterpart_bounds(firm, engine.load_settings()[0], level=0)
    for code, buyer_id in buyers.items():
        needs = {("export", code, "PE")}
        _none, bound = loading.closest_counterparts(needs, bounds, timezone.now(), limit=0)
        # then no bound is below the score, and none is above it by more than a day of freshness
        assert scores[buyer_id] <= bound <= scores[buyer_id] + 0.1, (code, GAPS[int(code[4:])])


def test_a_prefix_reads_every_code_under_it_and_none_beside_it():
    """Chapters and headings are read as ranges of codes ('0809' up to '0810'), so the ranges'
    ends must neither lose the prefix's last codes nor take the next one's first."""
    codes = ["0809", "080910", "080990", "0810", "081010", "9903", "990310", "0899"]
    for code in codes:
        CompanyProductFactory(hs_code=HSCodeFactory(code=code), direction="export")

    def read(*prefixes):
        rows = CompanyProduct.objects.filter(loading.codes_filter(prefixes, direction="export"))
        return sorted(rows.values_list("hs_code_id", flat=True))

    assert read("0809") == ["0809", "080910", "080990"]
    assert read("08") == ["0809", "080910", "080990", "0810", "081010", "0899"]
    assert read("99", "080990") == ["080990", "9903", "990310"]
    assert read("") == sorted(codes)
    assert read("0811") == []


def test_a_counterpart_deleted_while_a_run_reads_its_candidates_leaves_no_dangling_match():
    # given a full run's candidates, read before a buyer deletes its company
    fresh = HSCodeFactory(code="080610")
    supplier = CompanyFactory(region=RegionFactory(code="PE-LIM", country="PE"))
    CompanyProductFactory(company=supplier, hs_code=fresh)
    buyer = CompanyFactory(region=RegionFactory(code="MX-CMX"))
    CompanyProductFactory(company=buyer, hs_code=fresh, direction="import")
    candidates = Candidates(*engine.load_settings())
    buyer_id = buyer.pk
    buyer.delete()
    # when the run matches the supplier, then no match points at the deleted company
    engine.match_companies([supplier.pk], candidates)
    assert not Match.objects.filter(counterpart_id=buyer_id).exists()


def grower_and_grape_buyers(count: int):
    """A Peruvian grape grower of the fruit sector and `count` Mexican grape buyers of none."""
    grapes, fruit = HSCodeFactory(code="080610"), SectorFactory(slug="fruta")
    lima, cdmx = RegionFactory(code="PE-LIM", country="PE"), RegionFactory(code="MX-CMX")
    grower = CompanyFactory(region=lima, size="small")
    set_sectors(company=grower, sectors=[fruit])
    CompanyProductFactory(company=grower, hs_code=grapes, direction="export")
    buyers = [CompanyFactory(region=cdmx, size="medium") for _ in range(count)]
    for buyer in buyers:
        CompanyProductFactory(company=buyer, hs_code=grapes, direction="import")
    return grower, fruit, buyers


def first_counterpart(grower) -> tuple[int, int]:
    """The company the grower's own rematch reads first, and the one its list shows first."""
    firm = engine.load_firms([grower.pk])[grower.pk]
    bounds = counterpart_bounds(firm, engine.load_settings()[0], 0)
    needs = engine.needs_of([firm], engine.LEVELS[0])
    read, _rest = loading.closest_counterparts(needs, bounds, timezone.now(), 1)
    engine.match_companies([grower.pk])
    first = Match.objects.filter(company=grower, is_stale=False).order_by("-score", "pk").first()
    return CompanyProduct.objects.get(pk=read[0]).company_id, first.counterpart_id


def test_a_save_of_a_buyer_read_before_its_sectors_changed_keeps_it_first_for_its_supplier():
    # given a grape buyer read by one request while another puts it in the grower's sector
    grower, fruit, buyers = grower_and_grape_buyers(230)
    chosen = buyers[-1]
    read_before = Company.objects.get(pk=chosen.pk)
    set_sectors(company=Company.objects.get(pk=chosen.pk), sectors=[fruit])
    # when the first request saves what it read
    read_before.contact_name = "Ana Quispe"  # not a part of the profile the bound counts
    read_before.save()
    # then the buyer keeps both changes, and the grower's own rematch reads it and lists it first
    chosen.refresh_from_db()
    assert chosen.contact_name == "Ana Quispe"
    assert list(chosen.sectors.all()) == [fruit]
    assert first_counterpart(grower) == (chosen.pk, chosen.pk)


def test_the_nightly_run_mends_sector_bits_a_bulk_write_left_behind():
    # given a buyer put in the grower's sector by a bulk write that left its bits as they were
    grower, fruit, buyers = grower_and_grape_buyers(230)
    chosen = buyers[-1]
    chosen.sectors.add(fruit)
    assert first_counterpart(grower)[0] != chosen.pk
    # when the nightly full run starts, then the grower's own rematch reads it and lists it first
    runs.start_full_run()
    assert first_counterpart(grower) == (chosen.pk, chosen.pk)


def test_sectors_staff_give_a_buyer_in_the_admin_lift_it_in_its_suppliers_own_rematch(client):
    # given a grower of the fruit sector and more grape buyers than its own rematch reads first
    grower, fruit, buyers = grower_and_grape_buyers(230)
    chosen = buyers[-1]  # the last, so no order by id finds it first
    # when staff add the buyer to the fruit sector on its admin page
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    form = {
        **{k: v for k, v in model_to_dict(chosen).items() if v is not None and k != "logo"},
        "region": chosen.region_id,
        "sectors": [fruit.pk],
        "certifications": "[]",
        "languages": "[]",
        "contact_languages": "[]",
        **{
            f"{prefix}-{n}": 0 for prefix in ("products", "memberships") for n in ("INITIAL_FORMS",)
        },
    }
    product = chosen.products.get()
    form.update(
        {
            "products-TOTAL_FORMS": 1,
            "products-INITIAL_FORMS": 1,
            "products-0-id": product.pk,
            "products-0-company": chosen.pk,
            "products-0-hs_code": "080610",
            "products-0-direction": "import",
            "memberships-TOTAL_FORMS": 0,
        }
    )
    response = client.post(f"/admin/companies/company/{chosen.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    # then the grower's own rematch reads it first, and lists it first: it shares its sector
    assert first_counterpart(grower) == (chosen.pk, chosen.pk)
    first = Match.objects.get(company=grower, counterpart=chosen)
    assert first.components["sector"] == 1


def stored_cards(company_ids) -> dict[tuple, tuple]:
    live = Match.objects.filter(company_id__in=company_ids, is_stale=False)
    return {
        (company, opportunity, counterpart): (value, components, reasons)
        for company, opportunity, counterpart, value, components, reasons in live.values_list(
            "company_id", "opportunity_id", "counterpart_id", "score", "components", "reasons"
        )
    }


@pytest.mark.parametrize("seed", [7, 8])
def test_firms_matched_in_one_run_get_the_cards_each_gets_when_matched_alone(seed):
    # given a random world, and two Mexican importers of grapes alike but for their requests'
    # requirements, and a Peruvian supplier holding one of the two certifications they ask
    company_ids = random_world(random.Random(seed))
    grapes, lima = HSCodeFactory(code="080610"), RegionFactory(code="PE-LIM", country="PE")
    supplier = CompanyFactory(region=lima, certifications=["globalgap"], size="small")
    CompanyProductFactory(company=supplier, hs_code=grapes)
    twins = []
    for required in (["globalgap"], ["globalgap", "organic"]):
        buyer = CompanyFactory(region=RegionFactory(code="MX-JAL"), size="medium")
        CompanyProductFactory(company=buyer, hs_code=grapes, direction="import")
        OpportunityFactory(
            kind="request",
            company=buyer,
            market_country="MX",
            hs_code=grapes,
            required_certifications=required,
        )
        twins.append(buyer.pk)
    company_ids += [supplier.pk, *twins]
    # when a full run matches them all at once, reading every candidate once
    engine.match_companies(company_ids, Candidates(*engine.load_settings()))
    together = stored_cards(company_ids)
    # then each firm matched alone stores the same cards: scores, components and reasons
    Match.objects.all().delete()
    for pk in company_ids:
        engine.match_companies([pk])
    assert stored_cards(company_ids) == together
    # and the twins' cards of the supplier differ where their requirements do
    met = {pk: together[pk, None, supplier.pk][1]["requirements"] for pk in twins}
    assert met == {twins[0]: 1.0, twins[1]: 0.5}
