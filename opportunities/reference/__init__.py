"""Reference data: the HS nomenclature, sectors and their headings, the HS search, importers."""
