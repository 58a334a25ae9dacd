"""Management commands: reference and trade data imports, demo data."""
