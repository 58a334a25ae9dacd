"""Trade statistics: datasets and flows, their importers (three file formats), figures, charts."""
