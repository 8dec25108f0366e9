"""The rewards' lexical parts, which need no model: the concise reward, and the entity check, novelty and key
terms that faithful and complete combine with sentence embeddings (definitions in :mod:`steer_train.rewards`).

They are kept apart from the scorer because the engine's estimates (``src/engine/estimates.ts``) reproduce
them on the same shared rules (``rules/``); ``rules/word-cases.json`` pins the values both languages give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import dataclass

import numpy as np

from .text_quality import (
    NUMBER_WORDS,
    STOPWORDS,
    content_stems,
    normalize_number,
    sentence_start_indices,
    split_sentences,
    stem,
    token_count,
    tokens,
)

# concise
R0 = 0.25
K = 2.5
L0 = 300.0
# faithful
ENTITY_POWER = 2.0
NOVEL_WEIGHT = 0.7
FAITH_MIN_WEIGHT = 0.5
# complete
MAX_KEYWORDS = 20


def concise_score(summary_words: int, document_words: int) -> float:
    """The concise reward of a (non-degenerate) summary of ``summary_words`` tokens (:func:`token_count`)."""
    r = summary_words / max(document_words, 1)
    return float(1.0 / (1.0 + (r / R0) ** K) / (1.0 + (summary_words / L0) ** 2))


def entities(text: str, ordinary: Container[str] = frozenset()) -> list[tuple[str, str, float]]:
    """(kind, normalised form, weight) of the names, numbers, speaker tags and rare tokens of ``text``.

    Names are capitalised tokens whose lower-case form is not a stopword (and not "I"). A sentence-initial
    capitalised word is only taken for a name (with weight 0.5) when it is not an ``ordinary`` word (e.g. in the
    embedding model's vocabulary or written lower-case in the document): "Students ..." is not a name,
    "Radmila ..." is.
    """
    toks, starts = sentence_start_indices(text)
    out: list[tuple[str, str, float]] = []
    for i, t in enumerate(toks):
        if t[0].isdigit():
            out.append(("num", normalize_number(t), 1.0))
        elif t.startswith("#"):
            out.append(("tag", t.lower(), 1.0))
        elif any(ch.isdigit() for ch in t):  # GPT-2, COVID-19
            out.append(("name", t.lower().replace("’", "'"), 1.0))
        elif t[0].isupper() and t != "I":
            low = t.lower().replace("’", "'")
            base = low[:-2] if low.endswith("'s") else low
            if base in STOPWORDS or low in STOPWORDS or base in NUMBER_WORDS:
                continue
            if i in starts:
                if base in ordinary or stem(base) in ordinary:
                    continue
                out.append(("name", base, 0.5))
            else:
                out.append(("name", base, 1.0))
    return out


@dataclass
class DocumentFacts:
    """What the rewards derive from a document; the embedding fields are filled by the scorer."""

    sentences: list[str]
    n_tokens: int  # token_count of the document, as the concise reward measures length
    sent_emb: np.ndarray | None  # [n, d]
    unit_emb: np.ndarray | None  # sentences and windows of 2 and 3 sentences, [u, d]
    centrality: np.ndarray | None  # [n], sums to 1
    names: set[str]  # lower-case tokens and speaker tags (possessive stripped, hyphenated parts added)
    numbers: set[str]
    stems: set[str]
    keywords: dict[str, float]  # stem -> weight
    lower_words: set[str]  # words that occur lower-case (ordinary words)
    caps: set[str]  # lower-cased forms of the capitalised words


def document_facts(document: str) -> DocumentFacts:
    """A document's sentences, token count, names, numbers, stems and key terms (no embeddings yet)."""
    sentences = split_sentences(document) or ([document.strip()] if document.strip() else [])
    toks = tokens(document)
    names: set[str] = set()
    numbers: set[str] = set()
    stems: set[str] = set()
    lower_words: set[str] = set()
    caps: set[str] = set()
    for t in toks:
        low = t.lower().replace("’", "'")
        if t[0].isdigit():
            numbers.add(normalize_number(t))
            continue
        names.add(low)
        if low.endswith("'s"):
            names.add(low[:-2])
        for part in low.split("-"):
            names.add(part)
        st = stem(low)
        stems.add(st)
        if low in NUMBER_WORDS:
            numbers.add(NUMBER_WORDS[low])
        if t[0].islower():
            lower_words.add(low)
            lower_words.add(st)
        elif t[0].isupper():
            caps.add(low)
    # Key terms: the most frequent content stems; names and numbers count double.
    counts = Counter(content_stems(document))
    for kind, form, w in entities(document, lower_words | NUMBER_WORDS.keys()):
        if kind == "name" and w == 1.0:
            counts[stem(form)] += 1
    n_keys = int(min(MAX_KEYWORDS, max(5, len(sentences))))
    keywords = {k: float(c) for k, c in counts.most_common(n_keys)}
    return DocumentFacts(
        sentences, token_count(document), None, None, None, names, numbers, stems, keywords, lower_words, caps
    )


def entity_precision(doc: DocumentFacts, text: str, vocabulary: frozenset[str] = frozenset()) -> float:
    """Share of the names, numbers, speaker tags and rare tokens of ``text`` that the document has.

    Add-one smoothed, ``(found + 1) / (total + 1)``, so one unsupported name among many costs less than a
    sole one; a speaker tag counts only when the document lacks it (tags are everywhere in dialogues).
    ``vocabulary``: words known to be ordinary (the embedding model's), so a sentence-initial one is no name.
    """
    total = found = 0.0
    ordinary = KnownWords(vocabulary, doc.lower_words)
    for kind, form, w in entities(text, ordinary):
        if kind == "num":
            ok = form in doc.numbers
        elif kind == "tag":
            if form in doc.names:
                continue
            ok = False
        else:
            ok = form in doc.names
            if not ok and "-" in form:
                ok = all(p in doc.names for p in form.split("-") if p)
            if not ok and form.endswith("s"):
                ok = form[:-1] in doc.caps  # "the Smiths", "Americans"
        total += w
        found += w if ok else 0.0
    return (found + 1.0) / (total + 1.0)


def novelty(doc: DocumentFacts, text: str) -> float:
    """Fraction of the content-word stems of ``text`` that the document lacks (0 if it has none)."""
    stems = content_stems(text)
    if not stems:
        return 0.0
    return sum(s not in doc.stems for s in stems) / len(stems)


def lexical_faithfulness(doc: DocumentFacts, sentences: Sequence[str], vocabulary: frozenset[str]) -> np.ndarray:
    """Per summary sentence: entity check squared x (1 - NOVEL_WEIGHT x novelty); the reward multiplies in support."""
    ent = np.array([entity_precision(doc, s, vocabulary) for s in sentences]) ** ENTITY_POWER
    return ent * (1.0 - NOVEL_WEIGHT * np.array([novelty(doc, s) for s in sentences]))


def weakest_weighted(per_sentence: np.ndarray) -> float:
    """Half the weakest sentence's score, half the mean: one invented sentence spoils a summary."""
    return FAITH_MIN_WEIGHT * float(per_sentence.min()) + (1 - FAITH_MIN_WEIGHT) * float(per_sentence.mean())


def keyword_recall(doc: DocumentFacts, summary: str) -> float | None:
    """Weighted share of the document's key terms whose stem a token of ``summary`` has; None without key terms."""
    if not doc.keywords:
        return None
    summary_stems = {stem(t.lower()) for t in tokens(summary)}
    total = sum(doc.keywords.values())
    return sum(w for k, w in doc.keywords.items() if k in summary_stems) / total


class KnownWords:
    """Container of the words a summary may end with unpunctuated: the model vocabulary and the document's."""

    __slots__ = ("a", "b")

    def __init__(self, a: frozenset[str], b: set[str]) -> None:
        self.a, self.b = a, b

    def __contains__(self, word: object) -> bool:
        return word in self.a or word in self.b
