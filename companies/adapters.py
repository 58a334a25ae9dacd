"""allauth's emails in TradePortal's one branded layout (templates/emails/base.html)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's plain-text message, with the same text as HTML in the site's layout."""
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            html = render_to_string("emails/account-body.html", {"text": message.body})
            message.attach_alternative(html, "text/html")
        return message
