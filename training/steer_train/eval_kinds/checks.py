"""What makes a summary unusable or untrustworthy, checked per summary: markup, the kind of an unsupported
term, and stray characters the document lacks."""

from __future__ import annotations

import re
import unicodedata

from ..grounding import NUMBER_WORDS
from ..grounding.continuation import STRAY_SIGN, with_own_ampersands
from ..grounding.terms import AMPERSAND_WORD

MARKUP_PATTERNS: dict[str, re.Pattern[str]] = {
    "code fence": re.compile(r"```|~~~"),
    "heading": re.compile(r"^\s{0,3}#{1,6}\s|^\s*(=|-){3,}\s*$", re.MULTILINE),
    "list marker": re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+\S", re.MULTILINE),
    "table bar": re.compile(r"^\s*\|.*\||\S\s*\|\s*\S.*\|", re.MULTILINE),
    "html tag": re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"),
    "link": re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)|\[[^\]\n]+\]\[[^\]\n]*\]"),
    "inline code": re.compile(r"`[^`\n]+`"),
}
"""What counts as markup in a summary, by name: a code fence, a heading line (ATX or a setext underline), a line
opening with a list marker, a table row (a line opening with a bar, or two bars around text), an HTML tag,
Markdown link or image syntax, and inline code in backticks."""


def markup(summary: str) -> list[str]:
    """The kinds of markup in ``summary`` (names of :data:`MARKUP_PATTERNS`), empty for plain prose."""
    return [name for name, pattern in MARKUP_PATTERNS.items() if pattern.search(summary)]


UNSUPPORTED_CLASSES = ("name", "number", "identifier", "invented word")
_NUMBER_WORDS = frozenset(NUMBER_WORDS)


def unsupported_class(term: str) -> str:
    """What kind of unsupported term ``term`` is: a number (digits or a number word), a name (upper case), an
    identifier (``_ / : @ +`` or a dotted word), else an invented word (a lower-case word in neither the
    vocabulary nor the document: the rule of rules/vocabulary.txt)."""
    low = term.lower().replace("’", "'")
    if re.search(r"\d", term) or any(p in _NUMBER_WORDS for p in re.split(r"[-']", low)):
        return "number"
    if any(ch.isupper() for ch in term):
        return "name"
    if re.search(r"[_/:@+]|[^\W\d_]{2}\.|\.[^\W\d_]{2}", term):
        return "identifier"
    return "invented word"


_STRAY_CATEGORIES = ("So", "Co", "Cn", "Cs")


def stray_characters(summary: str, document: str) -> list[str]:
    """Characters that make a summary garbled: U+FFFD (bytes that were no UTF-8, as when a character's byte
    tokens are cut apart), control characters, and symbols (emoji), private-use or unassigned characters
    that the document does not contain; and a percent sign after no number or an ampersand glued to what
    follows ("on December %19", "December &19"; grounding.continuation.STRAY_SIGN), unless the document writes
    that word ("S&P")."""
    out = []
    for ch in dict.fromkeys(summary):
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or (cat == "Cc" and ch not in "\n\r\t") or (cat in _STRAY_CATEGORIES and ch not in document):
            out.append(ch)
    prose = with_own_ampersands(summary, [m.group(0) for m in AMPERSAND_WORD.finditer(document)])
    return out + list(dict.fromkeys(m.group(0) for m in STRAY_SIGN.finditer(prose)))
