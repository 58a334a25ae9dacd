"""The matching engine: loads candidates for a chunk of companies in a few queries, scores them
(scoring.py), keeps the best per company above the floor, upserts them in bulk and marks the
matches that no longer hold as stale (never deleting them, so dismissed and interested marks
survive a rematch)."""

import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from opportunities.matching.scoring import Candidate, Weights, product_fit, score

CHUNK = 2000


@dataclass
class Firm:
    pk: int
    name: str
    country: str
    verified: bool
    certifications: frozenset[str]
    sectors: set[int]
    exports: dict[str, float | None]  # HS code -> yearly volume
    imports: dict[str, float | None]
    dismissed_headings: set[str]


def load_weights() -> tuple[Weights, float, int]:
    from opportunities.models import MatchingSettings

    s = MatchingSettings.load()
    weights = Weights(
        s.product_weight,
        s.direction_weight,
        s.sector_weight,
        s.demand_weight,
        s.requirements_weight,
        s.freshness_weight,
        s.verified_weight,
        s.dismissal_penalty,
    )
    return weights, s.floor_score, s.max_matches_per_company


def load_firms(company_ids) -> dict[int, Firm]:
    """The companies with their products, sectors and dismissed headings (four queries)."""
    from companies.models import Company, CompanyProduct
    from opportunities.models import Match

    firms = {
        c.pk: Firm(
            c.pk,
            c.display_name,
            c.country,
            c.status == "verified",
            frozenset(c.certifications or []),
            set(),
            {},
            {},
            set(),
        )
        for c in Company.objects.filter(pk__in=company_ids).only(
            "pk", "legal_name", "trade_name", "country", "status", "certifications"
        )
    }
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
    for company_id, opp_code, other_code in dismissed.values_list(
        "company_id", "opportunity__hs_code_id", "components__other_code"
    ):
        code = opp_code or other_code
        if code:
            firms[company_id].dismissed_headings.add(code[:4])
    return firms


def load_opportunities(chapters: set[str]) -> dict[str, list]:
    """Open opportunities in the given HS chapters, grouped by chapter (one query)."""
    from opportunities.models import Opportunity

    found = defaultdict(list)
    queryset = (
        Opportunity.objects.open()
        .filter(
            ~Q(kind=Opportunity.Kind.REQUEST) | Q(company__status="verified"),
            hs_code__code__regex=r"^(" + "|".join(sorted(chapters)) + ")" if chapters else r"^$",
        )
        .select_related("company", "market_region")
        .only(
            "pk",
            "kind",
            "hs_code_id",
            "market_country",
            "market_region__name",
            "sector_id",
            "value_usd",
            "imports_world_usd",
            "imports_partner_usd",
            "growth_pct",
            "unrealised_usd",
            "period_end",
            "required_certifications",
            "quantity",
            "published_at",
            "company__legal_name",
            "company__trade_name",
            "company__status",
        )
    )
    for opportunity in queryset:
        found[opportunity.hs_code_id[:2]].append(opportunity)
    return found


def opportunity_matches(firm: Firm, opportunities: dict[str, list], weights: Weights, now):
    """Score every open opportunity sharing a chapter with one of the firm's exports."""
    best: dict[int, tuple] = {}
    for code, volume in firm.exports.items():
        for opportunity in opportunities.get(code[:2], ()):
            if opportunity.market_country == firm.country:
                continue  # a firm never matches demand in its own country
            candidate = Candidate(
                firm_code=code,
                other_code=opportunity.hs_code_id,
                firm_country=firm.country,
                market_country=opportunity.market_country,
                same_sector=opportunity.sector_id in firm.sectors,
                demand_usd=float(opportunity.value_usd) if opportunity.value_usd else None,
                growth_pct=opportunity.growth_pct,
                required_certifications=frozenset(opportunity.required_certifications or []),
                firm_certifications=firm.certifications,
                volume_fits=_volume_fits(volume, opportunity),
                age_days=(now - opportunity.published_at).days if opportunity.published_at else 0,
                verified=opportunity.kind != "request" or opportunity.company.status == "verified",
                similar_dismissed=opportunity.hs_code_id[:4] in firm.dismissed_headings,
            )
            value, parts = score(candidate, weights)
            if value > best.get(opportunity.pk, (0,))[0]:
                best[opportunity.pk] = (value, parts, code, opportunity, candidate)
    return best


