"""The admin's start page: the work waiting for staff, counted, each linking to its list.

WORK_SOURCES is the hook: another area adds a function returning its WorkItems (as the abuse
reports of the conversations do) and the start page shows them with the rest, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies.models import Company
from opportunities.matching.health import last_full_run
from opportunities.models import AbuseReport, MatchingRun, Opportunity, TradeUpload
from tradeportal.formatting import number
from tradeportal.models import OutboxEmail


@dataclass(frozen=True)
class WorkItem:
    title: str
    count: int
    url: str
    detail: str = ""
    alarm: bool = False  # something is wrong, not only waiting


def _changelist(model, **filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{query}" if query else url


def verification() -> list[WorkItem]:
    count = Company.objects.filter(status=Company.Status.PENDING).count()
    return [
        WorkItem(
            _("Companies pending verification"),
            count,
            _changelist(Company, status__exact=Company.Status.PENDING),
        )
    ]


def moderation() -> list[WorkItem]:
    pending = Opportunity.objects.filter(
        kind=Opportunity.Kind.REQUEST, status=Opportunity.Status.PENDING
    )
    return [
        WorkItem(
            _("Buyer requests awaiting moderation"),
            pending.count(),
            _changelist(
                Opportunity,
                kind__exact=Opportunity.Kind.REQUEST,
                status__exact=Opportunity.Status.PENDING,
            ),
        )
    ]


def abuse_reports() -> list[WorkItem]:
    """Conversations firms reported (issue 15), open until staff resolve them."""
    count = AbuseReport.objects.filter(status=AbuseReport.Status.OPEN).count()
    return [
        WorkItem(
            _("Abuse reports to review"),
            count,
            _changelist(AbuseReport, status__exact=AbuseReport.Status.OPEN),
            alarm=count > 0,
        )
    ]


def emails() -> list[WorkItem]:
    failed = OutboxEmail.objects.filter(status=OutboxEmail.Status.FAILED).count()
    return [
        WorkItem(
            _("Emails that failed"),
            failed,
            _changelist(OutboxEmail, status__exact=OutboxEmail.Status.FAILED),
            alarm=failed > 0,
        )
    ]


def imports() -> list[WorkItem]:
    counts = dict.fromkeys(TradeUpload.Status.values, 0)
    for status in TradeUpload.objects.filter(
        Q(status=TradeUpload.Status.QUEUED) | Q(status=TradeUpload.Status.REJECTED)
    ).values_list("status", flat=True):
        counts[status] += 1
    return [
        WorkItem(
            _("Trade imports running or queued"),
            counts[TradeUpload.Status.QUEUED],
            _changelist(TradeUpload, status__exact=TradeUpload.Status.QUEUED),
        ),
        WorkItem(
            _("Trade imports refused"),
            counts[TradeUpload.Status.REJECTED],
            _changelist(TradeUpload, status__exact=TradeUpload.Status.REJECTED),
            alarm=counts[TradeUpload.Status.REJECTED] > 0,
        ),
    ]


def matching() -> list[WorkItem]:
    run = last_full_run()
    failed = MatchingRun.objects.exclude(error="").filter(
        started_at__gte=run.started_at if run else "1970-01-01T00:00:00Z"
    )
    failures = failed.count()
    if run is None:
        detail = str(_("No full run has finished yet."))
    else:
        detail = ngettext(
            "Last full run %(when)s: %(companies)s company, %(seconds)s s.",
            "Last full run %(when)s: %(companies)s companies, %(seconds)s s.",
            run.companies or 0,
        ) % {
            "when": run.started_at.strftime("%Y-%m-%d %H:%M"),
            "companies": number(run.companies or 0),
            "seconds": number(run.duration_s or 0, 1),
        }
    return [
        WorkItem(
            _("Matching runs with an error since the last full run"),
            failures,
            _changelist(MatchingRun),
            detail=detail,
            alarm=failures > 0 or run is None,
        )
    ]


WORK_SOURCES: list[Callable[[], list[WorkItem]]] = [
    verification,
    moderation,
    abuse_reports,
    emails,
    imports,
    matching,
]


def work_waiting() -> list[WorkItem]:
    """Every source's items, in order (a few COUNT queries)."""
    return [item for source in WORK_SOURCES for item in source()]


admin.site.site_header = _("TradePortal — Administration")
admin.site.site_title = _("TradePortal — Administration")
admin.site.index_title = _("Start")
