"""The conversation of an introduction: posting messages (text and one PDF), emailing the other
side at a bounded pace, read marks and unread counts, abuse reports.

Emails: the other side's members get one email per thread at most every THREAD_EMAIL_MINUTES,
quoting every message they have not been emailed about. A message posted inside the window waits;
`send_due_emails` (Celery beat, every minute) sends it when the window has passed."""

import functools
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from companies import services as company_services
from companies.models import Company, Membership
from opportunities.listings.models import Opportunity
from opportunities.matching import introductions
from opportunities.matching.models import AbuseReport, Interest, Message, Thread, ThreadRead
from tradeportal import ratelimit
from tradeportal.uploads import check_pdf

MAX_BODY = 4000


def thread_of(interest: Interest) -> Thread:
    thread, _created = Thread.objects.get_or_create(interest=interest)
    return thread


@transaction.atomic
def post_message(
    *, interest: Interest, company: Company, user, body: str = "", attachment=None
) -> Message:
    """One firm writes in an open introduction; nothing is stored when anything is wrong."""
    _check_party(interest, company)
    if not interest.is_introduction:
        raise ValidationError(_("This conversation is closed: the introduction was withdrawn."))
    body = (body or "").strip()
    if not body and attachment is None:
        raise ValidationError(_("Write a message or attach a PDF."))
    if len(body) > MAX_BODY:
        raise ValidationError(_("A message has at most %(max)s characters.") % {"max": MAX_BODY})
    if attachment is not None:
        check_pdf(attachment, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    if not ratelimit.allow(f"message:{company.pk}", limit=settings.MESSAGES_PER_HOUR, period=3600):
        raise ValidationError(
            _("Your company sent many messages in the last hour; please try again later.")
        )
    thread = thread_of(interest)
    message = Message(thread=thread, company=company, author=user, body=body)
    if attachment is not None:
        message.attachment_name = _safe_name(attachment.name)
        message.attachment_size = attachment.size
        message.attachment.save("upload.pdf", attachment, save=False)
    message.save()
    mark_read(thread=thread, user=user)
    _email_if_due(thread, company, now=message.created_at)
    return message


def send_due_emails(now=None) -> int:
    """Email the messages that waited for their thread's window to pass. Returns threads told."""
    now = now or timezone.now()
    pending = (
        Message.objects.filter(notified_at__isnull=True, thread__interest__withdrawn_at=None)
        .values_list("thread_id", "company_id")
        .distinct()
    )
    told = 0
    for thread_id, company_id in list(pending):
        with transaction.atomic():
            thread = Thread.objects.select_for_update().get(pk=thread_id)
            told += _email_if_due(thread, Company.objects.get(pk=company_id), now=now)
    return told


def _email_if_due(thread: Thread, author: Company, *, now) -> bool:
    """Email the other side about the author's unemailed messages, unless it was emailed about
    this thread within the window."""
    window = timedelta(minutes=settings.THREAD_EMAIL_MINUTES)
    mine = thread.messages.filter(company=author)
    last = mine.aggregate(last=Max("notified_at"))["last"]
    if last is not None and now - last < window:
        return False
    waiting = list(mine.filter(notified_at__isnull=True).order_by("created_at", "pk"))
    if not waiting:
        return False
    interest = thread.interest
    other = introductions.counterpart_of(interest, author)
    quoted = [
        {"body": m.body, "attachment": m.attachment_name, "at": m.created_at.isoformat()}
        for m in waiting
    ]
    company_services.email_members(
        company=other,
        template="thread-message",
        key=f"thread:{thread.pk}:message:{waiting[0].pk}:user:{{user}}",
        link=lambda: reverse("opportunities:introduction", args=[interest.pk]) + "#reply",
        context={"from": author.display_name, "company": other.display_name, "messages": quoted},
    )
    Message.objects.filter(pk__in=[m.pk for m in waiting]).update(notified_at=now)
    return True


def mark_read(*, thread: Thread, user) -> None:
    if user is None:
        return
    ThreadRead.objects.update_or_create(
        thread=thread, user=user, defaults={"read_at": timezone.now()}
    )


def unread_count(user) -> int:
    """Messages from the other firm in the user's open introductions, not read yet."""
    return sum(unread_by_interest(user).values()) if user.is_authenticated else 0


def unread_by_interest(user) -> dict[int, int]:
    """Those messages per introduction (its interest's id), for the interests page."""
    with connection.cursor() as cursor:
        cursor.execute(_unread_sql(), {"user": user.pk})
        return dict(cursor.fetchall())


@functools.cache
def _unread_sql() -> str:
    """The unread counts' query. It runs on every signed-in page (the menu shows their sum), and
    the ORM took longer to build it than the database to answer it: it is written once here.
    The user's firms are those of their memberships; a thread is read up to its read mark."""
    mine = f"SELECT company_id FROM {Membership._meta.db_table} WHERE user_id = %(user)s"
    return f"""
        SELECT t.interest_id, COUNT(*) FROM {Message._meta.db_table} m
        JOIN {Thread._meta.db_table} t ON t.id = m.thread_id
        JOIN {Interest._meta.db_table} i ON i.id = t.interest_id
        LEFT JOIN {Opportunity._meta.db_table} o ON o.id = i.opportunity_id
        LEFT JOIN {ThreadRead._meta.db_table} r ON r.thread_id = t.id AND r.user_id = %(user)s
        WHERE i.withdrawn_at IS NULL
          AND (i.company_id IN ({mine}) OR i.target_company_id IN ({mine})
               OR o.company_id IN ({mine}))
          AND m.company_id NOT IN ({mine})
          AND (r.read_at IS NULL OR m.created_at > r.read_at)
        GROUP BY t.interest_id
    """


@transaction.atomic
def report_thread(*, interest: Interest, company: Company, user, reason: str) -> AbuseReport:
    """A firm reports the conversation to staff, with a reason."""
    _check_party(interest, company)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say briefly what is wrong, so our staff can act."))
    return AbuseReport.objects.create(
        thread=thread_of(interest), company=company, user=user, reason=reason[:1000]
    )


def _check_party(interest: Interest, company: Company) -> None:
    parties = {interest.company_id, interest.target_company_id}
    parties.add(interest.opportunity.company_id if interest.opportunity_id else None)
    if company.pk not in parties or interest.status != Interest.Status.ACCEPTED:
        raise PermissionDenied(_("Only the two firms of an introduction can do this."))


def _safe_name(name: str) -> str:
    """The file name to show: its last part, printable, at most 120 characters, ending .pdf."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')[:120].strip()
    if not base.lower().endswith(".pdf"):
        base = (base or "documento") + ".pdf"
    return base


def attachment_response(message: Message) -> FileResponse:
    """The message's PDF as a download, never shown inline nor cached."""
    response = FileResponse(
        message.attachment.open("rb"),
        as_attachment=True,
        filename=message.attachment_name or "documento.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