def _volume_fits(volume: float | None, opportunity) -> bool | None:
    if volume is None or opportunity.kind != "request" or not opportunity.value_usd:
        return None
    return volume >= float(opportunity.value_usd)


def opportunity_reasons(firm: Firm, code: str, opportunity, candidate: Candidate) -> list[dict]:
    """Why this opportunity fits this firm, as reason keys with their numbers."""
    level = _level(code, opportunity.hs_code_id)
    reasons = []
    if opportunity.kind == "demand":
        world = float(opportunity.imports_world_usd or 0)
        partner = float(opportunity.imports_partner_usd or 0)
        reasons.append(
            {
                "key": "market_imports",
                "params": {
                    "market": opportunity.market_country,
                    "region": opportunity.market_region.name
                    if opportunity.market_region_id
                    else "",
                    "value": world,
                    "code": opportunity.hs_code_id,
                    "year": opportunity.period_end,
                    "partner": firm.country,
                    "share": round(100 * partner / world) if world else 0,
                },
            }
        )
        if opportunity.growth_pct and opportunity.growth_pct > 0:
            reasons.append({"key": "growth", "params": {"growth": opportunity.growth_pct}})
        if opportunity.unrealised_usd:
            reasons.append(
                {
                    "key": "unrealised",
                    "params": {"partner": firm.country, "value": float(opportunity.unrealised_usd)},
                }
            )
    elif opportunity.kind == "request":
        reasons.append(
            {
                "key": "buyer_request",
                "params": {
                    "buyer": opportunity.company.display_name,
                    "code": opportunity.hs_code_id,
                },
            }
        )
    reasons.append({"key": "product", "params": {"level": level, "firm_code": code}})
    if candidate.required_certifications:
        met = sorted(candidate.required_certifications & firm.certifications)
        missing = sorted(candidate.required_certifications - firm.certifications)
        reasons.append({"key": "certifications", "params": {"met": met, "missing": missing}})
    if candidate.similar_dismissed:
        reasons.append({"key": "dismissed_similar", "params": {}})
    return reasons


def counterpart_matches(firms: dict[int, Firm], weights: Weights, keep: int) -> dict[int, dict]:
    """Supplier firms whose exports meet buyer firms' imports, across the two countries.

    Counterparts are indexed by direction, country and HS prefix (6, 4, 2 digits) and visited
    closest product first, stopping once `keep` undismissed ones are found for a product: the
    score of a counterpart only falls with the product's distance, so the rest cannot rank in the
    best `keep` (bounded work per firm however popular the chapter)."""
    from companies.models import Company, CompanyProduct

    chapters = {code[:2] for firm in firms.values() for code in (*firm.exports, *firm.imports)}
    others = CompanyProduct.objects.filter(
        company__status=Company.Status.VERIFIED,
        hs_code__code__regex=r"^(" + "|".join(sorted(chapters)) + ")" if chapters else r"^$",
    ).values_list(
        "company_id",
        "hs_code_id",
        "direction",
        "company__country",
        "company__legal_name",
        "company__trade_name",
    )
    index = defaultdict(list)
    for row in others:
        for prefix in {row[1][:6], row[1][:4], row[1][:2]}:
            index[(row[2], row[3], prefix)].append(row)
    result: dict[int, dict] = defaultdict(dict)
    for firm in firms.values():
        for side, wanted, role in (
            (firm.exports, "import", "buyer"),
            (firm.imports, "export", "supplier"),
        ):
            for code in side:
                seen, found = set(), 0
                rows = (
                    row
                    for country in ("MX", "PE")
                    if country != firm.country
                    for prefix in dict.fromkeys((code, code[:4], code[:2]))
                    for row in index.get((wanted, country, prefix), ())
                )
                for pk, other_code, _direction, country, legal, trade in rows:
                    if found >= keep:
                        break
                    if pk == firm.pk or (pk, other_code) in seen:
                        continue
                    seen.add((pk, other_code))
                    found += other_code[:4] not in firm.dismissed_headings
                    candidate = Candidate(
                        firm_code=code,
                        other_code=other_code,
                        firm_country=firm.country,
                        market_country=country,
                        similar_dismissed=other_code[:4] in firm.dismissed_headings,
                    )
                    value, parts = score(candidate, weights)
                    if value > result[firm.pk].get(pk, (0,))[0]:
                        reasons = [
                            {
                                "key": "counterpart",
                                "params": {
                                    "company": trade or legal,
                                    "country": country,
                                    "code": other_code,
                                    "role": "supplier" if role == "supplier" else "buyer",
                                },
                            },
                            {
                                "key": "product",
                                "params": {"level": _level(code, other_code), "firm_code": code},
                            },
                        ]
                        parts["other_code"] = other_code
                        result[firm.pk][pk] = (value, parts, role, reasons)
    return result


