"""One renderer for all emails: subject, plain text and HTML, in the recipient's language."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def site_url(path: str = "") -> str:
    """The absolute URL of a path of the site, for links in emails (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render(template: str, context: dict, language: str) -> RenderedEmail:
    """Render emails/<template>-subject.txt, -body.txt and -body.html in `language`."""
    context = {"site_url": site_url(), **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}-subject.txt", context)
        text = render_to_string(f"emails/{template}-body.txt", context)
        html = render_to_string(f"emails/{template}-body.html", context)
    return RenderedEmail(subject=" ".join(subject.split()), text=text, html=html)


def build_message(
    *, to: str, rendered: RenderedEmail, message_id: str, headers: dict | None = None
) -> EmailMultiAlternatives:
    """Build the multipart message (text with an HTML alternative) with a stable Message-ID."""
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id, **(headers or {})},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
