"""Whether a piece of text may follow a summary so far: prose only (no markup, headings, lists or code), no
unsupported term, no word twice in a row (unless the document writes it so), no speaker's "I" or "you" in a
conversation's summary. The twin of ``src/engine/grounding/continuation.ts``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .terms import (
    AMPERSAND_WORD,
    DANGLING_HYPHEN,
    JOINERS,
    TERM,
    DocumentTerms,
    ends_with_tag,
    names_side_by_side,
    prefix_form,
    terms_of,
    writes_participant_word,
)

_MARKUP_CHARS = re.compile(r"[`|<>*\[\]{}=^~\\\n\r\t]")


def _has_symbol(piece: str) -> bool:
    """Symbols such as emoji (Unicode category So), as the engine's \\p{So}."""
    return any(unicodedata.category(ch) == "So" for ch in piece)


_TAG = re.compile(r"#\w*#?")
# A speaker tag opened and not yet closed at the end of a text ("... asks #Person2").
_OPEN_TAG = re.compile(r"(?:^|[^\w#])#\w+$")
# A possessive split from its word ("steer_train.’ s").
_SPLIT_POSSESSIVE = re.compile(r"['’]\s+s\b")
_HEADING = re.compile(r"(^|[.!?]\s+)#+\s|##")
# An HTML entity (&amp;), a command-line flag (-m, --config) or a call's bracket glued to a word (from(x)).
# searched from a position (not in a slice: a slice's first character would pass for the start of the text,
# so "hf-xet is used" read as the flag "-xet")
_CODE_SYNTAX = re.compile(r"&[a-zA-Z]+;|(?<!\S)--?[a-zA-Z]|\w\(|\)\w")
# Quote marks: they do not count in punctuation runs, but two in a row are a run of their own.
_QUOTES = re.compile(r"[\"'’”“‘]")
_QUOTE_RUN = re.compile(r"[\"'’”“‘]{2}")
# Three punctuation marks in a row, spaces and quotes aside ('," Mr' and '". "' are prose).
_PUNCTUATION_RUN = re.compile(r"[^\w\s](\s*[^\w\s]){2}")
# An ampersand glued to a word (".&head"); "Tom & Jerry" is prose.
_GLUED_AMPERSAND = re.compile(r"[^\s]&")
# A comma, colon, semicolon, ! or ? after a space ("This is a reminder ! ?"): English writes them attached;
# a possessive or a lone apostrophe after a space ("January ’s license", "January ’ 1.0"); and two spaces in a
# row, which lay out a transcript's columns, not a sentence ("Kristina on tv  Jannette").
_SPACED_MARK = re.compile(r"\s[,;:!?]|\s['’](?:s(?![^\W\d_])|\s)| {2}")
# The two punctuation marks that may touch, quotes aside; any other pair (".+", "./", ",,", ")(") may not.
_TOUCHING_PAIRS = {".)", "!)", "?)", "%)", "%.", "%,", "%;", "%:", ").", "),", ");", "):", ")!", ")?", "($", "(£", "(€"}


def _is_punctuation(ch: str) -> bool:
    return not (ch.isalnum() or ch == "_" or ch.isspace())


def _bad_punctuation(recent: str) -> bool:
    if _QUOTE_RUN.search(recent) or _GLUED_AMPERSAND.search(recent) or _SPACED_MARK.search(recent):
        return True
    bare = _QUOTES.sub("", recent)
    if _PUNCTUATION_RUN.search(bare):
        return True
    return any(
        _is_punctuation(a) and _is_punctuation(b) and a + b not in _TOUCHING_PAIRS for a, b in zip(bare, bare[1:])
    )


# A percent sign that follows no number ("on December %19", "%u+") or is glued to what comes after it, and an
# ampersand glued to what follows it ("December &19"): what a summary writes when grounding keeps it from the
# number it wanted. "15%", "15 %" and "Tom & Jerry" are prose.
STRAY_SIGN = re.compile(r"(?<!\d)(?<!\d )%|%\w|&\S")


def with_own_ampersands(text: str, words: Sequence[str]) -> str:
    """``text`` with the ampersand of each of a document's own ampersand ``words`` ("S&P", "R&D") replaced by a
    letter, so that the rules on ampersands leave them be; one still being written at the end of ``text``
    ("S&") counts when one of the words begins with it."""
    if "&" not in text:
        return text

    def mask(m: re.Match[str]) -> str:
        word = m.group(0)
        ok = any(w.startswith(word) for w in words) if m.end() == len(text) else word in words
        return word.replace("&", "n", 1) if ok else word

    return AMPERSAND_WORD.sub(mask, text)


def _stray_sign(text: str, start: int) -> bool:
    """Whether ``text`` has a stray sign that ends after offset ``start`` (the piece's start)."""
    begin = max(0, start - 8)
    return any(begin + m.end() > start for m in STRAY_SIGN.finditer(text[begin:]))


