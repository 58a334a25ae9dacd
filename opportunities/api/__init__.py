"""REST API of the opportunities: sectors, HS codes, regions, opportunities, trade statistics,
my requests, matches and notification preferences."""
