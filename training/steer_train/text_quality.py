"""Plain-text helpers for the rewards: tokens, sentences, stems, and degenerate-output detection.

Nothing here loads a model; everything is pure Python and fast enough to run on every sampled summary.

:func:`degeneracy` tells whether a generated summary is unusable, and why:

- ``"empty"``: no usable text: blank, fewer than :data:`MIN_WORDS` words, or mostly non-letters
  (punctuation, symbols, emoji, markup).
- ``"looping"``: the model repeats itself: the same word three or more times in a row, a repeated sentence,
  a 4-gram seen three or more times, or more than a fifth of the 3-grams being repeats.
- ``"cut_off"``: the text stops mid-thought: generation hit its token limit without ending a sentence, or the
  text ends on a dangling comma/colon/hyphen/open bracket or a word that cannot end a sentence ("the",
  "and", "of", ...), or (when ``known_words`` is given) its last, unpunctuated word is not a known word, as
  when a word is cut in two.

All rewards are 0 for a degenerate summary, so reinforcement learning can never profit from one.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

from .rule_data import number_words, stopwords, token_pattern, word_rules

MIN_WORDS = 3
"""Fewer words than this is "empty"."""

MIN_LETTER_FRACTION = 0.5
"""Below this fraction of letters among the non-space characters a text is "empty" (not text)."""

# --------------------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------------------

# The tokenizer, stopwords and number words are shared with the engine's estimates: rules/words.json,
# rules/stopwords.txt, rules/number-words.txt (golden cases in rules/word-cases.json).
TOKEN_RE = token_pattern()

STOPWORDS = stopwords()

NUMBER_WORDS = number_words()
"""Number word -> its number as digits ("five" -> "5", "second" -> "2", "half" -> "0.5")."""

_STEM_SUFFIXES: tuple[tuple[str, str, int], ...] = tuple((s, r, n) for s, r, n in word_rules()["stemSuffixes"])
_KEEP_FINAL_S: tuple[str, ...] = tuple(word_rules()["keepFinalS"])
MIN_CONTENT_LENGTH: int = word_rules()["minContentLength"]
"""Shorter words are never content words (key terms, novelty)."""


def tokens(text: str) -> list[str]:
    """Word, number and speaker-tag tokens, case kept."""
    return TOKEN_RE.findall(text)


def words(text: str) -> list[str]:
    """Lower-cased tokens (words, numbers, speaker tags) for counting and repetition checks."""
    return [t.lower() for t in TOKEN_RE.findall(text)]


def token_count(text: str) -> int:
    """How many tokens (words, numbers, speaker tags) ``text`` has: the length the concise reward measures."""
    return len(TOKEN_RE.findall(text))


def normalize_number(tok: str) -> str:
    """'1,000' -> '1000', '3.50' -> '3.5', '07' -> '7'."""
    t = tok.replace(",", "")
    if "." in t:
        t = t.rstrip("0").rstrip(".")
    t = t.lstrip("0") or "0"
    if t.startswith("."):
        t = "0" + t
    return t


def stem(word: str) -> str:
    """A crude, consistent English stemmer (lower-case; possessive, plural and common suffixes removed)."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    for suffix, repl, min_len in _STEM_SUFFIXES:
        if w.endswith(suffix) and len(w) >= min_len:
            if suffix == "s" and w.endswith(_KEEP_FINAL_S):
                continue
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsz":  # running -> runn -> run
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):  # make/making, agree/agreed
        w = w[:-1]
    return w


def content_stems(text: str) -> list[str]:
    """Stems of the content words of ``text``: neither stopwords nor shorter than :data:`MIN_CONTENT_LENGTH`
    (numbers and speaker tags excluded). Key terms and novelty are counted in these."""
    out = []
    for t in tokens(text):
        low = t.lower()
        if t[0].isdigit() or t.startswith("#") or low in STOPWORDS or len(low) < MIN_CONTENT_LENGTH:
            continue
        out.append(stem(low))
    return out


