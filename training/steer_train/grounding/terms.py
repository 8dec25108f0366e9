"""What a summary may state: the document's restricted terms (names, numbers, identifiers), the twin of
``src/engine/grounding/terms.ts``. A capitalised word opening a sentence is free when it is an ordinary English
word (``rules/lexicon.txt``); a lower-case word must be an English word (``rules/vocabulary.txt``) or occur in
the document. Terms are compared in lower case, except that a term with a capital after its first letter
("PeCK", "iPhone", "NASA") must occur in the document written so, and a term the document writes only in mixed
case ("steer.modelPath", "iPhone") may not be written without its inner capitals ("Steer.modelpath", "Iphone").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from functools import lru_cache

from ..rule_data import RULES_DIR, restricted_number_words, time_words
from ..text_quality import WORD_RUN, is_personal_word
from ..text_quality import normalize_number as plain_number
from .number_binding import NumberBindings

LEXICON_FILE = RULES_DIR / "lexicon.txt"
VOCABULARY_FILE = RULES_DIR / "vocabulary.txt"

# Runs of letters, digits and underscores joined by . , ' ’ - / : @ + (as in 1,000  U.S.  a/b  x@y).
TERM = re.compile(r"\w+(?:[.,'’\-/:@+]+\w+)*")
JOINERS = ".,'’-/:@+"

# Number words a summary may not invent ("one" and "first" are too common to restrict), ordinals as "2nd":
# rules/number-words.txt, shared with the rewards and the engine.
NUMBER_WORDS = restricted_number_words()
DIGIT_TO_WORDS: dict[str, list[str]] = {}
for _w, _d in NUMBER_WORDS.items():
    DIGIT_TO_WORDS.setdefault(_d, []).append(_w)

_NUMERIC = re.compile(r"^\d+(?:[.,]\d+)*$")
_DIGIT = re.compile(r"\d")
_SPLIT = re.compile(r"[.,'’\-/:@+]+")
_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")


def term_pieces(term: str) -> list[str]:
    """The parts of a term between its joiners, a number's decimal point or thousands comma excepted: "1.13bn"
    and "12,575" are one number each, and "1" or "575" alone would be another ("$1.0000" passed as the "1" of
    "$1.13bn")."""
    kept = _DECIMAL.sub(lambda m: "\x01" if m.group() == "." else "\x02", term)
    return [p.replace("\x01", ".").replace("\x02", ",") for p in _SPLIT.split(kept) if p]


_ABBREVIATION_FORM = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")
_SPACE_ONLY = re.compile(r"^\s+$")
_DATE_GAP = re.compile(r"\s+['’]?\Z")
# A word with an ampersand inside ("S&P", "AT&T"), or still being written ("S&").
AMPERSAND_WORD = re.compile(r"[^\W_]+&[^\W_]*")


# Parts of web addresses: a summary writes them only where the document has an address.
_URL_WORDS = {"http", "https", "www", "ftp"}
# The reader addressed and the writer speaking: only where the document speaks so, form by form (terms.ts).
_PERSON_WORDS = frozenset(
    "you your yours yourself yourselves you're you've you'll you'd".split()
    + "we our ours ourselves us we're we've we'll we'd".split()
)


# Words that say when: only where the document has them (rules/time-words.txt).
_TIME_WORDS = time_words()


def _has_upper(s: str) -> bool:
    return any(ch.isupper() for ch in s)


def _base_form(term: str) -> str:
    t = term.lower().replace("’", "'")
    if t.endswith("'s"):
        t = t[:-2]
    return t.rstrip("'")


_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def normalize_number(t: str) -> str:
    """'1,000' -> '1000', '3.50' -> '3.5', '007' -> '7'; commas only as thousands separators ('20,04' stays)."""
    if "," in t and not _THOUSANDS.match(t):
        return t
    return plain_number(t)


def normalize_term(term: str) -> str:
    t = _base_form(term)
    return normalize_number(t) if _NUMERIC.match(t) else t


def prefix_form(partial: str) -> str:
    return _base_form(partial.rstrip(JOINERS))


def _written_form(term: str) -> str:
    """A term as written, ’ as ', without a possessive 's or trailing apostrophe (case kept)."""
    t = term.replace("’", "'")
    if t.lower().endswith("'s"):
        t = t[:-2]
    return t.rstrip("'")


def _cased_term(written: str) -> bool:
    """Whether a term has a capital after its first letter ("PeCK", "iPhone", "U.S"): its case is part of it."""
    return _has_upper(written[1:])


def _mixed_case(written: str) -> bool:
    """Whether a term has both a capital after its first letter and a small letter ("modelPath", "McDonald")."""
    return _cased_term(written) and any(ch.islower() for ch in written)


def _before_inner_capital(written: str) -> str:
    """The lower-case beginning of a mixed-case term before its first inner capital ("modelPath" -> "model")."""
    for i, ch in enumerate(written[1:], start=1):
        if ch.isupper():
            return written[:i].lower()
    return written.lower()


def _has_prefix(sorted_words: list[str], prefix: str) -> bool:
    i = bisect.bisect_left(sorted_words, prefix)
    return i < len(sorted_words) and sorted_words[i].startswith(prefix)


class Lexicon:
    """Ordinary English words (``rules/lexicon.txt``): what may open a sentence capitalised without support."""

    def __init__(self, words) -> None:
        self.sorted = sorted(set(words))
        self._set = set(self.sorted)

    def has(self, word: str) -> bool:
        return word in self._set

    def has_prefix(self, prefix: str) -> bool:
        return _has_prefix(self.sorted, prefix)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """Ordinary words, which may open a sentence capitalised."""
    return Lexicon(w for w in LEXICON_FILE.read_text().split("\n") if w)


@lru_cache(maxsize=1)
def default_vocabulary() -> Lexicon:
    """The lower-case words a summary may use without the document (no invented words)."""
    return Lexicon(w for w in VOCABULARY_FILE.read_text().split("\n") if w)


_OPENERS = set(" \t\r\n\"“‘'(")


def opens_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and (text[i].isspace() or text[i] in _OPENERS):
        if text[i] == "\n":
            return True
        i -= 1
    return i < 0 or text[i] in ".!?:;"


def is_restricted(term: str, initial: bool, lexicon: Lexicon) -> bool:
    """Whether ``term`` must be found in the document (see the module docstring of terms.ts)."""
    if _DIGIT.search(term):
        return True
    base = _base_form(term)
    if base in _PERSON_WORDS or base in _TIME_WORDS:
        return True
    if _has_upper(term):
        if term == "I" or re.match(r"^I['’]", term):
            return False
        capitalised_word = not _has_upper(term[1:]) and not re.search(r"[_./:@+]", term)
        if not (initial and capitalised_word):
            return True
        return not all(lexicon.has(p) and p not in NUMBER_WORDS for p in base.split("-"))
    if re.search(r"[_/:@+]", term) or base in _URL_WORDS:
        return True
    if re.search(r"[^\W\d_]{2}\.|\.[^\W\d_]{2}", term):
        return True
    return any(p in NUMBER_WORDS for p in base.split("-"))


# A speaker turn's tag at the start of a line ("Grad C: ...", "#Person1#: ..."); src/engine/grounding/turns.ts
_TURN = re.compile(r"^[ \t]*([A-Z#][\w .#'-]{0,30}?)[ \t]*:[ \t]", re.M)


def speaker_turn_tags(document: str) -> set[str]:
    """The tags that open at least two lines of the document: a conversation's speakers, as written."""
    counts: dict[str, int] = {}
    for m in _TURN.finditer(document):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return {tag for tag, n in counts.items() if n >= 2}


