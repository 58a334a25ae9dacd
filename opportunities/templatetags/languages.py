from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

register = template.Library()

# Each language named in itself, as a reader looking for their own language expects.
NATIVE_NAMES = {"es": "Español", "en": "English"}


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page in each language: plain links, the same for every visitor."""
    request = context.get("request")  # absent when an error page is rendered without one
    path, current = (request.get_full_path() if request else "/"), get_language()
    return [
        {
            "code": code,
            "name": NATIVE_NAMES.get(code, code),
            "url": path if code == current else translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]
