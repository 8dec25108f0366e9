"""A summary that states what the document only ever denies.

Grounded decoding keeps every word of a summary inside the document, but not the "not" in front of it: "Diana
says it's expensive too." of a chat that says "It's not that expensive either", "Self-normalization models
compute the partition function." of an abstract about models that work "without having to compute the partition
function". A lower-case word the document writes only after a negation (within ``WINDOW`` words of the same
clause, or in a clause that opens with one) is one a summary may use only under a negation of its own; the
engine's last check drops a sentence that uses it without any, and the rewards score what it keeps. Names are
not judged: a negation denies what is said of them ("were no match for Benita Johnson").

Twin of ``src/engine/grounding/negation.ts``; both run the golden cases in ``rules/negation-cases.json``.
"""

from __future__ import annotations

import regex

from ..text_quality import STOPWORDS, split_sentences

WINDOW = 3
"""Words before a word, within its clause, where a negation turns it round ("was not planning to change")."""
MIN_LENGTH = 4
"""Shorter words (and stopwords) are never judged: "is", "has", "can"."""

NEGATORS = frozenset({"no", "not", "never", "without", "nor", "neither", "cannot"})
CLAUSE_NEGATORS = frozenset({"nothing", "nobody", "never", "neither", "no"})
"""Words that deny their whole clause when they open it ("Nothing is ever sent over a network.")."""

_EDGE_BEFORE = r"(?<![\p{L}\p{N}_])"
_EDGE_AFTER = r"(?![\p{L}\p{N}_])"
NOT_DENYING = regex.compile(
    _EDGE_BEFORE + r"(?:not\s+(?:only|just|necessarily)|with\s+(?:and|or)\s+without|no\s+matter)" + _EDGE_AFTER,
    regex.IGNORECASE,
)
"""Negations that do not deny what follows them ("not only the salaries", "with and without a chosen attribute")."""
CLAUSE_END = regex.compile(r"[.,;:!?()\[\]{}\"“”\n]+")
WORD = regex.compile(r"\p{L}[\p{L}\p{N}_'’-]*")
_CONTRACTED = regex.compile(r"n['’]t$", regex.IGNORECASE)
_LOWER_START = regex.compile(r"^\p{Ll}")


def _is_negator(word: str) -> bool:
    return word.lower() in NEGATORS or _CONTRACTED.search(word) is not None


def _judged(word: str) -> bool:
    """Lower-case content words, as written: a name or a sentence's first word is not judged."""
    return (
        _LOWER_START.match(word) is not None
        and len(word) >= MIN_LENGTH
        and word not in STOPWORDS
        and not _is_negator(word)
    )


def _clauses(text: str) -> list[list[str]]:
    return [WORD.findall(c) for c in CLAUSE_END.split(NOT_DENYING.sub(" , ", text))]


def denied_words(document: str) -> set[str]:
    """The lower-case words a document writes only after a negation."""
    denied: set[str] = set()
    affirmed: set[str] = set()
    for words in _clauses(document):
        whole_clause = bool(words) and words[0].lower() in CLAUSE_NEGATORS
        for i, w in enumerate(words):
            if not _judged(w):
                continue
            negated = whole_clause or any(_is_negator(b) for b in words[max(0, i - WINDOW) : i])
            (denied if negated else affirmed).add(w)
    return denied - affirmed


def affirms_denied(sentence: str, denied: set[str] | frozenset[str]) -> str | None:
    """The word of ``sentence`` that states what the document only denies, when the sentence negates nothing."""
    words = WORD.findall(sentence)
    if any(_is_negator(w) for w in words):
        return None
    return next((w for w in words if _judged(w) and w in denied), None)


def affirmed_denials(summary: str, denied: set[str] | frozenset[str]) -> list[str]:
    """The words with which the sentences of ``summary`` state what the document only denies."""
    return [w for s in split_sentences(summary, 10**9) if (w := affirms_denied(s, denied)) is not None]


def without_affirmed_denials(summary: str, denied: set[str] | frozenset[str]) -> str:
    """``summary`` without the sentences that state what the document only denies ('' when none is left)."""
    return " ".join(s for s in split_sentences(summary.strip(), 10**9) if affirms_denied(s, denied) is None)
