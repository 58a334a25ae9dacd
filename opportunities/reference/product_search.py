"""Rank HS codes for what an exporter types: trade names, Spanish or English words, typos, digits.

Pure Python, no queries: `ProductIndex` is built from plain rows (the HS codes and the trade-name
vocabulary) and answers `search()` in a few milliseconds, so PostgreSQL and the embedded SQLite
give the same results. `opportunities.reference.hs_search` keeps one index per process.

How a code scores for a query (each query word weighted by its rarity, so the product word
"calamar" outweighs the attribute "congelado"):
- vocabulary: a trade name whose words are all in the query gives its codes up to `VOCAB`
  (the share of the query it covers); a heading's subheadings get most of it, a subheading's
  heading a little less, so the attributes typed pick the subheading;
- text: the share of the query's weight found in the code's own Spanish and English text (the
  heading's text counts half for a subheading), plus a bonus when the text starts with the
  first word;
- a word matches by its light stem (plural and gender in Spanish, Snowball in English), by one
  typo (words of five letters or more) or, for the last word while typing, as a prefix.
"""

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from tradeportal.text import fold

VOCAB = 2.0  # weight of a trade name covering the whole query (text at most ~1.3)
EXACT_NAME = 0.6  # bonus when the query is exactly a trade name
FIRST_WORD = 0.3  # bonus when the code's text starts with the query's first word
TYPO, PREFIX = 0.8, 0.6  # quality of a match by one typo / by prefix (exact: 1.0)
COVERED_TEXT = 0.25  # weight of a word in the text when a trade name already counted it
HEADING_TEXT = 0.5  # weight of a subheading's heading text
TO_CHILDREN, TO_PARENT = 0.9, 0.8  # share of a trade name's score passed down / up the tree
MAX_QUERY = 200  # characters read from a query
SEARCHES_KEPT = 4096  # answered searches an index remembers (a few MiB at most)
MAX_WORDS = 8
PREFIXES = 120  # words a prefix may stand for while typing
STOPWORDS = frozenset(
    [
        "a",
        "al",
        "con",
        "de",
        "del",
        "el",
        "en",
        "la",
        "las",
        "lo",
        "los",
        "o",
        "para",
        "por",
        "sin",
        "su",
        "sus",
        "un",
        "una",
        "unos",
        "unas",
        "y",
        "e",
        "u",
        "the",
        "of",
        "and",
        "or",
        "for",
        "with",
        "in",
        "on",
        "to",
        "an",
        "by",
        "from",
        "other",
        "others",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")
_EN = snowballstemmer.stemmer("english")


class CodeRow(NamedTuple):
    """One HS code as the index reads it."""

    code: str
    level: int
    parent: str | None
    description_es: str
    description_en: str


class NameRow(NamedTuple):
    """One trade name of the vocabulary and the codes it points to."""

    name: str
    codes: tuple[str, ...]


class Hit(NamedTuple):
    code: str
    level: int
    score: float


def es_stem(word: str) -> str:
    """Strip Spanish plural and gender ("calamares" -> "calamar", "congeladas" -> "congelad")."""
    if len(word) > 4 and word.endswith("ces"):
        word = word[:-3] + "z"  # nueces -> nuez
    elif len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        word = word[:-2]  # limones -> limon, televisores -> televisor
    elif len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 4 and word[-1] in "aoe":
        word = word[:-1]
    return word


@lru_cache(maxsize=50_000)
def keys(word: str) -> tuple[str, str]:
    """The index keys of a folded word: its Spanish and its English stem, kept apart."""
    return ("e:" + es_stem(word), "n:" + _EN.stemWord(word))


def words(text: str) -> list[str]:
    """Folded words of a text, without stopwords or single letters."""
    return [w for w in _WORD.findall(fold(text)) if w not in STOPWORDS and len(w) > 1]


CODE_WORDS = frozenset(
    ["codigo", "code", "hs", "sa", "partida", "subpartida", "heading", "subheading", "arancel"]
)


def code_query(text: str) -> str | None:
    """The digits of a query that is a code ("08.06", "0806 10", "8528", "código 0901")."""
    rest = " ".join(w for w in fold(text).split() if w not in CODE_WORDS)
    digits = re.sub(r"[\s.\-]", "", rest)
    return digits[:6] if digits.isdigit() and len(digits) >= 2 else None


@dataclass
class _Doc:
    code: str
    level: int
    parent: str | None
    keys: dict[str, float] = field(default_factory=dict)  # index key -> field weight
    first: set[str] = field(default_factory=set)  # keys of the first word of each text
    length: int = 0


class _Term(NamedTuple):
    word: str  # folded query word
    weight: float
    matches: dict[str, float]  # index key -> match quality


class ProductIndex:
    """An inverted index over HS codes and trade names."""

    def __init__(self, codes: Iterable[CodeRow], names: Iterable[NameRow] = ()):
        self.docs: dict[str, _Doc] = {}
        self.children: dict[str, list[str]] = defaultdict(list)
        self.postings: dict[str, set[str]] = defaultdict(set)  # key -> codes
        self.name_postings: dict[str, set[int]] = defaultdict(set)  # key -> names
        self.names: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        self.forms: dict[str, set[str]] = defaultdict(set)  # folded word -> its keys
        rows = sorted(codes, key=lambda row: (row.level, row.code))
        texts = {row.code: row.description_es for row in rows}
        for row in rows:
            self._add_code(row, texts.get(row.parent or "", ""))
        for name in names:
            self._add_name(name)
        self.sorted_forms = sorted(self.forms)
        self.n = max(len(self.docs), 1)
        # The index never changes once built (a new catalog builds a new one), so the same words
        # always give the same hits: popular searches are answered once per index.
        self._searches = lru_cache(maxsize=SEARCHES_KEPT)(self._search)

    def _add_code(self, row: CodeRow, heading_es: str) -> None:
        doc = _Doc(row.code, row.level, row.parent)
        fields = [(row.description_es, 1.0), (row.description_en, 1.0)]
        if row.level == 6:
            fields.append((heading_es, HEADING_TEXT))
        for text, weight in fields:
            found = words(text)
            if found and weight == 1.0:
                doc.first.update(keys(found[0]))
            for word in found:
                for key in self._form(word):
                    doc.keys[key] = max(doc.keys.get(key, 0.0), weight)
                    self.postings[key].add(row.code)
            doc.length += len(found) if weight == 1.0 else 0
        self.docs[row.code] = doc
        if row.parent:
            self.children[row.parent].append(row.code)

    def _add_name(self, name: NameRow) -> None:
        found = words(name.name)
        codes = tuple(code for code in name.codes if code in self.docs)
        if not found or not codes:
            return
        index = len(self.names)
        self.names.append((tuple(found), codes))
        for word in found:
            for key in self._form(word):
                self.name_postings[key].add(index)

    def _form(self, word: str) -> tuple[str, str]:
        found = keys(word)
        self.forms[word].update(found)
        self.forms[es_stem(word)].update(found)  # "calamr" is one typo from "calamar(es)"
        return found

    # -- querying ------------------------------------------------------------------------------

    def search(self, query: str, *, levels: tuple[int, ...] = (4, 6), limit: int = 20) -> list[Hit]:
        """Codes of the given levels ranked for `query`, best first (empty for no words)."""
        return list(self._searches((query or "")[:MAX_QUERY], tuple(levels), limit))

    def _search(self, query: str, levels: tuple[int, ...], limit: int) -> tuple[Hit, ...]:
        digits = code_query(query)
        if digits:
            return tuple(self._by_digits(digits, levels, limit))
        terms = self._terms(query)
        if not terms:
            return ()
        scores, covered = self._vocabulary_scores(terms)
        self._add_text_scores(terms, scores, covered)
        hits = [
            Hit(code, self.docs[code].level, score)
            for code, score in scores.items()
            if self.docs[code].level in levels and score > 0
        ]
        hits.sort(key=lambda hit: (-round(hit.score, 6), hit.level, hit.code))
        return tuple(hits[:limit])

    def _by_digits(self, digits: str, levels: tuple[int, ...], limit: int) -> list[Hit]:
        codes = [
            code
            for code in self.docs
            if code.startswith(digits) and self.docs[code].level in levels
        ]
        codes.sort(key=lambda code: (len(code), code))
        return [Hit(code, self.docs[code].level, 1.0) for code in codes[:limit]]

    def _terms(self, query: str) -> list[_Term]:
        found = words(query)[:MAX_WORDS]
        typing = bool(query) and not query[-1].isspace()
        terms = []
        for position, word in enumerate(found):
            last = typing and position == len(found) - 1
            matches = self._matches(word, last)
            df = (
                len(set().union(*(self.postings.get(key, ()) for key in matches))) if matches else 0
            )
            weight = math.log(1 + self.n / (1 + df))
            terms.append(_Term(word, weight, matches))
        return terms

    def _matches(self, word: str, last: bool) -> dict[str, float]:
        """Index keys a query word matches, with the quality of each match."""
        matches = {
            key: 1.0 for key in keys(word) if key in self.postings or key in self.name_postings
        }
        if not matches and len(word) >= 5:
            for form in self._near(word):
                for key in self.forms[form]:
                    matches.setdefault(key, TYPO)
        if last and len(word) >= 3:
            start = bisect.bisect_left(self.sorted_forms, word)
            for form in self.sorted_forms[start : start + PREFIXES]:
                if not form.startswith(word):
                    break
                for key in self.forms[form]:
                    matches.setdefault(key, PREFIX)
        return matches

    def _near(self, word: str) -> list[str]:
        found = process.extract(
            word, self.sorted_forms, scorer=OSA.distance, score_cutoff=1, limit=20
        )
        return [form for form, _distance, _index in found if len(form) >= 5]

    def _vocabulary_scores(
        self, terms: list[_Term]
    ) -> tuple[dict[str, float], dict[str, frozenset[int]]]:
        """Scores from the trade names, and for each code the query words its name used."""
        total = sum(term.weight for term in terms)
        candidates = set().union(
            *(self.name_postings.get(key, ()) for term in terms for key in term.matches)
        )
        scores: dict[str, float] = defaultdict(float)
        used: dict[str, frozenset[int]] = {}
        for index in candidates:
            name_words, codes = self.names[index]
            covered = self._covered(name_words, terms)
            if covered is None:
                continue
            score = VOCAB * sum(terms[i].weight * q for i, q in covered.items()) / total
            if len(covered) == len(terms) == len(name_words) and min(covered.values()) == 1.0:
                score += EXACT_NAME
            for code in codes:
                self._spread(code, score, frozenset(covered), scores, used)
        return scores, used

    def _covered(self, name_words: tuple[str, ...], terms: list[_Term]) -> dict[int, float] | None:
        """Query positions a trade name's words use, with the match quality of each; None when
        a word of the name is not in the query."""
        covered: dict[int, float] = {}
        for word in name_words:
            wanted = keys(word)
            best = max(
                (
                    (max(term.matches.get(k, 0.0) for k in wanted), i)
                    for i, term in enumerate(terms)
                    if i not in covered
                ),
                default=(0.0, -1),
            )
            if best[0] == 0.0:
                return None
            covered[best[1]] = best[0]
        return covered

    def _spread(self, code: str, score: float, covered: frozenset[int], scores, used) -> None:
        """Give a trade name's score to its code, and a share to the code's heading or children."""
        doc = self.docs[code]
        shares = [(code, score)]
        if doc.level == 6 and doc.parent:
            shares.append((doc.parent, score * TO_PARENT))
        shares += [(child, score * TO_CHILDREN) for child in self.children.get(code, ())]
        for target, value in shares:
            if value > scores[target]:
                scores[target], used[target] = value, covered

    def _add_text_scores(self, terms: list[_Term], scores, covered) -> None:
        """Add the text score; a word a trade name already counted for the code counts less, so
        "camiones" keeps the trucks heading above the subheadings that repeat the word."""
        total = sum(term.weight for term in terms)
        text: dict[str, float] = defaultdict(float)
        none: frozenset[int] = frozenset()
        for position, term in enumerate(terms):
            codes = set().union(*(self.postings.get(key, ()) for key in term.matches))
            for code in codes:
                doc_keys = self.docs[code].keys
                quality = max(
                    (q * doc_keys[key] for key, q in term.matches.items() if key in doc_keys),
                    default=0.0,
                )
                if position in covered.get(code, none):
                    quality *= COVERED_TEXT
                text[code] += term.weight * quality / total
        first = terms[0].matches
        for code, value in text.items():
            doc = self.docs[code]
            value /= 1 + 0.01 * doc.length  # shorter, more specific texts first
            if 0 not in covered.get(code, none) and any(key in doc.first for key in first):
                value += FIRST_WORD
            scores[code] = scores.get(code, 0.0) + value

    def descendants(self, code: str) -> list[str]:
        """The code and every code under it."""
        found, stack = [], [code]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(self.children.get(current, ()))
        return found
