"""A number keeps the word it is bound to: the twin of ``src/engine/grounding/number-binding.ts``.

Grounding alone lets a summary write any of the document's numbers anywhere: "The farm will cost 15 million
euros" passes when the document says "the farm will cost 38 million euros, of which 15 million comes from a
national climate fund". Here a number's word is the nearest content word among the two terms before it, in the
same clause ("cost" in "will cost 15"). Where the document binds that word to numbers, the summary may bind it
only to one of them; where the document never puts a number right after it, the summary is free. A word right
after a number is that number's unit ("euros" in "250 euros and 1,900 people"), and a number ends the search.
Words are compared by stem. A number is a term that starts with a digit ("38", "1,200", "3.9-3.12", "2nd"); it
matches the document's as written, without thousands separators, or as one of the parts of a range.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text_quality import MIN_CONTENT_LENGTH, STOPWORDS, stem

# How many terms before a number its word may stand ("cost 38", "cost about 38").
NUMBER_REACH = 2
# Punctuation between two terms that ends a clause: a number is not bound across it.
_CLAUSE_BREAK = re.compile(r"[.!?;:\n()]")
_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DIGIT_START = re.compile(r"\d")

# (text, start, end, ...) as terms.terms_of gives them
Term = tuple


def _is_content_word(term: str) -> bool:
    low = term.lower()
    return bool(_WORD.match(term)) and low not in STOPWORDS and len(low) >= MIN_CONTENT_LENGTH


def _number_forms(n: str) -> list[str]:
    """The forms a number is matched in: as written (lower case), without thousands separators, and the parts of
    a range ("3.9" of "3.9-3.12")."""
    low = n.lower()
    plain = low.replace(",", "") if _THOUSANDS.match(low) else low
    parts = [p for p in re.split(r"[-/]", low) if _DIGIT_START.match(p)]
    return list(dict.fromkeys([low, plain, *(parts if len(parts) > 1 else [])]))


def _break_after(text: str, terms: Sequence[Term], j: int) -> bool:
    return bool(_CLAUSE_BREAK.search(text[terms[j][2] : terms[j + 1][1]]))


# Adverbs in -ly say how, not what was counted: "improved 1% sequentially to $142 million" binds 142 to
# "sequentially". These nouns in -ly are units all the same.
_ADVERB = re.compile(r"^[a-z]{4,}ly$")
_NOUNS_IN_LY = frozenset({"family", "supply", "assembly", "anomaly", "monopoly", "butterfly"})


def _is_unit(text: str, terms: Sequence[Term], j: int) -> bool:
    """Whether ``terms[j]`` is a unit: a number stands among the two terms before it, in its clause, and it is
    no adverb."""
    t = terms[j][0]
    if _ADVERB.match(t) and t not in _NOUNS_IN_LY:
        return False
    for k in range(j - 1, max(0, j - 2) - 1, -1):
        if _break_after(text, terms, k):
            return False
        if _DIGIT_START.match(terms[k][0]):
            return True
    return False


def binding_terms(text: str, terms: Sequence[Term], i: int) -> list[Term]:
    """The words that may bind the number ``terms[i]``, nearest first."""
    out: list[Term] = []
    for j in range(i - 1, max(0, i - NUMBER_REACH) - 1, -1):
        if _break_after(text, terms, j):
            break
        t = terms[j][0]
        if _DIGIT_START.match(t):
            break
        if not _is_content_word(t):
            continue
        if _is_unit(text, terms, j):
            break
        out.append(terms[j])
    return out


class NumberBindings:
    """For each word stem, the numbers the document writes right after it (all their forms, sorted)."""

    def __init__(self, document: str, terms: Sequence[Term]) -> None:
        bound: dict[str, set[str]] = {}
        for i, t in enumerate(terms):
            if _DIGIT_START.match(t[0]):
                for word in (stem(w[0]) for w in binding_terms(document, terms, i)):
                    bound.setdefault(word, set()).update(_number_forms(t[0]))
        self._bound = {k: sorted(v) for k, v in bound.items()}

    def allows(self, text: str, terms: Sequence[Term], i: int, finished: bool) -> bool:
        """Whether the number ``terms[i]`` of ``text`` (finished, or still being written) keeps its word."""
        return self.refusal(text, terms, i, finished) is None

    def refusal(self, text: str, terms: Sequence[Term], i: int, finished: bool) -> Term | None:
        """The word that the number ``terms[i]`` of ``text`` does not keep (see ``allows``), or None."""
        n = terms[i][0].lower()
        if not _DIGIT_START.match(n):
            return None
        words = binding_terms(text, terms, i)
        numbers = self._bound.get(stem(words[0][0])) if words else None
        if numbers is None:
            return None

        def whole(m: str) -> bool:
            return any(f in numbers for f in _number_forms(m))

        # still being written, it may go on into a bound number, or end at a joiner ("250." ends a sentence);
        # terms.JOINERS written out: terms imports this module
        kept = whole(n) if finished else any(f.startswith(n) for f in numbers) or whole(n.rstrip(".,'’-/:@+"))
        return None if kept else words[0]
