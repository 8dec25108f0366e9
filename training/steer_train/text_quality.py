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
from collections.abc import Container

MIN_WORDS = 3
"""Fewer words than this is "empty"."""

MIN_LETTER_FRACTION = 0.5
"""Below this fraction of letters among the non-space characters a text is "empty" (not text)."""

# --------------------------------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------------------------------

# #Person1#-style speaker tags (dialogsum), numbers (1,000 / 3.5), words with inner apostrophes or hyphens.
TOKEN_RE = re.compile(r"#\w+#|\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’\-][^\W\d_]+)*(?:-\d+)?", re.UNICODE)
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

STOPWORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and another any anybody
    anyone anything are aren't around as at be became because been before being below between both but by
    can can't cannot could couldn't did didn't do does doesn't doing don't done down during each either else
    enough etc even ever every few for from further get gets getting got had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's however i i'd i'll i'm
    i've if in into is isn't it it's its itself just let's like made make makes many may me might more most
    much must mustn't my myself neither no nor not now of off often on once one only or other others ought
    our ours ourselves out over own per perhaps rather really same say says said shall shan't she she'd
    she'll she's should shouldn't since so some something still such than that that's the their theirs them
    themselves then there there's these they they'd they'll they're they've this those though through thus
    to too under until up upon us very via was wasn't we we'd we'll we're we've well were weren't what
    what's whatever when when's where where's whether which while who who's whom whose why why's will with
    within without won't would wouldn't yes yet you you'd you'll you're you've your yours yourself
    yourselves oh ok okay yeah hi hello hey thanks thank please sure um uh mr mrs ms dr let lets go goes
    going gone went want wants will shall also new way ways thing things lot lots
    """.split()
)

NUMBER_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "billion": "1000000000",
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "half": "0.5",
    "dozen": "12",
}


def tokens(text: str) -> list[str]:
    """Word, number and speaker-tag tokens, case kept."""
    return TOKEN_RE.findall(text)


def words(text: str) -> list[str]:
    """Lower-cased tokens (words, numbers, speaker tags) for counting and repetition checks."""
    return [t.lower() for t in TOKEN_RE.findall(text)]


def word_count(text: str) -> int:
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
    for suffix, repl, min_len in (
        ("ational", "ate", 8),
        ("ization", "ize", 8),
        ("iness", "y", 6),
        ("fulness", "ful", 8),
        ("ousness", "ous", 8),
        ("ments", "", 7),
        ("ment", "", 6),
        ("ingly", "", 7),
        ("edly", "", 6),
        ("ies", "y", 5),
        ("ied", "y", 5),
        ("sses", "ss", 5),
        ("ing", "", 6),
        ("ed", "", 5),
        ("ly", "", 5),
        ("es", "", 5),
        ("s", "", 4),
    ):
        if w.endswith(suffix) and len(w) >= min_len:
            if suffix == "s" and (w.endswith("ss") or w.endswith("us") or w.endswith("is")):
                continue
            w = w[: len(w) - len(suffix)] + repl
            break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsz":  # running -> runn -> run
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):  # make/making, agree/agreed
        w = w[:-1]
    return w


def content_stems(text: str) -> list[str]:
    """Stems of the non-stopword word tokens of ``text`` (numbers and speaker tags excluded)."""
    out = []
    for t in tokens(text):
        low = t.lower()
        if t[0].isdigit() or t.startswith("#") or low in STOPWORDS or len(low) < 2:
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

_TERMINAL = ".!?…\"'”’)]*"
_DANGLING_CHARS = ",;:-–—(/&[“‘"
_DANGLING_WORDS = frozenset(
    "the a an and or but nor of because whose than their its my your our whether although though "
    "including such versus".split()
)


def _is_looping(ws: list[str], text: str) -> bool:
    n = len(ws)
    # The same token three times in a row ("the the the"), or a short phrase three times in a row.
    for p in range(1, 7):
        for i in range(n - 3 * p + 1):
            if ws[i : i + p] == ws[i + p : i + 2 * p] == ws[i + 2 * p : i + 3 * p]:
                return True
    # A sentence of four or more words said twice.
    sents = [" ".join(words(s)) for s in split_sentences(text)]
    sents = [s for s in sents if len(s.split()) >= 4]
    if len(set(sents)) < len(sents):
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