# --------------------------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e fig figs eq eqs no nos al inc ltd co corp gen gov sen rep".split()
)
# A sentence ends at . ! ? (or …), optionally followed by closing quotes/brackets.
_END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*")
MAX_SENTENCE_WORDS = 60
"""Longer sentences (unpunctuated transcripts) are cut into chunks of about this many words."""


_SPEECH_RE = re.compile(r"[?!][\"'’”)]*$")


def is_speech(sentence: str) -> bool:
    """Whether a summary sentence is a question or an exclamation: the text's speech copied ("What shall we
    order?"), not a report of it. The twin of the engine's ``isSpeech`` (src/engine/document-echo.ts)."""
    s = sentence.strip()
    # one word is a name that ends in a mark ("Yahoo! Mail"), not a sentence
    return _SPEECH_RE.search(s) is not None and len(s.split()) > 1


# First- and second-person words as a speaker says them, with any ending after an apostrophe ("I'm", "we'd", also
# the garbled "I's", and written without it: "Youre", "Im"): "I" and "us" only as written ("US" is a country,
# "i.e." an abbreviation), the others also with a capital. The twin of PERSONAL_WORD in
# src/engine/grounding/turns.ts.
_PERSONAL_WORD = re.compile(
    r"(?:I|us|[Mm](?:e|y|ine|yself)|[Yy]ou(?:rs?|rself|rselves)?|[Ww]e|[Oo]ur(?:s|selves)?)(?:['’][^\W\d_]*)?"
    r"|[Ll]et['’]s|[Yy]ou(?:re|ve|ll|d)|I(?:m|ve)|[Ww]eve"
)
# A word as the voice rule reads it: letters and digits with the apostrophes and hyphens inside and after them.
WORD_RUN = re.compile(r"(?:[^\W_]|['’-])+")
_QUOTED_RE = re.compile(r'"[^"]*"|“[^”]*”')


def is_personal_word(run: str) -> bool:
    """Whether a word (:data:`WORD_RUN`) is a first- or second-person word; apostrophes and hyphens after it aside."""
    return _PERSONAL_WORD.fullmatch(run.rstrip("'’-")) is not None


def speaks_as_participant(sentence: str, tags: Iterable[str]) -> bool:
    """Whether a sentence of a conversation's summary speaks as one of its speakers: a first- or second-person
    word outside quotation marks once the speakers' tags (``tags``, "PhD I") are taken out ("Rachel is at the
    hospital, my aunt was in an accident."). The twin of the engine's ``speaksAsParticipant``; the caller holds
    it to conversations, two speakers or more."""
    s = _QUOTED_RE.sub(" ", sentence)
    for tag in tags:
        s = s.replace(tag, " ")
    return any(is_personal_word(m.group()) for m in WORD_RUN.finditer(s))


