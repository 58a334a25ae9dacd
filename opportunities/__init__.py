"""Market data and opportunities: reference data, trade statistics, opportunities, matching,
notifications, each a layer package (README, "Architecture")."""
