"""Opportunities: market demand computed from trade statistics, buyer requests, their filters."""