# Share of a document's lines (blank ones aside) that its speakers' turns must open before it counts as a
# conversation: transcripts and chats are turns throughout; a README's "Type:" and "Default:" open at most 0.27.
CONVERSATION_SHARE = 0.5


def conversation_tags(document: str, tags: set[str] | None = None) -> set[str]:
    """The speaker tags of a conversation: two speakers or more whose turns open at least half its lines; an empty
    set for any other document. ``tags``: its :func:`speaker_turn_tags`, where the caller has them. The twin of
    ``conversationTags`` in src/engine/grounding/turns.ts."""
    tags = speaker_turn_tags(document) if tags is None else tags
    if len(tags) < 2:
        return set()
    turns = sum(1 for m in _TURN.finditer(document) if m.group(1) in tags)
    lines = sum(1 for line in document.split("\n") if line.strip())
    return tags if turns >= CONVERSATION_SHARE * lines else set()


def ends_with_tag(text: str, tags: set[str]) -> bool:
    """Whether `text` ends with one of `tags` as a whole word or more (a colon would make it a turn)."""
    t = text.rstrip()
    return any(t.endswith(tag) and not re.search(r"[^\W_]$|#$", t[: len(t) - len(tag)]) for tag in tags)


def _inside_quotes(text: str, at: int) -> bool:
    """Whether the character at ``at`` of ``text`` is inside quotation marks ("..." or “...”)."""
    before = text[:at]
    return before.count('"') % 2 == 1 or before.rfind("“") > before.rfind("”")


