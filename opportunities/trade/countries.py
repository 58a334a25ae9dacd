"""Country codes in trade files: numeric (BACI, Comtrade) to ISO alpha-3."""

from functools import cache

import pycountry

# BACI's own codes for economies it groups or numbers differently from ISO 3166-1
# (CEPII's country_codes file): alpha-3 of the main member, or BACI's label.
BACI_SPECIAL = {
    "58": "BLX",  # Belgium-Luxembourg (before 1999)
    "251": "FRA",  # France, Monaco
    "381": "ITA",  # Italy, San Marino
    "490": "S19",  # Other Asia, not elsewhere specified (Taiwan)
    "579": "NOR",  # Norway, Svalbard and Jan Mayen
    "699": "IND",  # India
    "711": "ZAF",  # Southern African Customs Union (before 2000)
    "757": "CHE",  # Switzerland, Liechtenstein
    "842": "USA",  # United States, Puerto Rico, US Virgin Islands
}


@cache
def baci_codes() -> dict[str, str]:
    """Map BACI's numeric country codes (as written in its files) to alpha-3 codes."""
    codes = {str(int(c.numeric)): c.alpha_3 for c in pycountry.countries}
    codes.update({f"{int(k):03d}": v for k, v in codes.items()})
    codes.update(BACI_SPECIAL)
    codes.update({f"{int(k):03d}": v for k, v in BACI_SPECIAL.items()})
    return codes
