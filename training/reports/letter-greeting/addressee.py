"""Summaries that name the person an e-mail greets, where the e-mail names them nowhere else.

Usage: python addressee.py SUMMARIES.jsonl [...]  (eval-generate output; the e-mails from
/work/built-data/email/data.jsonl). Prints, per model label, how many summaries of such e-mails name that
person, how many open with the name, and up to 12 default-weighting examples.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict

DATA = "/work/built-data/email/data.jsonl"
GREETING = re.compile(
    r"^(?:(?:Dear|Hi|Hello|Hey)\s+)?((?:[A-Z][a-z]+)(?:(?:\s+|\s*(?:&|and|,)\s*)[A-Z][a-z]+){0,3})\s*[,:]"
)
NOT_PEOPLE = {"All", "Team", "Everyone", "Folks", "Friends", "Guys", "There", "Well", "Thursday", "Questions"}


def greeted(document: str) -> list[str]:
    """Names the e-mail's greeting gives that the rest of the e-mail never uses."""
    m = GREETING.match(document)
    if not m:
        return []
    names = [n for n in re.split(r"\s*(?:&|and|,)\s*|\s+", m.group(1)) if n and n not in NOT_PEOPLE]
    return [n for n in names if n not in document[m.end() :]]


def main(paths: list[str]) -> None:
    with open(DATA) as f:
        documents = {r["id"]: r["document"] for r in map(json.loads, f)}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    examples: dict[str, list[str]] = defaultdict(list)
    emails = set()
    for path in paths:
        with open(path) as f:
            for s in map(json.loads, f):
                names = greeted(documents[s["id"]])
                if not names:
                    continue
                emails.add(s["id"])
                c = counts[s["model"]]
                c[2] += 1
                if any(re.search(rf"\b{n}\b", s["summary"]) for n in names):
                    c[0] += 1
                    c[1] += any(s["summary"].startswith(n) for n in names)
                    if not s["grid"] and len(examples[s["model"]]) < 12:
                        examples[s["model"]].append(s["summary"][:140])
    print("greeted e-mails whose greeting's name is used nowhere else:", len(emails))
    for model, (naming, opening, total) in counts.items():
        print(f"{model}: {naming}/{total} summaries name the person greeted; {opening} open with the name")
    for model, lines in examples.items():
        print(model)
        for line in lines:
            print("   ", line)


if __name__ == "__main__":
    main(sys.argv[1:])
