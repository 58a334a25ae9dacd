"""Template tags of the site: trade figures and language links."""
