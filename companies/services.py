"""Writes on companies, members and accounts: one function per rule, called by every interface."""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from companies import tokens
from companies.models import (
    SECTOR_BITS,
    ApiToken,
    Company,
    CompanyProduct,
    Invitation,
    Membership,
    PrivacyConsent,
    PrivacyNotice,
    User,
    sector_bits,
)
from tradeportal import pagecache
from tradeportal.emails import site_url
from tradeportal.outbox import enqueue_email


def email_members(
    *,
    company: Company,
    template: str,
    key: str,
    link: Callable[[], str],
    context: dict,
    localized: Callable[[], dict] | None = None,
) -> int:
    """Email every member of the company in their own language; returns how many were queued.

    `link()` is called in the member's language (the URL's language prefix follows it) and its
    path becomes the absolute `link` of the context; `localized()`, when given, is called in the
    member's language too and adds to the context (formatted numbers, translated words); `key`
    holds "{user}", replaced by the member's id, so each member gets the email once."""
    queued = 0
    for membership in company.memberships.select_related("user"):
        user = membership.user
        with translation.override(user.language):
            url = site_url(link())
            extra = localized() if localized else {}
        queued += (
            enqueue_email(
                key=key.format(user=user.pk),
                to_email=user.email,
                user=user,
                template=template,
                language=user.language,
                context={**context, "link": url, **extra},  # localized may name its own link
            )
            is not None
        )
    return queued


@transaction.atomic
def create_company(*, owner: User, data: dict) -> Company:
    """Create a company (pending verification) with `owner` as its owner."""
    company = Company.objects.create(**data, status=Company.Status.PENDING, setup_step=2)
    Membership.objects.create(
        user=owner, company=company, role=Membership.Role.OWNER, notify_frequency="weekly"
    )
    return company


@transaction.atomic
def update_company(*, company: Company, data: dict, next_step: int | None = None) -> Company:
    """Save profile fields; move the set-up wizard forward when a step is done."""
    sectors = data.pop("sectors", None)
    for field, value in data.items():
        setattr(company, field, value)
    if next_step is not None:
        company.setup_step = max(company.setup_step, next_step)
    company.save()
    if sectors is not None:
        set_sectors(company=company, sectors=sectors)
    _public_change(company)
    return company


@transaction.atomic
def set_sectors(*, company: Company, sectors) -> None:
    """The company's sectors, and their bits (`Company.sector_bits`)."""
    company.sectors.set(sectors)
    company.sector_bits = sector_bits(company.sectors.values_list("pk", flat=True))
    Company.objects.filter(pk=company.pk).update(sector_bits=company.sector_bits)


def refresh_sector_bits(company_ids=None) -> None:
    """Recompute the sector bits of these companies (every company with None) from their sector
    links: after links are written in bulk, or by a form's own save (the admin)."""
    table = connection.ops.quote_name(Company._meta.db_table)
    links = connection.ops.quote_name(Company.sectors.through._meta.db_table)
    # a sum of distinct powers of two is their OR, on every database
    bits = (
        f"SELECT SUM(DISTINCT CAST(1 AS BIGINT) << CAST(MOD(sector_id, {SECTOR_BITS}) AS INTEGER)) "
        f"FROM {links} WHERE company_id = {table}.id"
    )
    # only the rows whose bits changed: a refresh of every company rewrites none that hold
    fresh = f"COALESCE(({bits}), 0)"
    update = f"UPDATE {table} SET sector_bits = {fresh} WHERE sector_bits <> {fresh}"
    with connection.cursor() as cursor:
        if company_ids is None:
            cursor.execute(update)
            return
        ids = sorted(set(company_ids))
        for start in range(0, len(ids), 5000):  # under SQLite's limit of parameters
            chunk = ids[start : start + 5000]
            cursor.execute(f"{update} AND id IN ({', '.join(['%s'] * len(chunk))})", chunk)


@transaction.atomic
def add_product(
    *, company: Company, hs_code, direction: str, yearly_volume_usd=None
) -> CompanyProduct:
    """Add an HS code the company exports or wants to import (once; a repeat updates the volume)."""
    if hs_code.level not in (4, 6):
        raise ValidationError(_("Choose a heading (4 digits) or a subheading (6 digits)."))
    product, _created = CompanyProduct.objects.update_or_create(
        company=company,
        hs_code=hs_code,
        direction=direction,
        defaults={"yearly_volume_usd": yearly_volume_usd},
    )
    _public_change(company)
    return product


@transaction.atomic
def remove_product(*, company: Company, product_id: int) -> None:
    """Remove one of the company's products."""
    company.products.filter(pk=product_id).delete()
    _public_change(company)


def _public_change(company: Company) -> None:
    """A verified company shows on public pages (directory, sectors, its requests): refresh them.
    A pending firm's changes show nowhere public and flush nothing."""
    if company.status == Company.Status.VERIFIED:
        pagecache.public_pages_changed(pagecache.DIRECTORY)


def _require_owner(company: Company, user: User) -> Membership:
    membership = company.memberships.filter(user=user, role=Membership.Role.OWNER).first()
    if membership is None:
        raise PermissionDenied(_("Only an owner of the company can do this."))
    return membership


