"""Writes that change what matches: the interfaces (pages, API, admin, commands, tasks) call these.

Each one writes through the service of the lower layer (companies, opportunities, trade data),
which knows nothing of matching, and schedules the rematch once the transaction commits.
"""

from django.db import transaction

from companies import services as company_services
from companies.models import Company, CompanyProduct
from opportunities.listings import services as listing_services
from opportunities.listings.models import Opportunity
from opportunities.matching import tasks
from opportunities.matching.withdrawal import withdraw_matches
from opportunities.trade.importing import import_trade_file as import_trade_rows
from opportunities.trade.models import TradeDataset

# Companies ------------------------------------------------------------------------------------


def rematch_company_on_commit(company: Company) -> None:
    """Recompute the company's matches once the change commits."""
    transaction.on_commit(lambda: tasks.rematch_company.delay(company.pk))


@transaction.atomic
def update_company(*, company: Company, data: dict, next_step: int | None = None) -> Company:
    """Save profile fields (and the wizard's step), then rematch the company."""
    company = company_services.update_company(company=company, data=data, next_step=next_step)
    rematch_company_on_commit(company)
    return company


@transaction.atomic
def finish_setup(
    *, company: Company, membership, notify_frequency: str, notify_min_score: int, language: str
) -> Company:
    """The wizard's last step: the member's notifications and language, then the company's
    set-up is done and it is matched."""
    company_services.set_notifications(
        membership=membership,
        notify_frequency=notify_frequency,
        notify_min_score=notify_min_score,
        language=language,
    )
    return update_company(company=company, data={}, next_step=Company.SETUP_DONE)


@transaction.atomic
def add_product(
    *, company: Company, hs_code, direction: str, yearly_volume_usd=None
) -> CompanyProduct:
    """Add (or update) a product the company trades, then rematch the company."""
    product = company_services.add_product(
        company=company,
        hs_code=hs_code,
        direction=direction,
        yearly_volume_usd=yearly_volume_usd,
    )
    rematch_company_on_commit(company)
    return product


@transaction.atomic
def remove_product(*, company: Company, product_id: int) -> None:
    """Remove one of the company's products, then rematch the company."""
    company_services.remove_product(company=company, product_id=product_id)
    rematch_company_on_commit(company)


@transaction.atomic
def set_verification(*, companies, status: str, reason: str = "") -> int:
    """Verify or reject companies (staff), then rematch each of them."""
    changed = list(companies.values_list("pk", flat=True))
    count = company_services.set_verification(companies=companies, status=status, reason=reason)
    # a newly verified firm enters its counterparts' lists too, not only its own
    task = tasks.rematch_company_and_counterparts if status == "verified" else tasks.rematch_company
    for company_id in changed:
        transaction.on_commit(lambda pk=company_id: task.delay(pk))
    return count


# Opportunities --------------------------------------------------------------------------------


def match_opportunity_on_commit(opportunity_id: int) -> None:
    """Match the opportunity with the companies trading in its chapter once the change commits."""
    transaction.on_commit(lambda: tasks.match_opportunity.delay(opportunity_id))


@transaction.atomic
def moderate(*, opportunities, publish: bool, note: str = "") -> int:
    """Publish or reject buyer requests awaiting moderation, then (re)match each of them."""
    pending = list(
        opportunities.filter(status=Opportunity.Status.PENDING).values_list("pk", flat=True)
    )
    published = (
        []
        if publish
        else list(
            opportunities.filter(status=Opportunity.Status.PUBLISHED).values_list("pk", flat=True)
        )
    )
    count = listing_services.moderate(opportunities=opportunities, publish=publish, note=note)
    if publish:
        for opportunity_id in pending:
            match_opportunity_on_commit(opportunity_id)
    else:
        withdraw_matches([*pending, *published])
    return count


@transaction.atomic
def close_request(*, opportunity: Opportunity, reason: str = "closed") -> None:
    """Close a buyer request; it leaves every match list at once."""
    listing_services.close_request(opportunity=opportunity, reason=reason)
    withdraw_matches([opportunity.pk])


@transaction.atomic
def close_opportunities(*, opportunities, unpublish: bool = False) -> int:
    """Close or unpublish opportunities (staff); they leave every match list at once."""
    closed = listing_services.close_opportunities(opportunities=opportunities, unpublish=unpublish)
    withdraw_matches(closed)
    return len(closed)


@transaction.atomic
def reopen(*, opportunity: Opportunity) -> Opportunity:
    """Publish again a closed, rejected or draft opportunity; it is matched again on commit."""
    opportunity = listing_services.reopen(opportunity=opportunity)
    match_opportunity_on_commit(opportunity.pk)
    return opportunity


@transaction.atomic
def publish_curated(*, opportunity: Opportunity) -> Opportunity:
    """Publish an opportunity written by staff, then match it."""
    opportunity = listing_services.publish_curated(opportunity=opportunity)
    match_opportunity_on_commit(opportunity.pk)
    return opportunity


# Trade statistics -----------------------------------------------------------------------------


def regenerate_demand_on_commit() -> None:
    """Recompute market demand, then rematch every company, once the change commits."""
    transaction.on_commit(tasks.regenerate_demand.delay)


def import_trade_file(**options) -> TradeDataset:
    """Import one trade file (see opportunities.trade.importing.import_trade_file), then
    regenerate market demand and rematch after it commits."""
    dataset = import_trade_rows(**options)
    regenerate_demand_on_commit()
    return dataset
