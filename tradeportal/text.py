"""Text folding for search: lower case, no accents, single spaces."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Return text lower-cased, without accents or repeated spaces ("Café" -> "cafe")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


# Legal forms written the one way the registries of both countries print them.
_LEGAL_FORMS = [
    (re.compile(r"\bS\.?\s?A\.?\s+de\s+C\.?\s?V\.?(?=\s|$|,)", re.I), "S.A. de C.V."),
    (
        re.compile(r"\bS\.?\s?A\.?\s?P\.?\s?I\.?\s+de\s+C\.?\s?V\.?(?=\s|$|,)", re.I),
        "S.A.P.I. de C.V.",
    ),
    (
        re.compile(r"\bS\.?\s?de\s+R\.?\s?L\.?\s+de\s+C\.?\s?V\.?(?=\s|$|,)", re.I),
        "S. de R.L. de C.V.",
    ),
    (re.compile(r"\bS\.?\s?A\.?\s?C\.?(?=\s|$|,)", re.I), "S.A.C."),
    (re.compile(r"\bS\.?\s?A\.?\s?A\.?(?=\s|$|,)", re.I), "S.A.A."),
    (re.compile(r"\bS\.?\s?R\.?\s?L\.?(?=\s|$|,)", re.I), "S.R.L."),
    (re.compile(r"\bE\.?\s?I\.?\s?R\.?\s?L\.?(?=\s|$|,)", re.I), "E.I.R.L."),
]


def legal_name(text: str) -> str:
    """A company's legal name as stored: single spaces, its legal form written one way and no
    doubled period ("Uvas  del Sur sac" -> "Uvas del Sur S.A.C.", "C.V.." -> "C.V.")."""
    name = _SPACES.sub(" ", text or "").strip()
    for pattern, form in _LEGAL_FORMS:
        name = pattern.sub(form, name)
    return re.sub(r"\.{2,}$", ".", name)


def before_period(text: str) -> str:
    """A name that a sentence's period follows: its own final period dropped ("C.V." + ".")."""
    text = str(text)
    return text[:-1] if text.endswith(".") else text
