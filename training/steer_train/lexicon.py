"""Builds ``rules/lexicon.txt``: ordinary English words, the words a summary may capitalise at the start of a
sentence without the document containing them ("The", "Researchers", "Users").

A word is ordinary when the corpora write it in lower case far more often than capitalised in mid-sentence:
that keeps "report" and "users" and leaves out "London", "Google" and "Willett", so a sentence cannot open with
an invented name. Counted over the train splits of the shared summarization sets (ectsum is lower-cased and
would make every name look ordinary, so it is skipped). The list is committed; the engine and the Python
grounding rules both read it.

    python -m steer_train.lexicon --data ../shared/data/summarization
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LEXICON = REPO / "rules" / "lexicon.txt"
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "summarization")
    ap.add_argument("--out", type=Path, default=LEXICON)
    args = ap.parse_args()
    words = build(args.data)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(words) + "\n")
    print(f"{len(words)} words -> {args.out}")


if __name__ == "__main__":
    main()
