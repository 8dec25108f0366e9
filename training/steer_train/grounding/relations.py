"""Relations a summary states between the document's terms, checked against where the document puts them.

Grounded decoding keeps every name and number of a summary inside the document, but a small model recombines
them: "Miriam Okafor speaks up about the battery store." (she spoke about the landfill; the battery comes two
paragraphs later), "Fredrik's work is available on Google's website." (Google sponsored the work). Two cheap
tests of proximity catch the blatant cases without reading the meaning:

- a possessive ``Name's ... noun`` needs the name and a word of its noun phrase within ``WINDOW`` words of each
  other somewhere in the document;
- every name in a summary sentence needs at least one of the sentence's other content words (the ones the
  document has at all) within ``WINDOW`` words of one of its mentions, unless the document opens or ends with
  it (a letter's addressee or signature);
- two names of two words or more in one sentence need a word of each within ``WINDOW`` words of the other, or
  in one sentence, somewhere in the document ("Gordon Strachan meets coach Joe Jordan." of a story where they
  never meet).

A sentence that relates a name to itself needs no document to be wrong: "Labour and Labour clashed over tax and
spending plans." (Labour and the Tories), "Tony Vasut calls Tony Vasut's new hire.": a name joined to itself by
"and" or "or" (or "from" it "to" it), a name of two words or more written twice in one sentence, or a name
that opens a sentence and comes back as what it acts on ("Tom introduces Tom."). A class said to inherit what its
declaration does not name is misrelated too (``inheritance.py``).

Twin of ``src/engine/grounding/relations.ts``; both run the golden cases in ``rules/relation-cases.json``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from ..text_quality import MIN_CONTENT_LENGTH, STOPWORDS, split_sentences, stem, tokens
from .inheritance import ClassHeaders, class_headers, misstated_inheritance

WINDOW = 30
"""Words either side of a name's mention within which a related word counts as near it."""

MAX_NOUN_PHRASE = 4
EDGE = 3
"""A name among a document's first or last this many words (a letter's addressee, its signature) is tied to all
of it: "Sara is revising the draft confirmation." of a mail that says "We are trying to revise ..." and ends
"Sara"."""
"""Lower-case words read after a possessive as its noun phrase."""


def key(token: str) -> str:
    """A word's stem without a final "e" ("game" and "games" stem to "game" and "gam")."""
    s = stem(token)
    return s[:-1] if len(s) > 3 and s.endswith("e") else s


def _is_name(token: str) -> bool:
    return token[:1].isupper() and token.lower() not in STOPWORDS


def _possessive_owner(token: str) -> str | None:
    t = token.replace("’", "'")
    return t[:-2] if t.endswith("'s") and len(t) > 2 else None


@dataclass(frozen=True)
class DocumentPlaces:
    """Where each word (its ``key``) occurs in a document (word positions, ascending), and which words the
    document also writes in lower case (common words, names only when capitalized at a sentence's start)."""

    places: dict[str, list[int]]
    lower: frozenset[str]
    edges: frozenset[str]
    sentences: tuple[frozenset[str], ...]  # the words of each sentence, however long
    classes: ClassHeaders  # the classes it declares and the names in their headers (inheritance.py)

    @staticmethod
    def of(document: str) -> DocumentPlaces:
        places: dict[str, list[int]] = defaultdict(list)
        lower: set[str] = set()
        toks = tokens(document)
        for i, t in enumerate(toks):
            k = key(t)
            places[k].append(i)
            if t[:1].islower():
                lower.add(k)
        edges = frozenset(key(t) for t in toks[:EDGE] + toks[-EDGE:])
        sentences = tuple(frozenset(map(key, tokens(s))) for s in split_sentences(document, 10**9))
        return DocumentPlaces(dict(places), frozenset(lower), edges, sentences, class_headers(document))

    def has(self, s: str) -> bool:
        return s in self.places

    def near(self, a: str, b: str) -> bool:
        """Whether words ``a`` and ``b`` occur within ``WINDOW`` words of each other."""
        pa, pb = self.places.get(a), self.places.get(b)
        if not pa or not pb:
            return False
        for p in pa:
            j = bisect_left(pb, p - WINDOW)
            if j < len(pb) and pb[j] <= p + WINDOW:
                return True
        return False

    def together(self, a: list[str], b: list[str]) -> bool:
        """Whether one of the document's sentences has a word of ``a`` and a word of ``b``, however far apart."""
        return any(not s.isdisjoint(a) and not s.isdisjoint(b) for s in self.sentences)


# "Eerdekens' name": a possessive after a final s, read as "Eerdekens's name".
_PLURAL_POSSESSIVE = re.compile(r"(?<=s)['’](?=\s)")


def _possessives(sentence: str) -> list[tuple[str, list[str]]]:
    """(owner, the words of its noun phrase) of each ``Name's ... noun`` (or ``Names' ... noun``) in
    ``sentence``, as keys."""
    toks = tokens(_PLURAL_POSSESSIVE.sub("'s", sentence))
    out: list[tuple[str, list[str]]] = []
    for i, t in enumerate(toks):
        owner = _possessive_owner(t)
        if owner is None or not _is_name(owner):
            continue
        phrase: list[str] = []
        for nxt in toks[i + 1 : i + 1 + MAX_NOUN_PHRASE]:
            if not nxt[:1].islower() or nxt.lower() in STOPWORDS:
                break
            if len(nxt) >= MIN_CONTENT_LENGTH:
                phrase.append(key(nxt))
        if phrase:
            out.append((key(owner), phrase))
    return out


