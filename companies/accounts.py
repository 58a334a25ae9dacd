"""django-allauth adapted so that no answer tells a registered address from a new one.

allauth skips the "confirmation email sent" message when its per-address cooldown
(ACCOUNT_RATE_LIMITS["confirm_email"], 3 minutes) holds back a second email: signing up again
with an address that signed up a minute earlier then answered differently from a new address.
The sign-up view (companies.views.SignupView) adds the message for every address instead.
allauth's emails also get an HTML part in the site's one branded layout (emails/base.html).
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

SENT_MESSAGE = "account/messages/email_confirmation_sent.txt"


class AccountAdapter(DefaultAccountAdapter):
    def add_message(
        self, request, level, message_template=None, message_context=None, extra_tags="", **kw
    ):
        """Leave the sign-up's "email sent" message to the sign-up view (see the module)."""
        if message_template == SENT_MESSAGE and (message_context or {}).get("signup"):
            return
        super().add_message(
            request, level, message_template, message_context, extra_tags=extra_tags, **kw
        )

    def send_mail(self, template_prefix, email, context):
        """allauth's emails, with the privacy notice's address for their footer."""
        privacy_url = settings.SITE_URL.rstrip("/") + reverse("privacy_notice")
        super().send_mail(template_prefix, email, {**context, "privacy_url": privacy_url})

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's plain-text message, with the same text as HTML in the site's layout."""
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            html = render_to_string(
                "emails/account-body.html",
                {"text": message.body, "privacy_url": context.get("privacy_url", "")},
            )
            message.attach_alternative(html, "text/html")
        return message

    def add_signup_sent_message(self, request, email: str) -> None:
        """The message every sign-up answers with, whether an email went out or not."""
        super().add_message(
            request, 20, SENT_MESSAGE, {"email": email, "login": False, "signup": True}
        )
