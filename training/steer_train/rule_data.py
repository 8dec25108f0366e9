"""The rule data in ``rules/`` that the training code shares with the TypeScript engine, read once.

Word lists, the word tokenizer and the stemmer's suffixes are data, not code, so that the rewards and the
engine's estimates (``src/engine/estimates.ts``) and grounded decoding in both languages apply the same rules;
both languages run the golden cases in ``rules/word-cases.json`` and ``rules/grounding-cases.json``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import regex

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"

_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th)$")


def rule_lines(name: str) -> list[str]:
    """The non-blank lines of ``rules/<name>`` that are not ``#`` comments, stripped."""
    lines = (line.strip() for line in (RULES_DIR / name).read_text(encoding="utf-8").split("\n"))
    return [line for line in lines if line and not line.startswith("#")]


@cache
def word_rules() -> dict:
    """``rules/words.json``: the token pattern, the stemmer's suffixes and the content-word rules."""
    return json.loads((RULES_DIR / "words.json").read_text(encoding="utf-8"))


def token_pattern() -> regex.Pattern[str]:
    """The word tokenizer; ``regex`` reads its Unicode property classes (``\\p{L}``) as JavaScript does."""
    return regex.compile(word_rules()["token"])


def stopwords() -> frozenset[str]:
    return frozenset(rule_lines("stopwords.txt"))


def time_words() -> frozenset[str]:
    """Words that say when ("tomorrow", "weekly"): grounding restricts them as it does numbers."""
    return frozenset(rule_lines("time-words.txt"))


def _number_word_rows() -> list[list[str]]:
    return [line.split() for line in rule_lines("number-words.txt")]


def number_words() -> dict[str, str]:
    """Every number word and its number as digits, an ordinal as its cardinal ("second" -> "2")."""
    return {row[0]: _ORDINAL_SUFFIX.sub("", row[1]) for row in _number_word_rows()}


def restricted_number_words() -> dict[str, str]:
    """The number words grounding restricts (not the "free" ones), ordinals as ordinals ("second" -> "2nd")."""
    return {row[0]: row[1] for row in _number_word_rows() if "free" not in row[2:]}