@transaction.atomic
def invite_member(*, company: Company, invited_by: User, email: str) -> Invitation:
    """Invite a colleague by email to join the company (owners only)."""
    _require_owner(company, invited_by)
    email = User.objects.normalize_email(email).lower()
    if company.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError(_("%(email)s is already a member.") % {"email": email})
    invitation = Invitation.objects.create(
        company=company, email=email, invited_by=invited_by, token=secrets.token_urlsafe(32)
    )
    language = translation.get_language() or "es"
    with translation.override(language):
        link = site_url(reverse("companies:accept_invitation", args=[invitation.token]))
    enqueue_email(
        key=f"invitation:{invitation.pk}",
        to_email=email,
        template="invitation",
        language=language,
        context={"company": company.display_name, "inviter": invited_by.email, "link": link},
    )
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Membership:
    """Join the company of an invitation sent to the user's (verified) email address."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None:
        raise ValidationError(_("This invitation is no longer valid."))
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(_("This invitation was sent to another email address."))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    membership, _created = Membership.objects.get_or_create(
        user=user, company=invitation.company, defaults={"role": Membership.Role.MEMBER}
    )
    return membership


@transaction.atomic
def remove_member(*, company: Company, membership_id: int, by: User) -> None:
    """Remove a member (owners only); the last owner cannot be removed."""
    _require_owner(company, by)
    membership = company.memberships.get(pk=membership_id)
    if membership.role == Membership.Role.OWNER and _owners(company) == 1:
        raise ValidationError(_("The company needs an owner: hand it over before leaving."))
    membership.delete()


@transaction.atomic
def transfer_ownership(*, company: Company, membership_id: int, by: User) -> None:
    """Make another member an owner and the current owner a member."""
    current = _require_owner(company, by)
    successor = company.memberships.get(pk=membership_id)
    successor.role = Membership.Role.OWNER
    successor.save(update_fields=["role"])
    if successor.pk != current.pk:
        current.role = Membership.Role.MEMBER
        current.save(update_fields=["role"])


@transaction.atomic
def delete_company(*, company: Company, by: User) -> None:
    """Delete the company and everything it owns (owners only)."""
    _require_owner(company, by)
    _public_change(company)
    company.delete()


def _owners(company: Company) -> int:
    return company.memberships.filter(role=Membership.Role.OWNER).count()


@transaction.atomic
def set_verification(*, companies, status: str, reason: str = "") -> int:
    """Verify or reject companies (staff); each company's members are told by email."""
    now = timezone.now()
    changed = 0
    for company in companies.select_for_update():
        company.status = status
        company.status_reason = reason
        company.verified_at = now if status == Company.Status.VERIFIED else None
        company.save(update_fields=["status", "status_reason", "verified_at", "updated_at"])
        _notify_verification(company, reason)
        changed += 1
    if changed:
        pagecache.public_pages_changed(pagecache.DIRECTORY)
    return changed


def _notify_verification(company: Company, reason: str) -> None:
    template = (
        "company-verified" if company.status == Company.Status.VERIFIED else "company-rejected"
    )
    email_members(
        company=company,
        template=template,
        key=f"{template}:{company.pk}:{{user}}:{company.updated_at.isoformat()}",
        link=lambda: reverse("companies:profile", args=[company.pk]),
        context={"company": company.display_name, "reason": reason},
    )


@transaction.atomic
def set_notifications(
    *,
    membership: Membership,
    notify_frequency: str,
    notify_min_score: int,
    language: str | None = None,
) -> Membership:
    """How often (and from which score) the member hears of new matches, and, when given, the
    language of their emails. The wizard, the preferences page and the API call this."""
    membership.notify_frequency = notify_frequency
    membership.notify_min_score = notify_min_score
    membership.save(update_fields=["notify_frequency", "notify_min_score"])
    if language is not None:
        membership.user.language = language
        membership.user.save(update_fields=["language"])
    return membership


def record_dashboard_visit(*, user: User):
    """Stamp the user's visit to the dashboard; return the previous one (None the first time),
    which the dashboard uses to mark what is new."""
    previous = user.last_dashboard_visit
    user.last_dashboard_visit = timezone.now()
    user.save(update_fields=["last_dashboard_visit"])
    return previous


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete the user's account, unless they are the last owner of a company with others."""
    blocking = [
        m.company
        for m in user.memberships.select_related("company")
        if m.role == Membership.Role.OWNER and _owners(m.company) == 1
    ]
    if blocking:
        names = ", ".join(c.display_name for c in blocking)
        raise ValidationError(
            _(
                "You are the only owner of %(names)s: hand each company over to a colleague or "
                "delete it first."
            )
            % {"names": names}
        )
    tokens.forget_user(user)
    user.delete()


UNVERIFIED_ACCOUNT_DAYS = 30


@transaction.atomic
def record_privacy_consent(
    *, user: User, notice: PrivacyNotice, at_signup: bool = False
) -> PrivacyConsent:
    """Record that the user accepted this version of the privacy notice (once per version)."""
    consent, _created = PrivacyConsent.objects.get_or_create(
        user=user, notice=notice, defaults={"at_signup": at_signup}
    )
    return consent


@transaction.atomic
def delete_unverified_accounts(*, now: datetime | None = None) -> int:
    """Delete the accounts whose email was never verified, UNVERIFIED_ACCOUNT_DAYS after sign-up
    (the privacy notice's promise); staff accounts are kept. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=UNVERIFIED_ACCOUNT_DAYS)
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = User.objects.filter(date_joined__lt=cutoff, is_staff=False, is_superuser=False)
    stale = stale.exclude(pk__in=verified).exclude(memberships__isnull=False)
    count = stale.count()
    accounts = User.objects.filter(pk__in=list(stale.values_list("pk", flat=True)))
    tokens.forget(ApiToken.objects.filter(user__in=accounts))
    accounts.delete()
    return count