def writes_participant_word(
    text: str, start_of_piece: int, tags: set[str], starts_longer_name: Callable[[str], bool]
) -> bool:
    """For grounded decoding: whether ``text``, whose last piece starts at ``start_of_piece``, writes a first- or
    second-person word of a conversation's summary outside quotation marks. The word is refused as soon as its
    letters are written ("my" before " dreads"), unless it is still being written and the document has a longer
    name that begins with it (``starts_longer_name``: "Ivan" after "I"); a speaker's own tag ("PhD I") is no
    pronoun. The twin of ``writesParticipantWord`` in src/engine/grounding/turns.ts."""
    # a pronoun is at most 10 characters ("yourselves"); the run that reaches back further is no pronoun
    start = max(0, start_of_piece - 12)
    for m in WORD_RUN.finditer(text, start):
        at, end = m.start(), m.end()
        # a run cut by the window, or one ended before the piece by a character the piece did not write
        if (at == start and start > 0 and WORD_RUN.match(text[start - 1])) or end < start_of_piece:
            continue
        if not is_personal_word(m.group()):
            continue
        if end == len(text) and starts_longer_name(m.group()):
            continue
        if _inside_quotes(text, at) or ends_with_tag(text[:end], tags):
            continue
        return True
    return False


# A hyphen glued to the word before it and followed by a space ("Hey- Give"); group 1: the word.
DANGLING_HYPHEN = re.compile(r"(?<!\w)(\w+)-\s")


def _compound_first(term: str) -> str | None:
    """The first part of a hyphenated compound, lower case ("royalty" of "Royalty-free"); None for other terms."""
    dash = term.find("-")
    if dash <= 0 or dash == len(term) - 1:
        return None
    return _base_form(term[:dash])