def _content(sentence: str, doc: DocumentPlaces) -> tuple[set[str], set[str]]:
    """The sentence's names and its other content words, as keys."""
    names: set[str] = set()
    words: set[str] = set()
    for t in tokens(sentence):
        if t[:1].isdigit() or t.startswith("#"):
            continue
        low, k = t.lower(), key(t)
        if _is_name(t) and k not in doc.lower:
            names.add(k)
        elif low not in STOPWORDS and len(low) >= MIN_CONTENT_LENGTH:
            words.add(k)
    return names, words - names


def _long_names(toks: list[str]) -> list[str]:
    """The names of two words or more of a sentence, in order, as their words' keys joined by spaces."""
    out: list[str] = []
    run: list[str] = []
    for t in toks + [""]:
        if t and _is_name(t):
            run.append(key(t))
            if _possessive_owner(t) is None:
                continue  # "Tony Vasut's new hire": the name ends at its possessive
        if len(run) >= 2:
            out.append(" ".join(run))
        run = []
    return out


# Words that join two names as two different things ("Labour and the Tories", "Wales versus France").
_JOINTS = frozenset(("and", "or", "versus", "vs"))


def _bare(token: str) -> str:
    """A word without its possessive ending ("Amanda's")."""
    return _possessive_owner(token) or token


def acts_on_itself(toks: list[str]) -> str | None:
    """The name that opens a sentence and comes back, alone, as what it acts on, with no other name in between:
    "Tom introduces Tom.", "Amanda plans to join Amanda's club.", "Wales won their first game with Wales." A
    name that qualifies another one ("Labour strategist Alastair Campbell ... Labour's campaign") or a noun
    ("... debug Python code", "Linear Backprop") is left be. Its key, or None."""
    first = _bare(toks[0]) if toks else ""
    if not first or not _is_name(first):
        return None
    own = key(first)

    def other_name(t: str) -> bool:
        b = _bare(t)
        return bool(b) and _is_name(b) and key(b) != own

    for i, t in enumerate(toks[1:], 1):
        if other_name(t):
            return None  # another name comes first: it may be the one that acts
        b = _bare(t)
        if not b or not _is_name(b) or key(b) != own:
            continue
        after = toks[i + 1] if i + 1 < len(toks) else ""
        qualifies = after[:1].islower() and after.lower() not in STOPWORDS or other_name(after)
        if b != t or not qualifies:
            return own
    return None


def self_relation(sentence: str) -> str | None:
    """How ``sentence`` relates a name to itself ("labour and labour", "tony vasut twice", "tom on itself"), or
    None."""
    toks = tokens(sentence)
    for i, (a, joint, b) in enumerate(zip(toks, toks[1:], toks[2:], strict=False)):
        # "from December to December 2004" of "in December 2004 from December 2003": a range from a name to itself
        joins = joint in _JOINTS or (joint == "to" and i > 0 and toks[i - 1] == "from")
        if joins and _is_name(a) and _is_name(b) and key(a) == key(b):
            return f"{key(a)} {joint} {key(b)}"
        # "wages grew 1.9% in December compared to December"
        c = toks[i + 3] if i + 3 < len(toks) else ""
        if joint == "compared" and b in ("to", "with") and c and _is_name(a) and _is_name(c) and key(a) == key(c):
            return f"{key(a)} compared {b} {key(c)}"
    seen: set[str] = set()
    for name in _long_names(toks):
        if name in seen:
            return f"{name} twice"
        seen.add(name)
    acting = acts_on_itself(toks)
    return None if acting is None else f"{acting} on itself"


# Capitalised words of a long name that say when, not who: "December" is near everything in a dated story.
_DATE_WORDS = frozenset(
    key(w)
    for w in "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


def names_apart(sentence: str, doc: DocumentPlaces) -> str | None:
    """Two names of two words or more in ``sentence`` that the document never puts within ``WINDOW`` words of
    each other, nor in one sentence ("Former Southampton manager Gordon Strachan meets coach Joe Jordan."
    where Strachan met Terry Brady and Joe Jordan coached the other club), as "a / b", or None. Only the words
    the document never writes in lower case, and no date words, count as a name's."""
    names: list[list[str]] = []
    for name in dict.fromkeys(_long_names(tokens(sentence))):
        words = [w for w in name.split(" ") if doc.has(w) and w not in doc.lower and w not in _DATE_WORDS]
        if len(words) >= 2:
            names.append(words)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if not set(a) & set(b) and not any(doc.near(x, y) for x in a for y in b) and not doc.together(a, b):
                return f"{' '.join(a)} / {' '.join(b)}"
    return None


def misrelated_sentence(sentence: str, doc: DocumentPlaces) -> str | None:
    """Why ``sentence`` relates terms the document keeps apart ("owner's noun" or a name) or a name to itself,
    or None."""
    own = self_relation(sentence) or misstated_inheritance(sentence, doc.classes) or names_apart(sentence, doc)
    if own is not None:
        return own
    for owner, phrase in _possessives(sentence):
        owned = [w for w in phrase if doc.has(w)]
        if doc.has(owner) and owned and not any(doc.near(owner, w) for w in owned):
            return f"{owner}'s {' '.join(phrase)}"
    names, words = _content(sentence, doc)
    known = {w for w in words if doc.has(w)}
    if not known:
        return None
    for name in sorted(names):
        if doc.has(name) and name not in doc.edges and not any(doc.near(name, w) for w in known):
            return name
    return None


def misrelated(summary: str, doc: DocumentPlaces | str) -> list[str]:
    """What each sentence of ``summary`` relates that the document keeps apart (empty when nothing)."""
    places = DocumentPlaces.of(doc) if isinstance(doc, str) else doc
    return [why for s in split_sentences(summary) if (why := misrelated_sentence(s, places)) is not None]