def _level(code: str, other: str) -> str:
    return {1.0: "exact", 0.7: "heading", 0.3: "chapter"}[product_fit(code, other)]


def match_companies(company_ids) -> int:
    """Recompute the matches of these companies; return how many matches were written."""
    weights, floor, keep = load_weights()
    firms = load_firms(company_ids)
    chapters = {code[:2] for firm in firms.values() for code in firm.exports}
    opportunities = load_opportunities(chapters)
    counterparts = counterpart_matches(firms, weights, keep)
    now = timezone.now()
    rows = []
    for firm in firms.values():
        found = opportunity_matches(firm, opportunities, weights, now)
        scored = [
            (v, parts, "opportunity", opp.pk, None, opportunity_reasons(firm, code, opp, candidate))
            for v, parts, code, opp, candidate in found.values()
        ]
        scored += [
            (v, parts, role, None, pk, reasons)
            for pk, (v, parts, role, reasons) in counterparts.get(firm.pk, {}).items()
        ]
        scored = sorted((s for s in scored if s[0] >= floor), key=lambda s: s[0], reverse=True)
        rows += [(firm.pk, *s) for s in scored[:keep]]
    return write(list(firms), rows)


@transaction.atomic
def write(company_ids: list[int], rows: list[tuple]) -> int:
    """Upsert the matches found and mark the companies' other matches as stale."""
    from opportunities.models import Match

    kinds = {
        "opportunity": Match.Kind.OPPORTUNITY,
        "buyer": Match.Kind.BUYER,
        "supplier": Match.Kind.SUPPLIER,
    }
    matches = [
        Match(
            company_id=company_id,
            kind=kinds[kind],
            opportunity_id=opportunity_id,
            counterpart_id=counterpart_id,
            score=value,
            components=parts,
            reasons=reasons,
            is_stale=False,
        )
        for company_id, value, parts, kind, opportunity_id, counterpart_id, reasons in rows
    ]
    fields = ["score", "components", "reasons", "is_stale", "kind", "updated_at"]
    Match.objects.bulk_create(
        [m for m in matches if m.opportunity_id],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["company", "opportunity"],
        update_fields=fields,
    )
    Match.objects.bulk_create(
        [m for m in matches if m.counterpart_id],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["company", "counterpart"],
        update_fields=fields,
    )
    kept_opportunities = {(m.company_id, m.opportunity_id) for m in matches if m.opportunity_id}
    kept_counterparts = {(m.company_id, m.counterpart_id) for m in matches if m.counterpart_id}
    stale = [
        pk
        for pk, company, opportunity, counterpart in Match.objects.filter(
            company_id__in=company_ids, is_stale=False
        ).values_list("pk", "company_id", "opportunity_id", "counterpart_id")
        if (company, opportunity) not in kept_opportunities
        and (company, counterpart) not in kept_counterparts
    ]
    Match.objects.filter(pk__in=stale).update(is_stale=True, updated_at=timezone.now())
    # Instant emails commit or roll back together with the matches they announce.
    from opportunities.notifications.instant import queue_match_emails

    queue_match_emails(company_ids=company_ids)
    return len(matches)


def rematch(company_ids, kind: str) -> int:
    """Run the engine over companies in chunks and record the run for the health page."""
    from opportunities.models import MatchingRun

    run = MatchingRun.objects.create(kind=kind)
    started, written, ids = time.monotonic(), 0, list(company_ids)
    for start in range(0, len(ids), CHUNK):
        written += match_companies(ids[start : start + CHUNK])
    run.finished_at = timezone.now()
    run.duration_s = round(time.monotonic() - started, 3)
    run.companies, run.matches_written = len(ids), written
    run.save(update_fields=["finished_at", "duration_s", "companies", "matches_written"])
    return written


def companies_trading(hs_prefixes) -> list[int]:
    """Companies with a product in any of these HS chapters or headings."""
    from companies.models import CompanyProduct

    query = Q()
    for prefix in hs_prefixes:
        query |= Q(hs_code__code__startswith=prefix[:2])
    return list(
        CompanyProduct.objects.filter(query).values_list("company_id", flat=True).distinct()
    )