def split_sentences(text: str, max_words: int = MAX_SENTENCE_WORDS) -> list[str]:
    """Sentences of ``text``: lines, then sentence ends (also "end.Next" without a space, as in bbc_news).

    Abbreviations ("Mr.", "e.g.") and decimals ("3.5") do not end sentences. Pieces without any letter or digit
    are dropped; very long sentences are cut into chunks of at most ``max_words`` words.
    """
    out: list[str] = []
    for line in re.split(r"\n+", text):
        line = line.strip()
        if not line:
            continue
        start = 0
        for m in _END_RE.finditer(line):
            end = m.end()
            rest = line[end:]
            if not rest.strip():
                continue
            nxt = rest.lstrip()
            # Next sentence must start with an upper-case letter, digit, quote, bracket or speaker tag.
            if not (nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"'“‘(#["):
                continue
            if m.group().startswith(".") and len(m.group()) == 1:
                before = line[start : m.start()].split()
                last = before[-1].lower().rstrip(".") if before else ""
                if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha()) or "." in last:
                    continue  # "Mr. Smith", "J. Smith", "U.S. officials"
                if rest[:1] != " " and not (nxt[0].isupper() or nxt[0] in "\"'“‘"):
                    continue  # "3.5", "e.g.x"
            piece = line[start:end].strip()
            if piece:
                out.append(piece)
            start = end
        piece = line[start:].strip()
        if piece:
            out.append(piece)
    result: list[str] = []
    for s in out:
        if not any(ch.isalnum() for ch in s):
            continue
        ws = s.split()
        if len(ws) <= max_words:
            result.append(s)
        else:
            n_chunks = -(-len(ws) // max_words)
            size = -(-len(ws) // n_chunks)
            result.extend(" ".join(ws[i : i + size]) for i in range(0, len(ws), size))
    return result


def sentence_start_indices(text: str) -> tuple[list[str], set[int]]:
    """Tokens of ``text`` and the indices of those that start a sentence (or a speaker turn/quote)."""
    toks: list[str] = []
    starts: set[int] = set()
    for sent in split_sentences(text, max_words=10_000):
        # A colon or an opening quote also starts a new clause whose first word may be capitalised.
        for part in re.split(r"(?<=:)\s+|[\"“]", sent):
            ts = tokens(part)
            if ts:
                starts.add(len(toks))
            toks.extend(ts)
    return toks, starts


# --------------------------------------------------------------------------------------------------------------
# Degenerate output
# --------------------------------------------------------------------------------------------------------------

LOOP_REPEATED_TRIGRAMS = 0.5
"""Above this fraction of repeated 3-grams a text is "looping"."""
INTENDED_DOUBLES = frozenset({"had", "that", "was", "very", "really", "bye"})
"""Words English doubles on purpose ("had had"); two other words of three letters or more each twice in a row are
a model stuttering (numbers and short words double in ordinary text: "6-3 6-3", initials)."""
STUTTERED_WORDS = 2
_DOUBLED_WORD = re.compile(r"(?<!\w)([^\W\d_]{3,})\s+\1(?!\w)", re.IGNORECASE)
"""A word written twice with only spaces between ("Saylor. Saylor" and "start: start" are not doubles)."""
STRIDED_TIMES = 5
STRIDES = (2, 3, 4)
"""A list that repeats one word with something else between ("sed - neu, sed - m, sed - r, sed - t, sed - n, ..."):
a word that is no stopword, every 2 to 4 words, five times running (the twin of usability.ts)."""
MIN_LIST_NAMES = 3
"""A list that names someone twice ("Grad G, Grad C, Undergrad D, Grad G, ..."): among at least three items that are
names (one to three capitalised words or speaker tags), one comes back (the twin of usability.ts)."""
NEAR_DUPLICATE_MIN_WORDS = 5
NEAR_DUPLICATE_SHARE = 0.8
NEAR_DUPLICATE_MAX_RATIO = 2
"""Two sentences of at least 5 distinct words whose smaller word set is 80% in the other say one thing twice,
unless the later one has more than twice the words of the earlier (then it goes on to say more than it repeats;
a short sentence after a long one it repeats is still a loop)."""

_TERMINAL = ".!?…\"'”’)]*"
_DANGLING_CHARS = ",;:-–—(/&[“‘"
_DANGLING_WORDS = frozenset(
    "the a an and or but nor of because whose than their its my your our whether although though "
    "including such versus".split()
)


def _is_name_item(item: str) -> bool:
    ws = item.split()
    return (
        0 < len(ws) <= 3
        and len(ws[0]) >= 2
        and all((w[0] == "#" or w[0].isupper()) and all(c.isalnum() or c in "#'’.-" for c in w) for w in ws)
    )


def _names_listed_twice(text: str) -> bool:
    # a sentence also ends at a full stop glued to the next one's capital ("... to win.Dudek, Finnan, ...")
    glued = [m.end() for m in re.finditer(r"[.!?]", text) if 0 < m.start() and m.end() < len(text)]
    glued = [i for i in glued if text[i - 2].islower() and text[i].isupper()]
    parts = [text[a:b] for a, b in zip([0, *glued], [*glued, len(text)])]
    for sentence in (s for part in parts for s in re.split(r"(?<=[.!?])\s+", part)):
        names = [item.strip() for item in re.split(r",|\band\b", sentence)]
        names = [item for item in names if _is_name_item(item)]
        if len(names) >= MIN_LIST_NAMES and len(set(names)) < len(names):
            return True
    return False


def _says_twice(sents: list[str]) -> bool:
    sets = [set(s.split()) for s in sents]
    sets = [s for s in sets if len(s) >= NEAR_DUPLICATE_MIN_WORDS]
    for i, a in enumerate(sets):
        for b in sets[i + 1 :]:
            if len(b) > NEAR_DUPLICATE_MAX_RATIO * len(a):
                continue
            small, big = (a, b) if len(a) <= len(b) else (b, a)
            if len(small & big) >= NEAR_DUPLICATE_SHARE * len(small):
                return True
    return False


def _is_looping(ws: list[str], text: str) -> bool:
    """The twin of the engine's ``isLooping`` (src/engine/grounding/usability.ts)."""
    n = len(ws)
    # The same token three times in a row ("the the the"), or a short phrase three times in a row.
    for p in range(1, 7):
        for i in range(n - 3 * p + 1):
            if ws[i : i + p] == ws[i + p : i + 2 * p] == ws[i + 2 * p : i + 3 * p]:
                return True
    # One content word every 2 to 4 words, five times running ("sed - m, sed - r, sed - t, ...").
    for p in STRIDES:
        for i in range(n - (STRIDED_TIMES - 1) * p):
            w = ws[i]
            if (
                len(w) >= 2
                and w.isalpha()
                and w not in STOPWORDS
                and all(ws[i + k * p] == w for k in range(1, STRIDED_TIMES))
            ):
                return True
    # Two different words each written twice in a row ("provide provide define define").
    doubled = {m.group(1).lower() for m in _DOUBLED_WORD.finditer(text)} - INTENDED_DOUBLES
    if len(doubled) >= STUTTERED_WORDS or _names_listed_twice(text):
        return True
    # A sentence of four or more words said twice, also in other words.
    sents = [" ".join(words(s)) for s in split_sentences(text)]
    sents = [s for s in sents if len(s.split()) >= 4]
    if len(set(sents)) < len(sents) or _says_twice(sents):
        return True
    # Mostly recycled phrases (bullet lists of figures reach about 0.4; loops approach 1).
    if n >= 12:
        tri = [tuple(ws[i : i + 3]) for i in range(n - 2)]
        if (len(tri) - len(set(tri))) / len(tri) > LOOP_REPEATED_TRIGRAMS:
            return True
    return False


def degeneracy(summary: str, hit_max_tokens: bool = False, known_words: Container[str] | None = None) -> str | None:
    """``None`` if ``summary`` is usable, else why not: ``"empty"``, ``"looping"`` or ``"cut_off"``.

    ``hit_max_tokens``: generation stopped at its token limit (not at end-of-sequence); then a text that does not
    end a sentence is cut off. ``known_words`` (lower-case words, e.g. a vocabulary plus the document's words):
    when given, an unpunctuated last word outside it counts as cut off mid-word.
    """
    text = summary.strip()
    ws = words(text)
    if len(ws) < MIN_WORDS:
        return "empty"
    visible = [ch for ch in text if not ch.isspace()]
    letters = sum(ch.isalpha() for ch in visible)
    if letters < MIN_LETTER_FRACTION * len(visible):
        return "empty"
    if _is_looping(ws, text):
        return "looping"
    ends_sentence = text[-1] in _TERMINAL
    if hit_max_tokens and not ends_sentence:
        return "cut_off"
    if text[-1] in _DANGLING_CHARS and (len(text) < 2 or text[-2] not in _TERMINAL):
        return "cut_off"
    if not ends_sentence:
        last = ws[-1]
        if last in _DANGLING_WORDS:
            return "cut_off"
        if known_words is not None and last.isalpha() and last not in known_words and stem(last) not in known_words:
            return "cut_off"
    return None