class DocumentTerms:
    """The restricted terms of one document, for membership and prefix queries."""

    def __init__(self, document: str, lexicon: Lexicon | None = None, vocabulary: Lexicon | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        self.vocabulary = vocabulary or default_vocabulary()
        # the document's speaker tags such as #person1# (dialogue transcripts), lower case
        self.speaker_tags = sorted({m.lower() for m in re.findall(r"#\w+#", document)})
        # the tags of its speaker turns as written ("Grad C", "#Person1#"): never followed by a colon
        self.turn_tags = speaker_turn_tags(document)
        self.conversation_tags = conversation_tags(document, self.turn_tags)
        # The document's characters outside ASCII: a summary writes no other.
        self.non_ascii = {ch for ch in document if ch > "\x7f"}
        # a summary writes a dollar sign only where the document does (continuation.ts)
        self.writes_dollar = "$" in document
        # words the document writes with a hyphen and a space after them ("Hey- "), lower case: continuation.py
        self.dangling_hyphens = {m.group(1).lower() for m in DANGLING_HYPHEN.finditer(document)}
        # words with an ampersand inside ("S&P", "R&D"), as written: continuation.py
        self.ampersand_words = sorted({m.group(0) for m in AMPERSAND_WORD.finditer(document)})
        # the numbers the document binds to each word ("cost 38"): number_binding.py
        self.numbers = NumberBindings(document, terms_of(document))
        self._terms: set[str] = set()
        # the first parts of the document's hyphenated compounds ("royalty" of "royalty-free"), lower case
        self._compound_firsts: set[str] = set()
        forms: list[str] = []
        written: set[str] = set()
        # for each term, the terms that follow it after a space in the document (base forms)
        next_terms: dict[str, set[str]] = {}
        previous: tuple[str, int, str] | None = None
        for m in TERM.finditer(document):
            term = m.group()
            # side by side: spaces, or before a year an apostrophe ("Dec '03"), as a date may be written
            if previous and _DATE_GAP.match(document[previous[1] : m.start()]):
                next_terms.setdefault(previous[0], set()).add(_base_form(term))
                # "19 December" may be written "December 19": the same date
                if _is_day_of_month(previous[2]) and _is_date(term, previous[2]):
                    next_terms.setdefault(_base_form(term), set()).add(previous[0])
            previous = (_base_form(term), m.end(), term)
            first = _compound_first(term)
            if first is not None:
                self._compound_firsts.add(first)
            for piece in [term, *term_pieces(term)]:
                written.add(_written_form(piece))
                norm = normalize_term(piece)
                self._add(norm)
                forms += [norm, prefix_form(piece), _base_form(piece)]
                for w in DIGIT_TO_WORDS.get(norm, []):
                    self._add(w)
                if norm in NUMBER_WORDS:
                    self._add(NUMBER_WORDS[norm])
        self._prefixes = sorted({f for f in forms if f})
        # the document's terms and their parts as written, for terms whose case matters
        self._written_set = {w for w in written if w}
        self._written = sorted(self._written_set)
        # terms (lower case) the document writes only in mixed case, and the prefixes a term without inner
        # capitals may still grow into: the plain terms, and mixed-case ones up to their first inner capital
        plain = {w.lower() for w in self._written_set if not _mixed_case(w)}
        mixed = [w for w in self._written_set if _mixed_case(w)]
        self._mixed_only = {w.lower() for w in mixed} - plain
        self._plain_prefixes = sorted(plain | {_before_inner_capital(w) for w in mixed})
        self._next_terms = {k: sorted(v) for k, v in next_terms.items()}

    def starts_longer_name(self, start: str) -> bool:
        """Whether the document writes a name longer than ``start`` that begins with it ("Ivan" for "I"): grounded
        decoding lets a summary's "I" go on to it (:func:`writes_participant_word`)."""
        for w in self._written[bisect.bisect_left(self._written, start) :]:
            if not w.startswith(start):
                return False
            # a name even where a sentence opens ("It" is none), and "I'm" is no name that "I" may go on to
            if len(w) > len(start) and self.is_name(w, True) and not is_personal_word(w):
                return True
        return False

    def is_name(self, term: str, initial: bool) -> bool:
        """Whether ``term`` is part of a name: capitalised, and not an ordinary word opening a sentence."""
        return term[:1].isupper() and is_restricted(term, initial, self.lexicon)

    def allows_next_name(self, first: str, nxt: str, finished: bool) -> bool:
        """Whether the name ``nxt`` may follow the name ``first`` after a space: only as the document has them
        side by side ("Kristin Peck", not "Kristin People"), so names are not put together from others' parts."""
        after = self._next_terms.get(_base_form(first), [])
        if finished:
            return _base_form(nxt) in after
        p = prefix_form(nxt)
        return not p or _has_prefix(after, p)

    def writes_twice(self, term: str) -> bool:
        """Whether the document writes ``term`` twice in a row with only spaces between ("bye bye")."""
        form = _base_form(term)
        return form in self._next_terms.get(form, [])

    def _cased_as_written(self, term: str, prefix: bool) -> bool:
        """Whether ``term``'s capitals are the document's: a term with one after its first letter must be, or
        with ``prefix`` begin, one of the document's terms as written; one without may not be (or begin) a term
        the document writes only in mixed case ("Steer.modelpath" for "steer.modelPath")."""
        t = _written_form(term)
        if prefix:
            t = t.rstrip(JOINERS)
        if _cased_term(t):
            return _has_prefix(self._written, t) if prefix else t in self._written_set
        lower = t.lower()
        if not prefix:
            return lower not in self._mixed_only
        # still being written: fine while it can become a plain term or an ordinary word, or a mixed-case one
        # before its inner capital
        return (
            not lower
            or _has_prefix(self._plain_prefixes, lower)
            or not _has_prefix(self._prefixes, lower)
            or self.vocabulary.has_prefix(lower)
        )

    def _add(self, form: str) -> None:
        if form:
            self._terms.add(form)

    def has(self, term: str) -> bool:
        return normalize_term(term) in self._terms

    def has_speaker_tag(self, partial: str) -> bool:
        """Whether the speaker tag being written (from its opening '#') begins one of the document's."""
        return _has_prefix(self.speaker_tags, partial.lower())

    def has_prefix(self, partial: str) -> bool:
        p = prefix_form(partial)
        return not p or _has_prefix(self._prefixes, p)

    def _is_word(self, term: str) -> bool:
        base = _base_form(term)
        return self.vocabulary.has(base) or base in self._terms or bool(_ABBREVIATION_FORM.match(base))

    def allows(self, term: str, initial: bool) -> bool:
        ok = self.has(term) if is_restricted(term, initial, self.lexicon) else self._is_word(term)
        if ok and self._cased_as_written(term, False):
            return True
        parts = [p for p in term.split("-") if p]
        return (
            len(parts) > 1
            and not self._alters_compound(term)
            and all(self.allows(p, initial and i == 0) for i, p in enumerate(parts))
        )

    def _alters_compound(self, term: str) -> bool:
        """Whether ``term``, a compound the document does not have, begins like one it has: "royalty-paid" for
        a licence's "royalty-free" turns its word into the opposite (src/engine/grounding/terms.ts)."""
        first = _compound_first(term)
        if first is None or first not in self._compound_firsts:
            return False
        # the document's compound in the plural ("e-mails" for its "e-mail")
        return not (term[-1:] in "sS" and self.has(term[:-1]))

    def _joins_nowhere(self, partial: str, initial: bool) -> bool:
        """Whether a name or number followed by a joiner or a possessive ("20," "20's" "Goo.") can be neither
        finished there (as "2004," is) nor continued through the joiner into one of the document's terms."""
        term = re.sub(r"['’][sS]$", "", partial.rstrip(JOINERS))  # a possessive finishes its term too ("20's")
        if not term or term == partial or not is_restricted(term, initial, self.lexicon):
            return False
        if self.allows(term, initial):
            return False
        return not _has_prefix(self._prefixes, partial.lower().replace("’", "'"))

    def allows_prefix(self, written: str, initial: bool) -> bool:
        if self._joins_nowhere(written, initial):
            return False
        partial = written.rstrip(JOINERS)
        cased = self._cased_as_written(partial, True)
        if cased and (self.allows(partial, initial) or self.has_prefix(partial)):
            return True
        if "-" in partial:
            parts = partial.split("-")
            last = parts.pop()
            done = all(p and self.allows(p, initial and i == 0) for i, p in enumerate(parts))
            if done and not self._alters_compound(written) and (not last or self.allows_prefix(last, False)):
                return True
        if not cased:
            return False
        p = prefix_form(partial)
        plain = not _has_upper(partial[1:]) and not re.search(r"[\d_./:@+]", partial)
        if not is_restricted(partial, initial, self.lexicon):
            return self.vocabulary.has_prefix(p)
        return initial and plain and self.lexicon.has_prefix(p)


def terms_of(text: str, start: int = 0) -> list[tuple[str, int, int, bool]]:
    """(term, start, end, opens a sentence) for the terms of ``text`` from offset ``start``."""
    return [(m.group(), m.start(), m.end(), opens_sentence(text, m.start())) for m in TERM.finditer(text, start)]


_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def _is_day_of_month(term: str) -> bool:
    """Whether ``term`` is a day of a month: 1 to 31, perhaps with its ordinal suffix ("19", "3rd")."""
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", term)
    return m is not None and 1 <= int(m.group(1)) <= 31


def _is_date(first: str, second: str) -> bool:
    """Whether ``first`` then ``second`` write a date: a month, then a number ("July 27", "January 2004")."""
    return first.lower().removesuffix(".") in _MONTHS and second[:1].isdigit()


def names_side_by_side(
    text: str, first: tuple[str, int, int, bool], second: tuple[str, int, int, bool], doc: DocumentTerms
) -> bool:
    """Whether ``second`` is a name right after the name ``first``, or a number right after a month (a date
    is a pair the document must have as well), separated by spaces only (before a year, perhaps an apostrophe)."""
    gap = text[first[2] : second[1]]
    return (bool(_SPACE_ONLY.match(gap)) and doc.is_name(first[0], first[3]) and doc.is_name(second[0], second[3])) or (
        bool(_DATE_GAP.match(gap)) and _is_date(first[0], second[0])
    )


def unsupported_terms(summary: str, doc: DocumentTerms) -> list[str]:
    """The terms the document does not support, names put together as the document never has them, and numbers
    bound to another word than the document binds them to (number_binding.py)."""
    terms = terms_of(summary)
    out = []
    for i, (t, _, _, initial) in enumerate(terms):
        first = terms[i - 1] if i > 0 else None
        paired = (
            first is not None and doc.allows(first[0], first[3]) and names_side_by_side(summary, first, terms[i], doc)
        )
        unbound = not doc.numbers.allows(summary, terms, i, True)
        if not doc.allows(t, initial) or unbound or (paired and not doc.allows_next_name(terms[i - 1][0], t, True)):
            out.append(t)
    return out
