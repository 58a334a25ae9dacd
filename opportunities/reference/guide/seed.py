"""Seed the exporter's guide from the committed facts file (staff edit the facts in the admin)."""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from opportunities.reference.guide.models import GuideFact
from tradeportal import pagecache

FACTS_FILE = Path(__file__).with_name("facts.toml")


@dataclass
class SeedReport:
    created: int
    kept: int
    updated: int


@transaction.atomic
def load_guide_facts(*, path: Path = FACTS_FILE, overwrite: bool = False) -> SeedReport:
    """Create the facts missing from the database; keep staff's edits unless `overwrite`.

    Every fact is validated first: one bad fact rejects the file and nothing is written.
    """
    with path.open("rb") as handle:
        rows = tomllib.load(handle).get("fact", [])
    facts = []
    for number, row in enumerate(rows, start=1):
        fact = GuideFact(**row)
        try:
            fact.full_clean(validate_unique=False)
        except ValidationError as error:
            raise ValidationError(
                f"{path.name}, fact {number} ({row.get('key')}): {error}"
            ) from error
        facts.append(fact)
    report = SeedReport(0, 0, 0)
    existing = {f.key: f for f in GuideFact.objects.filter(key__in=[f.key for f in facts])}
    for fact in facts:
        if fact.key not in existing:
            fact.save()
            report.created += 1
        elif overwrite:
            fact.pk = existing[fact.key].pk
            fact.save()
            report.updated += 1
        else:
            report.kept += 1
    if report.created or report.updated:
        pagecache.public_pages_changed(pagecache.GUIDE)
    return report
