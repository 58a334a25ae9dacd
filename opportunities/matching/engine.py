"""The matching engine: for a chunk of companies, loads the firms in a few queries, takes each
one's best matches above the floor from the candidates (candidates.py, scored by scoring.py) and
stores them in bulk (store.py), marking the matches that no longer hold as stale (never deleting
them, so dismissed and interested marks survive a rematch)."""

import gc
import time
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from companies.models import Company, CompanyProduct
from opportunities.listings.models import Opportunity
from opportunities.matching import loading, store
from opportunities.matching.candidates import Candidates, Profile, beyond, counterpart_bounds
from opportunities.matching.models import Match, MatchingRun, MatchingSettings
from opportunities.matching.ranking import LEVELS, Found, prefix
from opportunities.matching.scoring import Weights

CHUNK = 5000  # companies per task of a full rematch: few, large units of work
CLOSEST_FIRST_UP_TO = 200  # companies a rematch loads code by code, heading, chapter
CLOSEST_COUNTERPARTS = (200, 3200, None)  # counterpart products a firm's own rematch reads


@dataclass
class Firm:
    pk: int
    country: str
    certifications: frozenset[str]
    size: str = ""
    sectors: set[int] = field(default_factory=set)
    required: set[str] = field(default_factory=set)  # by its open buyer requests
    exports: dict[str, float | None] = field(default_factory=dict)  # HS code -> yearly volume
    imports: dict[str, float | None] = field(default_factory=dict)
    dismissed_headings: set[str] = field(default_factory=set)
    profiles: dict[str, Profile] = field(default_factory=dict, repr=False)  # by HS chapter

    def profile(self, code: str) -> Profile:
        """What its scores with candidates of this product's chapter depend on, besides it."""
        chapter = code[:2]
        if chapter not in self.profiles:
            self.profiles[chapter] = Profile(
                self.country,
                frozenset(self.sectors),
                self.certifications,
                frozenset(h for h in self.dismissed_headings if h[:2] == chapter),
                self.size,
                frozenset(self.required),
            )
        return self.profiles[chapter]


def load_settings() -> tuple[Weights, float, int]:
    s = MatchingSettings.load()
    weights = Weights(
        product=s.product_weight,
        sector=s.sector_weight,
        demand=s.demand_weight,
        requirements=s.requirements_weight,
        freshness=s.freshness_weight,
        profile=s.profile_weight,
        dismissal_penalty=s.dismissal_penalty,
    )
    return weights, s.floor_score, s.max_matches_per_company


def load_firms(company_ids) -> dict[int, Firm]:
    """The companies with their products, sectors, requests' requirements and dismissed headings
    (five queries)."""
    companies = Company.objects.filter(pk__in=company_ids).order_by()
    firms = {
        pk: Firm(pk, country, frozenset(certifications or ()), size)
        for pk, country, certifications, size in companies.values_list(
            "pk", "country", "certifications", "size"
        )
    }
    for company_id, required in (
        Opportunity.objects.open()
        .filter(kind=Opportunity.Kind.REQUEST, company_id__in=firms)
        .values_list("company_id", "required_certifications")
    ):
        firms[company_id].required.update(required or ())
    for company_id, sector_id in Company.sectors.through.objects.filter(
        company_id__in=firms
    ).values_list("company_id", "sector_id"):
        firms[company_id].sectors.add(sector_id)
    for company_id, code, direction, volume in CompanyProduct.objects.filter(
        company_id__in=firms
    ).values_list("company_id", "hs_code_id", "direction", "yearly_volume_usd"):
        side = firms[company_id].exports if direction == "export" else firms[company_id].imports
        side[code] = float(volume) if volume is not None else None
    dismissed = Match.objects.filter(company_id__in=firms, status=Match.Status.DISMISSED)
    for company_id, opportunity_code, other_code in dismissed.values_list(
        "company_id", "opportunity__hs_code_id", "components__other_code"
    ):
        if code := opportunity_code or other_code:
            firms[company_id].dismissed_headings.add(code[:4])
    return firms


def best_matches(firm: Firm, candidates: Candidates) -> list[Found]:
    """The firm's best matches above the floor: opportunities and counterparts, best first (a
    buyer and its requests on one card)."""
    return candidates.best_for(firm)


def needs_of(firms, level: int = LEVELS[-1]) -> set[tuple[str, str, str]]:
    """The (direction, HS chapter, country) of what these firms trade; at a closer fit `level`,
    their headings or codes instead of the chapters."""
    return {
        (direction, prefix(code, level), firm.country)
        for firm in firms
        for direction, codes in (("export", firm.exports), ("import", firm.imports))
        for code in codes
    }


def match_companies(company_ids, candidates: Candidates | None = None) -> int:
    """Recompute the matches of these companies; return how many matches were written.

    Without `candidates`, loads those of the companies' HS codes, headings and chapters as
    their lists need them (an incremental rematch: `closest_first`)."""
    firms = load_firms(company_ids)
    if candidates is not None:
        found = {pk: best_matches(firm, candidates) for pk, firm in firms.items()}
    else:
        found = closest_first(firms)
    rows = [(pk, one) for pk, listed in found.items() for one in listed]
    return store.save(list(firms), rows)


