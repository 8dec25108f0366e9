"""Corrupted reference summaries for the reward validation (:mod:`steer_train.validate_rewards`): a swapped
name, a changed number, an inserted sentence from another document, and strings that must count as degenerate.
A faithful reward must score each corruption below the reference it was made from.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from .text_quality import STOPWORDS, normalize_number, split_sentences

_CAP_RE = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*\b")


def supported_names(summary: str, document: str) -> list[str]:
    """Capitalised words of ``summary`` that name something in ``document``: written capitalised there and never
    lower-case, and not stopwords."""
    out = []
    for w in dict.fromkeys(_CAP_RE.findall(summary)):
        if w.lower() in STOPWORDS or len(w) < 2:
            continue
        if re.search(rf"\b{re.escape(w)}\b", document) and not re.search(rf"\b{re.escape(w.lower())}\b", document):
            out.append(w)
    return out


def swap_name(pair: dict, pool: Sequence[str], rng: random.Random) -> str | None:
    names = supported_names(pair["summary"], pair["document"])
    if not names:
        return None
    old = rng.choice(names)
    doc_low = pair["document"].lower()
    candidates = [n for n in pool if n != old and not re.search(rf"\b{re.escape(n.lower())}\b", doc_low)]
    if not candidates:
        return None
    new = rng.choice(candidates)
    return re.sub(rf"\b{re.escape(old)}\b", new, pair["summary"])


def swap_number(pair: dict, rng: random.Random) -> str | None:
    doc_numbers = {normalize_number(m) for m in re.findall(r"\d+(?:[.,]\d+)*", pair["document"])}
    matches = [
        m for m in re.finditer(r"\d+(?:[.,]\d+)*", pair["summary"]) if normalize_number(m.group()) in doc_numbers
    ]
    if not matches:
        return None
    m = rng.choice(matches)
    old = m.group()
    for _ in range(50):
        if "." in old:
            head, tail = old.rsplit(".", 1)
            digits = list(tail)
            digits[-1] = str((int(digits[-1]) + rng.randint(1, 9)) % 10)
            new = head + "." + "".join(digits)
        else:
            value = int(old.replace(",", ""))
            new = str(
                value + rng.choice([1, 2, 3, 4, 5, 7, 10, 20]) if value < 1000 else value + rng.randint(1, 9) * 10
            )
        if normalize_number(new) not in doc_numbers:
            return pair["summary"][: m.start()] + new + pair["summary"][m.end() :]
    return None


def insert_sentence(pair: dict, others: Sequence[dict], rng: random.Random) -> str | None:
    foreign = [
        s
        for o in others
        if o["document"] != pair["document"]
        for s in split_sentences(o["summary"])
        if len(s.split()) >= 4
    ]
    if not foreign:
        return None
    sent = rng.choice(foreign)
    sents = split_sentences(pair["summary"])
    pos = rng.randint(0, len(sents))
    return " ".join(sents[:pos] + [sent] + sents[pos:])


DEGENERATE_STRINGS = {
    "empty": "",
    "whitespace": "   \n ",
    "two_words": "Good meeting.",
    "repeated_word": "the the the the the the the the",
    "repeated_sentence": "The meeting was held. The meeting was held. The meeting was held.",
    "repeated_phrase": "and then they said and then they said and then they said and then",
    "punctuation": "... !!! ??? --- ***",
    "emoji": "🙂🙂🙂 👍👍 🎉🎉🎉",
    "dangling_article": "The company said it would report its results to the",
    "dangling_comma": "The two friends agreed to meet on Friday,",
}
