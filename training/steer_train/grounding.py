"""Grounded decoding, the Python twin of ``src/engine/grounding/`` and ``generation/grounded-decoding.ts``.

A summary never states a name, number or identifier that the document lacks, is one paragraph of prose (no
code fence, heading, list marker, table, brackets or line break) and never writes a word three times in a row.
RL rollouts and evaluation decode under these rules, exactly as the engine serves, so the policy learns under
the rule it is used with. Both languages run the golden cases in ``rules/grounding-cases.json``.

- :class:`DocumentTerms`: the document's restricted terms; ``allows`` / ``allows_prefix`` for finished and
  partial terms; :func:`unsupported_terms` lists what a summary states without support (the evaluation's count).
- :class:`Continuation`: whether a piece of text may follow the summary so far (``None`` or a refusal reason).
- :class:`GroundedDecoder`: the logits processor over token pieces for one row.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache

import torch

from .rule_data import RULES_DIR, restricted_number_words

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
_ABBREVIATION_FORM = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")


# Parts of web addresses: a summary writes them only where the document has an address.
_URL_WORDS = {"http", "https", "www", "ftp"}


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
    s = t.replace(",", "")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    s = s.lstrip("0") or "0"
    if s.startswith("."):
        s = "0" + s
    return s


def normalize_term(term: str) -> str:
    t = _base_form(term)
    return normalize_number(t) if _NUMERIC.match(t) else t


def prefix_form(partial: str) -> str:
    return _base_form(partial.rstrip(JOINERS))


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


class DocumentTerms:
    """The restricted terms of one document, for membership and prefix queries."""

    def __init__(self, document: str, lexicon: Lexicon | None = None, vocabulary: Lexicon | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        self.vocabulary = vocabulary or default_vocabulary()
        # the document's speaker tags such as #person1# (dialogue transcripts), lower case
        self.speaker_tags = sorted({m.lower() for m in re.findall(r"#\w+#", document)})
        # The document's characters outside ASCII: a summary writes no other.
        self.non_ascii = {ch for ch in document if ch > "\x7f"}
        self._terms: set[str] = set()
        forms: list[str] = []
        for m in TERM.finditer(document):
            term = m.group()
            for piece in [term, *[p for p in _SPLIT.split(term) if p]]:
                norm = normalize_term(piece)
                self._add(norm)
                forms += [norm, prefix_form(piece), _base_form(piece)]
                for w in DIGIT_TO_WORDS.get(norm, []):
                    self._add(w)
                if norm in NUMBER_WORDS:
                    self._add(NUMBER_WORDS[norm])
        self._prefixes = sorted({f for f in forms if f})

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
        if ok:
            return True
        parts = [p for p in term.split("-") if p]
        return len(parts) > 1 and all(self.allows(p, initial and i == 0) for i, p in enumerate(parts))

    def allows_prefix(self, partial: str, initial: bool) -> bool:
        if self.allows(partial, initial) or self.has_prefix(partial):
            return True
        if "-" in partial:
            parts = partial.split("-")
            last = parts.pop()
            done = all(p and self.allows(p, initial and i == 0) for i, p in enumerate(parts))
            if done and (not last or self.allows_prefix(last, False)):
                return True
        p = prefix_form(partial)
        plain = not _has_upper(partial[1:]) and not re.search(r"[\d_./:@+]", partial)
        if not is_restricted(partial, initial, self.lexicon):
            return self.vocabulary.has_prefix(p)
        return initial and plain and self.lexicon.has_prefix(p)


def terms_of(text: str, start: int = 0) -> list[tuple[str, int, int, bool]]:
    """(term, start, end, opens a sentence) for the terms of ``text`` from offset ``start``."""
    return [(m.group(), m.start(), m.end(), opens_sentence(text, m.start())) for m in TERM.finditer(text, start)]


def unsupported_terms(summary: str, doc: DocumentTerms) -> list[str]:
    return [t for t, _, _, initial in terms_of(summary) if not doc.allows(t, initial)]


_MARKUP_CHARS = re.compile(r"[`|<>*\[\]{}=^~\\\n\r\t]")


def _has_symbol(piece: str) -> bool:
    """Symbols such as emoji (Unicode category So), as the engine's \\p{So}."""
    return any(unicodedata.category(ch) == "So" for ch in piece)


