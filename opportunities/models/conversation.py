"""Kept for migration 0015, which names `attachment_path` here; the models live in
opportunities.matching.models."""

from opportunities.matching.models import attachment_path

__all__ = ["attachment_path"]
