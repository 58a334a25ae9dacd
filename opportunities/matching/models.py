"""Matches, expressions of interest, and the matching engine's settings and runs; what follows an
accepted interest: outcomes, the conversation (messages, read marks, abuse reports) and quotes."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opportunities.listings.models import Incoterm
from tradeportal.storage import private_storage


class MatchingSettings(models.Model):
    """Weights of the score components, edited by staff (a single row).

    The hard rules (never the firm's own country, never an unverified party) are filters, not
    weights: each weight here changes some ranking."""

    product_weight = models.FloatField(_("product fit"), default=40)
    sector_weight = models.FloatField(
        _("sector fit"),
        default=15,
        help_text=_("The opportunity is in one of the firm's sectors, or both firms share one."),
    )
    demand_weight = models.FloatField(
        _("size: of the demand, or how the two firms' sizes fit"), default=20
    )
    requirements_weight = models.FloatField(
        _("requirements met"),
        default=15,
        help_text=_("Certifications required by the request or by the buyer's requests, volume."),
    )
    freshness_weight = models.FloatField(
        _("freshness"),
        default=5,
        help_text=_("How recent the opportunity is, or the counterpart's last activity."),
    )
    profile_weight = models.FloatField(
        _("profile completeness"),
        default=5,
        help_text=_("How complete the opportunity's or the counterpart firm's profile is."),
    )
    floor_score = models.FloatField(_("floor score"), default=20)
    # One dashboard page: storage and the nightly writes stay bounded at any scale.
    max_matches_per_company = models.PositiveIntegerField(
        _("best matches kept per company"), default=20
    )
    dismissal_penalty = models.FloatField(
        _("dismissal penalty"),
        default=0.5,
        help_text=_("Factor applied to matches similar to ones the company dismissed."),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def __str__(self) -> str:
        return str(_("Matching settings"))

    @classmethod
    def load(cls) -> "MatchingSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class MatchQuerySet(models.QuerySet):
    def live(self):
        """The matches a firm is shown: not stale, and their opportunity still open (published,
        its deadline not passed) or their counterpart still verified, read from the target itself
        so that a request closed, rejected or expired, an opportunity closed or unpublished, or a
        firm suspended leaves every list at its commit, without waiting for a rematch."""
        now = timezone.now()
        return self.filter(
            Q(opportunity__isnull=True)
            | Q(opportunity__status="published")
            & (Q(opportunity__deadline__isnull=True) | Q(opportunity__deadline__gte=now)),
            Q(counterpart__isnull=True) | Q(counterpart__status="verified"),
            is_stale=False,
        )


class Match(models.Model):
    """A company matched with an opportunity, or a supplier with a buyer company."""

    class Kind(models.TextChoices):
        OPPORTUNITY = "opportunity", _("Opportunity")
        BUYER = "buyer", _("Buyer company")
        SUPPLIER = "supplier", _("Supplier company")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        SEEN = "seen", _("Seen")
        INTERESTED = "interested", _("Interested")
        DISMISSED = "dismissed", _("Not relevant")

    # Matches are derived rows the engine writes by the million: the database does not check
    # their references row by row (that was 40% of a full rematch's writes); Django deletes them
    # with their company or opportunity (on_delete), and the engine drops any row whose
    # counterpart or opportunity was deleted while it ran (store.py).
    # No index of its own: the unique constraints and the index below all start with it.
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="matches",
        db_index=False,
        db_constraint=False,
        verbose_name=_("company"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # Indexed below only where set: each match has one of the two.
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="matches",
        db_index=False,
        db_constraint=False,
        verbose_name=_("opportunity"),
    )
    counterpart = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("counterpart company"),
    )
    score = models.FloatField(_("score"))
    components = models.JSONField(_("components"), default=dict)
    # Reasons as message keys with parameters, rendered in the reader's language.
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    is_stale = models.BooleanField(_("stale"), default=False)
    created_at = models.DateTimeField(_("found"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-score"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        # Plain (not partial) unique constraints, so bulk upserts can name them in ON CONFLICT;
        # NULLs never collide, so each constraint only binds its own kind of match.
        constraints = [
            models.UniqueConstraint(
                fields=["company", "opportunity"], name="match_company_opportunity"
            ),
            models.UniqueConstraint(
                fields=["company", "counterpart"], name="match_company_counterpart"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "is_stale", "-score"]),
            models.Index(
                fields=["opportunity"],
                name="match_opportunity",
                condition=models.Q(opportunity__isnull=False),
            ),
            models.Index(
                fields=["counterpart"],
                name="match_counterpart",
                condition=models.Q(counterpart__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.company_id} ~ {self.opportunity_id or self.counterpart_id} ({self.score:.0f})"
        )


class MatchingRun(models.Model):
    """One run of the matching engine, for the health page."""

    class Kind(models.TextChoices):
        FULL = "full", _("Full rematch")
        COMPANY = "company", _("One company")
        OPPORTUNITY = "opportunity", _("One opportunity")
        AFFECTED = "affected", _("Affected by a data or sector change")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)
    companies = models.PositiveIntegerField(_("companies"), default=0)
    matches_written = models.PositiveIntegerField(_("matches written"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class MatchingChunk(models.Model):
    """One chunk of companies of a full rematch, recorded so that a lost message is not lost work.

    A chunk is finished in the transaction that writes its matches; chunks still unfinished long
    after they were dispatched (a broker restart dropped their message) are dispatched again.
    """

    run = models.ForeignKey(
        MatchingRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="chunks"
    )
    company_ids = models.JSONField(_("companies"))
    dispatched_at = models.DateTimeField(_("dispatched"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    matches_written = models.PositiveIntegerField(_("matches written"), default=0)

    class Meta:
        verbose_name = _("matching chunk")
        verbose_name_plural = _("matching chunks")
        indexes = [
            models.Index(
                fields=["dispatched_at"],
                name="matching_chunk_pending",
                condition=models.Q(finished_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} #{self.pk}"


class Interest(models.Model):
    """A company's "me interesa" on an opportunity or another company, and its answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    class Outcome(models.TextChoices):
        UNKNOWN = "", _("Not answered")
        BUSINESS = "business", _("Led to business")
        TALKING = "talking", _("Still talking")
        NO_BUSINESS = "no_business", _("No business")

    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="interests",
        verbose_name=_("company"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interests",
        verbose_name=_("opportunity"),
    )
    target_company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interests_received",
        verbose_name=_("company of interest"),
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    # The receiver has no members on the site: staff were told and pass the interest on.
    via_staff = models.BooleanField(_("handed to staff"), default=False)
    answer_reason = models.CharField(_("reason"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Either firm can withdraw from an accepted introduction: the contact cards are hidden again
    # and the conversation is closed.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "companies.Company",
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    outcome_asked_at = models.DateTimeField(_("outcome asked"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "opportunity"],
                name="interest_company_opportunity",
                condition=models.Q(opportunity__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["company", "target_company"],
                name="interest_company_target",
                condition=models.Q(target_company__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} -> {self.opportunity_id or self.target_company_id}"

    @property
    def is_introduction(self) -> bool:
        """Accepted and not withdrawn: the two firms see each other's contact card and talk."""
        return self.status == self.Status.ACCEPTED and self.withdrawn_at is None


class ValueBand(models.TextChoices):
    UNDER_10K = "lt10k", _("Under US$ 10,000")
    TO_50K = "10k-50k", _("US$ 10,000 to 50,000")
    TO_250K = "50k-250k", _("US$ 50,000 to 250,000")
    TO_1M = "250k-1m", _("US$ 250,000 to 1 million")
    OVER_1M = "gt1m", _("Over US$ 1 million")


class IntroductionOutcome(models.Model):
    """One firm's answer, 30 or 90 days after an introduction: did it lead to business?"""

    class Answer(models.TextChoices):
        NO = "no", _("No")
        TALKING = "talking", _("We are talking")
        YES = "yes", _("Yes, we did business")

    interest = models.ForeignKey(
        Interest, verbose_name=_("introduction"), on_delete=models.CASCADE, related_name="outcomes"
    )
    company = models.ForeignKey(
        "companies.Company", verbose_name=_("company"), on_delete=models.CASCADE, related_name="+"
    )
    after_days = models.PositiveSmallIntegerField(_("asked after (days)"))
    asked_at = models.DateTimeField(_("asked"))
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices, blank=True)
    value_band = models.CharField(_("value"), max_length=8, choices=ValueBand.choices, blank=True)
    product = models.ForeignKey(
        "opportunities.HSCode",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "pk"]
        verbose_name = _("introduction outcome")
        verbose_name_plural = _("introduction outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["interest", "company", "after_days"], name="outcome_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.interest_id} · {self.company_id} · {self.after_days}d: {self.answer or '-'}"


# The conversation of an introduction -----------------------------------------------------


def attachment_path(message: "Message", filename: str) -> str:
    """A random name: the uploaded name is kept apart (attachment_name), never on disk."""
    return f"attachments/{message.thread_id}/{uuid.uuid4().hex}.pdf"


class Thread(models.Model):
    """One per accepted introduction."""

    interest = models.OneToOneField(
        "opportunities.Interest",
        verbose_name=_("introduction"),
        on_delete=models.CASCADE,
        related_name="thread",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.interest})"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("from"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=4000, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, storage=private_storage, blank=True
    )
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    attachment_size = models.PositiveIntegerField(_("attachment size"), null=True, blank=True)
    # When the other side's members were emailed about it (at most once per thread per window).
    notified_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["thread", "created_at"]),
            models.Index(
                fields=["created_at"],
                name="message_not_emailed",
                condition=models.Q(notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} @ {self.thread_id}"


class ThreadRead(models.Model):
    """Up to when a member has read a thread (unread counts in the navigation)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="thread_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.thread_id}"


class AbuseReport(models.Model):
    """A firm reports a conversation: queued for staff, who then (and only then) see the thread."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    thread = models.ForeignKey(
        Thread, verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="reports"
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    staff_note = models.TextField(_("staff note"), blank=True)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.thread}"


# Quotes on buyer requests ------------------------------------------------------------------


class Currency(models.TextChoices):
    USD = "USD", _("US dollars (USD)")
    MXN = "MXN", _("Mexican pesos (MXN)")
    PEN = "PEN", _("Peruvian soles (PEN)")


class Quote(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("buyer request"),
        on_delete=models.CASCADE,
        related_name="quotes",
    )
    supplier = models.ForeignKey(
        "companies.Company",
        verbose_name=_("supplier"),
        on_delete=models.CASCADE,
        related_name="quotes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.USD
    )
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    incoterm = models.CharField(_("Incoterm 2020"), max_length=3, choices=Incoterm.choices)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"))
    valid_until = models.DateField(_("valid until"))
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=11, choices=Status.choices, default=Status.SUBMITTED
    )
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # The introduction an accepted quote opened.
    interest = models.ForeignKey(
        "opportunities.Interest",
        verbose_name=_("introduction"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["request", "supplier"], name="quote_once_per_supplier"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0), name="quote_price_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="quote_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} → {self.request_id}: {self.unit_price} {self.currency}"

    @property
    def total(self):
        return self.unit_price * self.quantity


class MatchesToAnnounce(models.Model):
    """A company whose matches the store has written, not yet looked at by the notifications.

    The store writes it in the transaction of the matches, so it commits or rolls back with them;
    the notifications (`opportunities.notifications.instant`) open the members' instant batches
    and delete it in one transaction of their own. A worker lost between the two leaves the row
    for the next look: no email lost, none doubled. The matching layer never calls upward."""

    # No reference check: like Match, the row may outlive a company deleted during the run (the
    # notifications find no member then and drop it).
    company = models.OneToOneField(
        "companies.Company",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        verbose_name=_("company"),
    )
    # The first save not yet announced: the members' batch window starts there.
    saved_at = models.DateTimeField(_("saved"))

    class Meta:
        verbose_name = _("matches to announce")
        verbose_name_plural = _("matches to announce")

    def __str__(self) -> str:
        return f"{self.company_id} @ {self.saved_at:%H:%M:%S}"