_TAG = re.compile(r"#\w*#?")
# A possessive split from its word ("steer_train.’ s").
_SPLIT_POSSESSIVE = re.compile(r"['’]\s+s\b")
_HEADING = re.compile(r"(^|[.!?]\s+)#+\s|##")
# An HTML entity (&amp;), a command-line flag (-m, --config) or a call's bracket glued to a word (from(x)).
_CODE_SYNTAX = re.compile(r"&[a-zA-Z]+;|(^|\s)--?[a-zA-Z]|\w\(|\)\w")
# Quote marks: they do not count in punctuation runs, but two in a row are a run of their own.
_QUOTES = re.compile(r"[\"'’”“‘]")
_QUOTE_RUN = re.compile(r"[\"'’”“‘]{2}")
# Three punctuation marks in a row, spaces and quotes aside ('," Mr' and '". "' are prose).
_PUNCTUATION_RUN = re.compile(r"[^\w\s](\s*[^\w\s]){2}")
# An ampersand glued to a word (".&head"); "Tom & Jerry" is prose.
_GLUED_AMPERSAND = re.compile(r"[^\s]&")
# The two punctuation marks that may touch, quotes aside; any other pair (".+", "./", ",,", ")(") may not.
_TOUCHING_PAIRS = {".)", "!)", "?)", "%)", "%.", "%,", "%;", "%:", ").", "),", ");", "):", ")!", ")?", "($", "(£", "(€"}


def _is_punctuation(ch: str) -> bool:
    return not (ch.isalnum() or ch == "_" or ch.isspace())


