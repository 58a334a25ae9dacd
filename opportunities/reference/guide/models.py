"""The exporter's guide: facts about shipping between Mexico and Peru, per agreement and chapter."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tradeportal.i18n import localized

CHAPTER_RANGE = re.compile(r"^(\d{2})(?:-(\d{2}))?$")


def parse_chapters(text: str) -> frozenset[str]:
    """'01-15, 30' -> the chapters it names; empty text names none (the fact is general)."""
    chapters: set[str] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = CHAPTER_RANGE.match(part)
        first, last = (match.group(1), match.group(2) or match.group(1)) if match else ("", "")
        if not match or not ("01" <= first <= last <= "99"):
            raise ValidationError(
                _("Write chapters as two digits or ranges, e.g. “01-15, 30” (not “%(part)s”).")
                % {"part": part}
            )
        chapters.update(f"{n:02d}" for n in range(int(first), int(last) + 1))
    return frozenset(chapters)


def validate_chapters(text: str) -> None:
    parse_chapters(text)


class GuideFact(models.Model):
    """One fact of the exporter's guide, with its source and when staff last checked it."""

    class Agreement(models.TextChoices):
        BILATERAL = "mx_pe_2012", _("Mexico–Peru Trade Integration Agreement (2012)")
        PACIFIC_ALLIANCE = "pacific_alliance", _("Pacific Alliance Additional Protocol (2016)")
        CPTPP = "cptpp", _("CPTPP")
        NONE = "", _("Any agreement")

    class Topic(models.TextChoices):
        TARIFFS = "tariffs", _("Tariffs")
        ORIGIN = "origin", _("Certificate of origin")
        SELF_CERTIFICATION = "self_certification", _("Self-certification of origin")
        AGENCIES = "agencies", _("Agencies you deal with")

    key = models.SlugField(_("key"), max_length=80, unique=True)
    agreement = models.CharField(
        _("agreement"), max_length=20, choices=Agreement.choices, blank=True
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    chapters = models.CharField(
        _("HS chapters"),
        max_length=200,
        blank=True,
        validators=[validate_chapters],
        help_text=_(
            "Two digits or ranges, e.g. “01-15, 30”. Empty: the fact applies to every chapter."
        ),
    )
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_es = models.TextField(_("text (Spanish)"))
    text_en = models.TextField(_("text (English)"))
    source_name = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), max_length=500)
    last_reviewed = models.DateField(_("last reviewed"))
    is_warning = models.BooleanField(
        _("highlight"), default=False, help_text=_("Shown as a warning: a common misconception.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("exporter's guide fact")
        verbose_name_plural = _("exporter's guide facts")

    def __str__(self) -> str:
        return self.title_en

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def text(self) -> str:
        return localized(self, "text")

    def applies_to(self, chapter: str) -> bool:
        """Whether the fact concerns HS chapter `chapter` (a general fact concerns them all)."""
        return not self.chapters or chapter in parse_chapters(self.chapters)
