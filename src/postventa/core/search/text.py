"""Text for the search index: fold accents, split into words, Snowball-stem, expand synonyms.

Both database backends index the output of `stem_text` and receive queries built from `terms`,
so matching and ranking do not depend on the database's own dictionaries.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
import unicodedata

WORD = re.compile(r"[^\W_]+")
LANGUAGES = {"es": "spanish", "en": "english"}
DEFAULT_LANGUAGE = "es"

# Words that would make an AND query fail for no reason ("devolución de dinero" on a short title).
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
        "que",
        "se",
        "un",
        "una",
        "y",
        "an",
        "and",
        "for",
        "in",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)

# Groups of interchangeable words or phrases, applied to queries only: a query word that is a
# one-word member of a group also finds every other member (phrases match as phrases).
SYNONYMS: list[tuple[str, ...]] = [
    ("devolver", "devolución", "devuelto", "return"),
    ("reembolso", "reembolsar", "devolución de dinero", "refund", "money back"),
    ("roto", "averiado", "estropeado", "no funciona", "broken", "faulty"),
    ("envío", "entrega", "delivery", "shipping", "shipment"),
    ("factura", "recibo", "invoice", "receipt"),
    ("garantía", "warranty", "guarantee"),
    ("pedido", "order"),
]

_local = threading.local()  # PyStemmer objects are not thread-safe: one per thread


def _stemmer(language: str):
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    if language not in cache:
        algorithm = LANGUAGES.get(language, LANGUAGES[DEFAULT_LANGUAGE])
        try:
            import Stemmer

            cache[language] = Stemmer.Stemmer(algorithm).stemWord
        except ImportError:  # pure-Python fallback, same Snowball algorithms
            import snowballstemmer

            cache[language] = snowballstemmer.stemmer(algorithm).stemWord
    return cache[language]


def fold(text: str) -> str:
    """Lower-case without accents: "Devolución" -> "devolucion" (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


def stem(word: str, language: str) -> str:
    """Stem one already-folded word."""
    return _stemmer(language if language in LANGUAGES else DEFAULT_LANGUAGE)(word)


def stem_text(text: str, language: str) -> str:
    """The indexed form of `text`: folded, stemmed words separated by spaces."""
    return " ".join(stem(w, language) for w in words(text))


@functools.lru_cache(maxsize=4096)
def stems_of(word: str) -> frozenset[str]:
    """Every stem a folded query word may have been indexed under (documents are es or en)."""
    return frozenset(stem(word, language) for language in LANGUAGES)


@dataclasses.dataclass(frozen=True)
class Term:
    """One query word: its alternatives (each a tuple of stems: one stem, or a phrase)."""

    word: str
    alternatives: frozenset[tuple[str, ...]]
    prefix: str = ""  # the last word as typed: also matches longer words ("gom" -> "gomez")


@functools.lru_cache(maxsize=1)
def _synonym_index() -> dict[str, list[frozenset[tuple[str, ...]]]]:
    """stem of a one-word member -> alternatives of every group it belongs to."""
    index: dict[str, list[frozenset[tuple[str, ...]]]] = {}
    for group in SYNONYMS:
        alternatives: set[tuple[str, ...]] = set()
        for member in group:
            for language in LANGUAGES:
                alternatives.add(tuple(stem(w, language) for w in words(member)))
        frozen = frozenset(alternatives)
        for member in group:
            member_words = words(member)
            if len(member_words) == 1:
                for s in stems_of(member_words[0]):
                    index.setdefault(s, []).append(frozen)
    return index


def _join_digit_runs(found: list[str]) -> list[str]:
    """ "600 123 456" -> "600123456": phone numbers are indexed without spaces."""
    out: list[str] = []
    run: list[str] = []
    for word in [*found, ""]:
        if word.isdigit():
            run.append(word)
            continue
        joined = "".join(run)
        out.extend([joined] if len(run) > 1 and len(joined) >= 6 else run)
        run = []
        if word:
            out.append(word)
    return out


def terms(query: str) -> list[Term]:
    """Parse a query into terms that must all match; stop words are dropped unless alone."""
    found = _join_digit_runs(words(query)[:12])  # a pasted paragraph is not a query: 12 words decide
    kept = [w for w in found if w not in STOPWORDS] or found
    result: list[Term] = []
    for n, word in enumerate(kept):
        alternatives: set[tuple[str, ...]] = {(s,) for s in stems_of(word)}
        for s in stems_of(word):
            for group in _synonym_index().get(s, []):
                alternatives |= group
        # Only the word still being typed (no space after it yet) matches as a prefix.
        last = n == len(kept) - 1 and len(word) >= 2 and query == query.rstrip()
        result.append(Term(word, frozenset(alternatives), prefix=word if last else ""))
    return result


def matcher(query_terms: list[Term]):
    """A predicate on one original word: does it match the query? (for highlighting)"""
    singles = {alt[0] for t in query_terms for alt in t.alternatives if len(alt) == 1}
    in_phrases = {s for t in query_terms for alt in t.alternatives if len(alt) > 1 for s in alt}
    in_phrases -= STOPWORDS
    prefixes = tuple(t.prefix for t in query_terms if t.prefix)

    def matches(word: str) -> bool:
        folded = fold(word)
        if prefixes and folded.startswith(prefixes):
            return True
        return bool(stems_of(folded) & (singles | in_phrases))

    return matches