def _dangling_hyphen(text: str, start: int, doc: DocumentTerms) -> bool:
    """Whether ``text`` gets a hyphen glued to a word and followed by a space after offset ``start`` (the piece's
    start) that the document does not write so: "Cramer- Wold" for its "Cramer-Wold"; "Hey- Give" stays where
    the document writes "Hey- " (src/engine/grounding/continuation.ts)."""
    # the last 40 characters hold the word before the hyphen (a longer one is cut, and refused)
    begin = max(0, start - 40)
    return any(
        begin + m.end() > start and m.group(1).lower() not in doc.dangling_hyphens
        for m in DANGLING_HYPHEN.finditer(text[begin:])
    )


# Words a full stop follows without ending the sentence (as text_quality._ABBREVIATIONS).
_ABBREVIATIONS = set(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e fig figs eq eqs no nos al inc ltd co corp gen gov sen rep".split()
)
MIN_SENTENCE_TERMS = 3
_WORD_BEFORE = re.compile(r"[\w.]+$")


def _is_sentence_end(text: str, i: int) -> bool:
    """Whether the . ! ? at ``i`` ends a sentence: not after an abbreviation, an initial or a dotted word."""
    if text[i] not in ".!?":
        return False
    if i + 1 < len(text) and not text[i + 1].isspace():
        return False
    if text[i] != ".":
        return True
    word = _word_before(text, i)
    return not (word in _ABBREVIATIONS or len(word) == 1 or "." in word)


def _word_before(text: str, i: int) -> str:
    """The word (letters, digits, dots) that ends just before ``i``, in lower case: "u.s" in "the U.S."."""
    m = _WORD_BEFORE.search(text[:i])
    return m.group().lower() if m else ""


def _ends_short_sentence(text: str, start_at: int, end: bool) -> bool:
    """Whether a sentence that ends at ``start_at`` - 1 or later (or at the end, when ``end``) has 1 or 2 words."""
    ends = [i + 1 for i in range(max(0, start_at - 1), len(text) - 1) if _is_sentence_end(text, i)]
    if end and text.strip():
        ends.append(len(text))
    for e in ends:
        start = e - 2
        while start >= 0 and not (_is_sentence_end(text, start) and start + 1 < len(text)):
            start -= 1
        n = len(TERM.findall(text[start + 1 : e]))
        if 0 < n < MIN_SENTENCE_TERMS:
            return True
    return False


# Typography a summary may use even when the document does not.
_TYPOGRAPHY = set("’‘“”–—…")
# The end of a sentence, perhaps inside quotes or brackets.
SENTENCE_END = re.compile(r"[.!?][\"'’”)]*\s*$")
# Abbreviations whose full stop never ends a summary: titles stand before a name, "e.g." before an example ("...
# with international creditors. Mr." was shown as finished), a month's before its day ("... on Sunday, Sept." was
# shown when the day was refused). Not "U.S." or "etc.", which may end a sentence.
_NEVER_LAST = set("mr mrs ms dr prof gov sen vs e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec".split())


def ends_at_sentence_end(text: str) -> bool:
    """Whether ``text`` ends at the end of a sentence: . ! ? (perhaps in quotes or brackets), not a title's stop."""
    m = SENTENCE_END.search(text)
    return m is not None and not (text[m.start()] == "." and _word_before(text, m.start()) in _NEVER_LAST)


_LIST_OPENING = re.compile(r"^\s*([-+•=~>]|\d+[.)](\s|$))")


# the text so far, where the term still being written starts, the prefix forms of the last two finished terms,
# and the last finished term (term, start, end, opens a sentence)
StepContext = tuple[str, int, list[str], tuple[str, int, int, bool] | None]


def _only_joiners(s: str) -> bool:
    return all(ch in JOINERS for ch in s)


def _as_written(text: str, t: tuple[str, int, int, bool], end: bool) -> tuple[tuple[str, int, int, bool], bool]:
    """A term of ``text`` as the rules judge it, and whether it is finished: anything but joiners follows it (or
    the summary ends there); a term still being written carries the joiners after it ("20," may not go on as
    "2004" may)."""
    finished = end or not _only_joiners(text[t[2] :])
    return (t if finished else (text[t[1] :], *t[1:])), finished


