"""Matching: firms with opportunities and with counterpart firms, scored and explained."""
