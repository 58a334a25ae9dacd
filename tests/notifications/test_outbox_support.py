"""Helpers of the notification tests (no tests here): members with verified addresses, matches,
and a real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

import email
import email.policy
import logging
import socket
import threading
from datetime import timedelta

from aiosmtpd.controller import Controller
from allauth.account.models import EmailAddress
from django.utils import timezone

from tests.factories import (
    CompanyFactory,
    HSCodeFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    UserFactory,
)

REASONS = [
    {"key": "growth", "params": {"growth": 6}},
    {"key": "product", "params": {"level": "exact", "firm_code": "080610"}},
]


def member(frequency="daily", *, language="es", verified=True, min_score=50, company=None):
    user = UserFactory(language=language)
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    membership = MembershipFactory(
        user=user,
        company=company or CompanyFactory(),
        notify_frequency=frequency,
        notify_min_score=min_score,
    )
    membership.last_digest_at = timezone.now() - timedelta(days=1)
    membership.save(update_fields=["last_digest_at"])
    return membership


def match(company, score=80.0, *, title=None, hs_code=None, **kwargs):
    opportunity = OpportunityFactory(
        title=title or f"Demanda {score:.0f}", hs_code=hs_code or HSCodeFactory()
    )
    return MatchFactory(
        company=company, opportunity=opportunity, score=score, reasons=REASONS, **kwargs
    )


class Inbox:
    """What the SMTP server accepted: parsed messages, in order."""

    def __init__(self, delay: float = 0.0):
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def smtp_server(delay: float = 0.0) -> tuple[Controller, Inbox]:
    """Start aiosmtpd on 127.0.0.1 on a free port; the caller stops it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    inbox = Inbox(delay)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


def use_smtp(settings, port: int) -> None:
    """Point Django's mail settings at the loopback server (what EMAIL_URL=smtp://... sets)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
