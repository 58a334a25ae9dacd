"""Reads of the exporter's guide for its pages and the opportunity pages' links."""

from dataclasses import dataclass
from datetime import date

from opportunities.reference.guide.models import GuideFact
from opportunities.reference.models import HSCode


@dataclass(frozen=True)
class ChapterGuide:
    chapter: HSCode | None
    warnings: list[GuideFact]
    by_agreement: list[tuple[str, list[GuideFact]]]  # (agreement label, facts), in guide order
    agencies: list[GuideFact]
    last_reviewed: date | None


def guide(chapter: HSCode | None = None) -> ChapterGuide:
    """The facts for one chapter (general ones included), or every fact when no chapter."""
    facts = list(GuideFact.objects.all())
    if chapter is not None:
        facts = [f for f in facts if f.applies_to(chapter.code)]
    groups: dict[str, list[GuideFact]] = {}
    for fact in facts:
        if fact.topic != GuideFact.Topic.AGENCIES and not fact.is_warning:
            groups.setdefault(fact.get_agreement_display(), []).append(fact)
    return ChapterGuide(
        chapter=chapter,
        warnings=[f for f in facts if f.is_warning],
        by_agreement=list(groups.items()),
        agencies=[f for f in facts if f.topic == GuideFact.Topic.AGENCIES],
        last_reviewed=max((f.last_reviewed for f in facts), default=None),
    )


def chapters() -> list[HSCode]:
    return list(HSCode.objects.filter(level=2).order_by("code"))