def _bad_punctuation(recent: str) -> bool:
    if _QUOTE_RUN.search(recent) or _GLUED_AMPERSAND.search(recent):
        return True
    bare = _QUOTES.sub("", recent)
    if _PUNCTUATION_RUN.search(bare):
        return True
    return any(
        _is_punctuation(a) and _is_punctuation(b) and a + b not in _TOUCHING_PAIRS for a, b in zip(bare, bare[1:])
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
    m = _WORD_BEFORE.search(text[:i])
    word = m.group().lower() if m else ""
    return not (word in _ABBREVIATIONS or len(word) == 1 or "." in word)


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
_LIST_OPENING = re.compile(r"^\s*([-+•=~>]|\d+[.)](\s|$))")


def _only_joiners(s: str) -> bool:
    return all(ch in JOINERS for ch in s)


class Continuation:
    """Whether a piece of text may follow the summary so far: ``None``, or "unsupported", "markup", "repeat",
    "fragment" (a sentence of one or two words)."""

    def __init__(self, doc: DocumentTerms) -> None:
        self.doc = doc

    def prepare(self, text: str) -> tuple[str, int, list[str]]:
        terms = terms_of(text)
        pending = bool(terms) and _only_joiners(text[terms[-1][2] :])
        finished = terms[:-1] if pending else terms
        tail_start = terms[-1][1] if pending else len(text)
        return text, tail_start, [prefix_form(t[0]) for t in finished[-2:]]

    def check(self, ctx: tuple[str, int, list[str]], piece: str, end: bool = False) -> str | None:
        text, tail_start, prior = ctx
        if _MARKUP_CHARS.search(piece) or _has_symbol(piece):
            return "markup"
        if any(ch > "\x7f" and ch not in _TYPOGRAPHY and ch not in self.doc.non_ascii for ch in piece):
            return "markup"
        combined = text + piece
        if _CODE_SYNTAX.search(combined[max(0, len(text) - 12) :]):
            return "markup"
        if _bad_punctuation(combined[max(0, len(text) - 6) :]) or _SPLIT_POSSESSIVE.search(combined[-8:]):
            return "markup"
        if _ends_short_sentence(combined, len(text), end):
            return "fragment"
        # '#' only in the document's own speaker tags (#Person1#).
        in_tag = "#" in piece or re.search(r"#\w*$", text) is not None
        if in_tag and not all(
            self.doc.has_speaker_tag(m.group()) for m in _TAG.finditer(combined) if m.end() > len(text)
        ):
            return "markup"
        if "#" in text[-2:] + piece and _HEADING.search(combined):
            return "markup"
        if len(text.strip()) < 8 and _LIST_OPENING.search(combined):
            return "markup"
        seq = list(prior)
        for term, _, t_end, initial in terms_of(combined, tail_start):
            finished = end or not _only_joiners(combined[t_end:])
            ok = self.doc.allows(term, initial) if finished else self.doc.allows_prefix(term, initial)
            if not ok:
                return "unsupported"
            form = prefix_form(term)
            if len(seq) >= 2 and seq[-1] == seq[-2] and form:
                if (form == seq[-1]) if finished else seq[-1].startswith(form):
                    return "repeat"
            seq.append(form)
        return None


class PieceTable:
    """Token texts, decoded one id at a time and cached ('' for special tokens)."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self._cache: dict[int, str] = {}

    def piece(self, tid: int) -> str:
        p = self._cache.get(tid)
        if p is None:
            p = self.tokenizer.decode([tid], skip_special_tokens=True, clean_up_tokenization_spaces=False)
            self._cache[tid] = p
        return p

    def text(self, ids: list[int]) -> str:
        if not ids:
            return ""
        return self.tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False)


GROUNDED_SAMPLING_KEEP = 40
# Candidates checked per step at most: when the best thousand tokens all break the rules, the summary ends.
MAX_CHECKED = 1000


class GroundedDecoder:
    """Keeps the first ``keep`` tokens (by descending logit, ties to the lower id) that may follow the row's
    summary so far; every other token is forbidden. If none passes, only end-of-sequence stays."""

    def __init__(self, continuation: Continuation, pieces: PieceTable, eos_ids: list[int], keep: int = 1) -> None:
        self.continuation = continuation
        self.pieces = pieces
        self.eos = set(eos_ids)
        self.keep = keep
        self._spellings: list[list[int]] | None = None

    def _character_spellings(self) -> list[list[int]]:
        """How the tokenizer spells the document's characters outside ASCII (alone and after a space)."""
        if self._spellings is None:
            chars = sorted(self.continuation.doc.non_ascii)
            self._spellings = [self.pieces.encode(v) for ch in chars for v in (ch, " " + ch)]
        return self._spellings

    def _incomplete_tail(self, generated: list[int]) -> list[int]:
        k = len(generated)
        while k > 0 and self.pieces.text(generated[:k]).endswith("\ufffd"):
            k -= 1
        return generated[k:]

    def allows(self, ctx, generated: list[int], pending: list[int], tid: int) -> bool:
        if tid in self.eos:
            return not pending and self.continuation.check(ctx, "", True) is None
        piece = self.pieces.piece(tid)
        if not piece:
            return False
        if pending or "\ufffd" in piece:
            # Bytes of a multi-byte character: they must spell the start of one of the document's characters.
            seq = [*pending, tid]
            spelled = any(s[: len(seq)] == seq for s in self._character_spellings())
            text = self.pieces.text([*generated, tid])
            if not text.startswith(ctx[0]):
                return False
            piece = text[len(ctx[0]) :]
            if piece.endswith("\ufffd"):
                return spelled and not piece.rstrip("\ufffd")
        return self.continuation.check(ctx, piece) is None

    def kept(self, logits: torch.Tensor, generated: list[int]) -> list[int]:
        ctx = self.continuation.prepare(self.pieces.text(generated).rstrip("\ufffd"))
        pending = self._incomplete_tail(generated)
        row = logits.detach().float().cpu()
        limit = min(row.numel(), MAX_CHECKED)
        out: list[int] = []
        k, seen = 0, 0
        while len(out) < self.keep and seen < limit:
            k = min(limit, max(64, 4 * k))
            # Stable order: by value descending, then by id ascending (as the engine's candidatesInOrder).
            vals, idx = torch.topk(row, k)
            order = sorted(zip(vals.tolist(), idx.tolist()), key=lambda p: (-p[0], p[1]))
            for value, tid in order[seen:]:
                if value == float("-inf"):
                    seen = limit
                    break
                if self.allows(ctx, generated, pending, tid):
                    out.append(tid)
                    if len(out) >= self.keep:
                        break
            seen = max(seen, k)
        return out or sorted(self.eos)

    def process(self, logits: torch.Tensor, generated: list[int]) -> None:
        """In place on one row's logits [vocab]."""
        keep = self.kept(logits, generated)
        vals = logits[keep].clone()
        logits.fill_(float("-inf"))
        logits[keep] = torch.where(torch.isfinite(vals), vals, torch.zeros_like(vals))


def grounded_decoder(document: str, tokenizer, eos_ids: list[int], sampling: bool) -> GroundedDecoder:
    return GroundedDecoder(
        Continuation(DocumentTerms(document)),
        _pieces(tokenizer),
        eos_ids,
        GROUNDED_SAMPLING_KEEP if sampling else 1,
    )


_PIECE_TABLES: dict[int, PieceTable] = {}


def _pieces(tokenizer) -> PieceTable:
    t = _PIECE_TABLES.get(id(tokenizer))
    if t is None:
        t = _PIECE_TABLES[id(tokenizer)] = PieceTable(tokenizer)
    return t
