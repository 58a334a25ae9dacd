"""The privacy notice's responsible party (Mexico's LFPDPPP "responsable", Peru's Law 29733
"titular del banco de datos"): the operator's legal name, address and the address for ARCO
requests, from settings; a system check warns in production while they are placeholders."""

from typing import NamedTuple

from django.conf import settings
from django.core import checks

PLACEHOLDER = "[PLACEHOLDER]"
SETTINGS = ("PRIVACY_RESPONSIBLE_NAME", "PRIVACY_RESPONSIBLE_ADDRESS", "PRIVACY_CONTACT_EMAIL")


class ResponsibleParty(NamedTuple):
    name: str
    address: str
    email: str
    placeholders: tuple[str, ...]  # the settings still left at their placeholder


def is_placeholder(value: str) -> bool:
    """The defaults are marked [PLACEHOLDER], or use the reserved .invalid domain (RFC 2606)."""
    value = value.strip()
    return not value or PLACEHOLDER in value or value.lower().endswith(".invalid")


def responsible_party() -> ResponsibleParty:
    values = [getattr(settings, name) for name in SETTINGS]
    left = tuple(
        name for name, value in zip(SETTINGS, values, strict=True) if is_placeholder(value)
    )
    return ResponsibleParty(*values, placeholders=left)


def check_responsible_party(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn in production (DEBUG off) while the notice names a placeholder responsible party."""
    left = responsible_party().placeholders
    if settings.DEBUG or not left:
        return []
    return [
        checks.Warning(
            "The privacy notice names a placeholder as responsible party: "
            f"{', '.join(left)} not set.",
            hint="Set the operator's legal name, address and ARCO contact email in the "
            "environment (README, Configuration).",
            id="tradeportal.W001",
        )
    ]
