"""Kept for migration 0014_exporter_guide, which names the chapters validator at this path."""

from opportunities.reference.guide.models import validate_chapters

__all__ = ["validate_chapters"]