class Continuation:
    """Whether a piece of text may follow the summary so far: ``None``, or "unsupported", "markup", "repeat",
    "fragment" (a sentence of one or two words, or a summary that ends anywhere but at a sentence's end)."""

    def __init__(self, doc: DocumentTerms) -> None:
        self.doc = doc

    def prepare(self, text: str) -> StepContext:
        """The text, where the term still being written starts, the prefix forms of the last two finished
        terms (the repeat rule) and the last finished term (the rule on names side by side)."""
        terms = terms_of(text)
        pending = bool(terms) and _only_joiners(text[terms[-1][2] :])
        finished = terms[:-1] if pending else terms
        tail_start = terms[-1][1] if pending else len(text)
        return text, tail_start, [prefix_form(t[0]) for t in finished[-2:]], finished[-1] if finished else None

    def _says_twice(self, text: str, previous: tuple, t: tuple, form: str) -> bool:
        """Whether term ``t`` (prefix form ``form``) writes the term before it again with only spaces between,
        as the document never does ("resumed on campus campus"); one still being written counts once it reads
        as the whole earlier word ("camp" after "campus" may go on)."""
        if not form or form != prefix_form(previous[0]):
            return False
        return re.fullmatch(r"\s+", text[previous[2] : t[1]]) is not None and not self.doc.writes_twice(previous[0])

    def _unbound_word(self, text: str, t: tuple[str, int, int, bool], finished: bool) -> tuple | None:
        """The word a number ``t`` of ``text`` is bound to against the document (number_binding.py), or None."""
        if not re.match(r"\d", t[0]):
            return None
        terms = terms_of(text[: t[1]])
        return self.doc.numbers.refusal(text, [*terms, t], len(terms), finished)

    def unbound_word_start(self, ctx: StepContext, piece: str) -> int:
        """Where the word starts that a number written by ``piece`` would be bound to against the document
        ("cost" in "will cost 15" when the document has "will cost 38"), or -1."""
        combined = ctx[0] + piece
        for t in terms_of(combined, ctx[1]):
            written, finished = _as_written(combined, t, False)
            word = self._unbound_word(combined, written, finished)
            if word is not None:
                return int(word[1])
        return -1

    def check(self, ctx: StepContext, piece: str, end: bool = False) -> str | None:
        text, tail_start, prior, previous = ctx
        if _MARKUP_CHARS.search(piece) or _has_symbol(piece):
            return "markup"
        if any(ch > "\x7f" and ch not in _TYPOGRAPHY and ch not in self.doc.non_ascii for ch in piece):
            return "markup"
        # a currency the document never names: "k$270" for "k#270", "$22,000" for "22,000 dt" of gas
        if "$" in piece and not self.doc.writes_dollar:
            return "markup"
        combined = text + piece
        if _CODE_SYNTAX.search(combined, max(0, len(text) - 12)):
            return "markup"
        # the punctuation rules read at most 8 characters before the piece
        tail = max(0, len(text) - 16)
        prose = with_own_ampersands(combined[tail:], self.doc.ampersand_words)
        if (
            _bad_punctuation(prose[max(0, len(text) - 6) - tail :])
            or _SPLIT_POSSESSIVE.search(combined[-8:])
            or _stray_sign(prose, len(text) - tail)
            or _dangling_hyphen(combined, len(text), self.doc)
        ):
            return "markup"
        if _ends_short_sentence(combined, len(text), end):
            return "fragment"
        if self.doc.conversation_tags and writes_participant_word(
            combined, len(text), self.doc.conversation_tags, self.doc.starts_longer_name
        ):
            return "voice"
        # a speaker's tag and a colon is the transcript's markup ("Kristina: Girls!"), not a summary's prose
        colon = piece.find(":")
        if colon >= 0 and ends_with_tag(text + piece[:colon], self.doc.turn_tags):
            return "markup"
        # '#' only in the document's own speaker tags (#Person1#).
        ends_in_tag = re.search(r"#\w*$", text) is not None
        if (ends_in_tag or "#" in piece) and not all(
            self.doc.has_speaker_tag(m.group()) for m in _TAG.finditer(combined) if m.end() > len(text)
        ):
            return "markup"
        # an open tag goes on to its closing '#': "#Person2+'" and "#Person1’s" are broken tags
        if ends_in_tag and _OPEN_TAG.search(text) and not re.match(r"[\w#]", piece):
            return "markup"
        if "#" in text[-2:] + piece and _HEADING.search(combined):
            return "markup"
        if len(text.strip()) < 8 and _LIST_OPENING.search(combined):
            return "markup"
        seq = list(prior)
        for t in terms_of(combined, tail_start):
            term, _, _, initial = t
            written, finished = _as_written(combined, t, end)
            ok = self.doc.allows(term, initial) if finished else self.doc.allows_prefix(written[0], initial)
            if not ok or self._unbound_word(combined, written, finished) is not None:
                return "unsupported"
            if (
                previous
                and names_side_by_side(combined, previous, t, self.doc)
                and not self.doc.allows_next_name(previous[0], term, finished)
            ):
                return "unsupported"
            form = prefix_form(term)
            if previous and self._says_twice(combined, previous, t, form):
                return "repeat"
            previous = t
            if len(seq) >= 2 and seq[-1] == seq[-2] and form:
                if (form == seq[-1]) if finished else seq[-1].startswith(form):
                    return "repeat"
            seq.append(form)
        if end and combined.strip() and not ends_at_sentence_end(combined):
            return "fragment"  # the summary ends anywhere but at the end of a sentence
        return None