def closest_first(firms: dict[int, Firm]) -> dict[int, list[Found]]:
    """The firms' best matches, loading their candidates of the same HS code first, then of the
    same heading for the firms whose list these leave open, then of the chapter for the rest.

    A candidate sharing only the heading scores at most `beyond(weights, 1)` (88 of 100 with the
    default weights), one sharing only the chapter at most `beyond(weights, 2)` (72): a firm
    whose N-th best among the closer ones scores more has its list, and most firms do. One firm
    alone (`one_closest_first`) also reads only the counterparts that could enter its list. Large
    batches load their chapters at once."""
    settings, now = load_settings(), timezone.now()
    if len(firms) == 1:
        return {pk: one_closest_first(firm, settings, now) for pk, firm in firms.items()}
    levels = LEVELS if len(firms) <= CLOSEST_FIRST_UP_TO else LEVELS[-1:]
    found, left = {}, dict(firms)
    for level in levels:
        candidates = Candidates(*settings, needs=needs_of(left.values(), level), now=now)
        looser = beyond(settings[0], level + 1) if level + 1 in LEVELS else None
        for pk, firm in list(left.items()):
            listed = candidates.best_for(firm, looser)
            if listed is not None:
                found[pk] = listed
                del left[pk]
        if not left:
            break
    return found


def one_closest_first(firm: Firm, settings: tuple[Weights, float, int], now) -> list[Found]:
    """One firm's best matches (its own rematch, waited for): level by level as in
    `closest_first`, and at each level only the counterpart products whose bound in the database
    (`candidates.counterpart_bounds`) is highest, a few hundred of a popular code's thousands,
    then more while one left out could still enter its list."""
    weights = settings[0]
    for level in LEVELS:
        needs = needs_of([firm], level)
        bounds = counterpart_bounds(firm, weights, level)
        looser = beyond(weights, level + 1) if level + 1 in LEVELS else None
        for limit in CLOSEST_COUNTERPARTS:
            only, rest = loading.closest_counterparts(needs, bounds, now, limit)
            listed, bar = Candidates(*settings, needs=needs, now=now, only=only).best_and_bar(firm)
            if rest is not None and rest >= bar:
                continue  # a counterpart left out could enter: read more of them
            if looser is None or looser < bar:
                return listed
            break  # a looser fit could enter: the next level
    raise AssertionError("the chapter level, read whole, always decides")


_run_candidates: dict[int, Candidates] = {}


def run_candidates(run_id: int) -> Candidates:
    """Every candidate of a full run, loaded once per worker process and run."""
    if run_id not in _run_candidates:
        gc.unfreeze()  # the previous run's candidates are collected as usual again
        _run_candidates.clear()
        _run_candidates[run_id] = every_candidate()
    return _run_candidates[run_id]


def every_candidate() -> Candidates:
    """Every candidate, loaded with the cyclic garbage collector paused and then set aside from
    its collections (`gc.freeze`).

    The candidates are two million small objects, none of them garbage: a collection of the
    oldest generation walks them all, and while they are built and then while a chunk's firms
    are matched such collections ran often enough to take a third of a full run's time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        candidates = Candidates(*load_settings())
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()
    return candidates


def rematch(company_ids, kind: str) -> int:
    """Run the engine over companies in chunks and record the run for the health page."""
    run = MatchingRun.objects.create(kind=kind)
    started, written, ids = time.monotonic(), 0, list(company_ids)
    candidates = None
    if len(ids) > CHUNK:  # many chunks: load every candidate once
        candidates = every_candidate()
    try:
        for start in range(0, len(ids), CHUNK):
            written += match_companies(ids[start : start + CHUNK], candidates)
    finally:
        if candidates is not None:
            gc.unfreeze()  # collected as usual again, with whatever else was frozen
    run.finished_at = timezone.now()
    run.duration_s = round(time.monotonic() - started, 3)
    run.companies, run.matches_written = len(ids), written
    run.save(update_fields=["finished_at", "duration_s", "companies", "matches_written"])
    return written


def companies_trading(hs_prefixes) -> list[int]:
    """Companies with a product in any of these HS chapters or headings."""
    query = Q()
    for shared in hs_prefixes:
        query |= Q(hs_code__code__startswith=shared[:2])
    return list(
        CompanyProduct.objects.filter(query).values_list("company_id", flat=True).distinct()
    )


def counterparts_of(company_id: int) -> list[int]:
    """Companies of other countries trading the company's chapters the other way round: those
    whose lists it may enter (its buyers when it exports, its suppliers when it imports)."""
    company = Company.objects.filter(pk=company_id).values_list("country", flat=True).first()
    query = Q(pk__in=[])
    for code, direction in CompanyProduct.objects.filter(company_id=company_id).values_list(
        "hs_code_id", "direction"
    ):
        other = "import" if direction == "export" else "export"
        query |= Q(hs_code__code__startswith=code[:2], direction=other)
    return list(
        CompanyProduct.objects.filter(query)
        .exclude(company__country=company)
        .values_list("company_id", flat=True)
        .distinct()
    )
