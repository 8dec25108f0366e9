"""report.md and results.json of the per-kind evaluation: one table per measure, kinds as rows, a column per
model and mode, then sample summaries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..metrics import OBJECTIVES
from .aggregate import ALL


def _fmt(v: Any, kind: str = "num") -> str:
    if v is None:
        return "-"
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind == "int":
        return f"{v:.0f}"
    if kind == "1":
        return f"{v:.1f}"
    return f"{v:.3f}"


def _share_cell(g: dict, key: str) -> str:
    """A share with its counts: "12.5% (2/16)"; shares of summaries count delivered ones, else all."""
    share = g[key]
    if share is None:
        return "-"
    n = g["summaries"] if key == "no_summary_share" or key == "degenerate_share" else g["delivered"]
    return f"{100 * share:.1f}% ({round(share * n)}/{n})"


# The share tables of "Grounding and form": (title, key in each group, note).
SHARE_TABLES: list[tuple[str, str, str]] = [
    (
        "Summaries with a name or a number the document lacks",
        "name_or_number_share",
        "Share of delivered summaries (all 16 weightings) with a term that `grounding.unsupported_terms` "
        "finds and `eval_kinds.unsupported_class` calls a name (upper case) or a number (digits, number "
        "words).",
    ),
    (
        "… with an identifier the document lacks",
        "identifier_share",
        "Lower-case terms with `_ / : @ +` or a dot inside (paths, URLs, dotted or snake_case names).",
    ),
    (
        "… with an invented word",
        "invented_word_share",
        "A plain lower-case word in neither rules/vocabulary.txt nor the document (the rule of commit "
        "302574b, newer than the engine that decoded these: see the notes).",
    ),
    (
        "… with any unsupported term (all of the above)",
        "unsupported_share",
        "",
    ),
    (
        "Summaries that tie together what the document keeps apart",
        "misrelated_share",
        "`grounding.relations.misrelated`: a possessive whose name and noun phrase are never within 30 words "
        "of each other in the document (\"Hal Luscombe's recovery\" where the recovery is another player's), "
        "or a name with none of its sentence's other content words near any of its mentions (a proxy for "
        "relation errors; newer than the engines of earlier reports).",
    ),
    (
        "Summaries that state what the document denies",
        "denied_share",
        "`grounding.negation.affirmed_denials`: a sentence with no negation of its own that uses a lower-case word "
        'the document writes only after a negation ("it\'s expensive too" of "it\'s not that expensive"; '
        "newer than the engines of earlier reports).",
    ),
    (
        "Summaries that loop or contain markup",
        "looping_or_markup_share",
        "Looping: `text_quality.degeneracy` says `looping`. Markup: a code fence, heading line, list-marker "
        "line, table bar, HTML tag, link or image syntax, or inline code in backticks.",
    ),
    (
        "… of which loop",
        "looping_share",
        "",
    ),
    (
        "… of which contain markup",
        "markup_share",
        "",
    ),
    (
        "Summaries with stray characters",
        "stray_share",
        "U+FFFD (broken UTF-8), control characters, or emoji, symbols, private-use or unassigned characters "
        "that the document lacks, a percent sign after no number or an ampersand glued to what follows "
        '("December %19"; `eval_kinds.stray_characters`); not counted as markup above.',
    ),
    (
        "Weightings with no usable summary",
        "no_summary_share",
        "The engine's last check decoded again and still found the text empty, looping or markup only "
        "(`problem` set), or the engine failed on the document.",
    ),
    (
        "Degenerate by the training rule (empty, looping or cut off)",
        "degenerate_share",
        "`text_quality.degeneracy` with the token limit: these score 0 on every reward.",
    ),
]


def _table(results: dict, title: str, value, fmt: str = "num", note: str = "", lead=None) -> list[str]:
    methods = results["methods"]
    head = ["kind", *methods] + (["lead baseline"] if lead else [])
    lines = [f"### {title}", ""]
    if note:
        lines += [note, ""]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for kind in [*results["kinds"], ALL]:
        row = [f"**{kind}**" if kind == ALL else kind]
        for m in methods:
            g = results["groups"][kind].get(m)
            row.append((_share_cell(g, fmt[6:]) if fmt.startswith("share:") else _fmt(value(g), fmt)) if g else "-")
        if lead:
            row.append(_fmt(lead(results["lead"][kind]), fmt))
        lines.append("| " + " | ".join(row) + " |")
    return [*lines, ""]


def _quote(text: str, limit: int = 400) -> str:
    t = " ".join(text.split())
    if len(t) > limit:
        t = t[:limit].rstrip() + " […]"
    return t.replace("|", "\\|")


def write_report(results: dict, out: Path, notes: Sequence[str] = ()) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    L: list[str] = ["# Summaries per kind of document", ""]
    L += [f"- {n}" for n in notes]
    L += [""]
    docs_line = ", ".join(
        f"{k} {results['lead'][k]['documents']}"
        + (f" ({results['lead'][k]['cut_documents']} cut)" if results["lead"][k]["cut_documents"] else "")
        for k in results["kinds"]
    )
    L += [f"Documents per kind: {docs_line}.", ""]
    L += ["## Grounding and form", ""]
    for title, key, note in SHARE_TABLES:
        L += _table(results, title, lambda g, k=key: g[k], f"share:{key}", note)
    L += ["## Length", ""]
    for point, label in (
        ("concise", "at the concise vertex"),
        ("default", "at the default (balanced) weighting"),
        ("faithful", "at the faithful vertex"),
        ("complete", "at the complete vertex"),
    ):
        L += _table(results, f"Mean words {label}", lambda g, p=point: g["lengths"][p]["words"], "1")
    L += _table(results, "Mean tokens at the default weighting", lambda g: g["lengths"]["default"]["tokens"], "1")
    L += _table(
        results,
        "Words at the concise end / words at the complete end",
        lambda g: g["concise_to_complete_words"],
        "num",
        "Below 1: the concise end is shorter.",
    )
    L += ["## Steerability", ""]
    for o in OBJECTIVES:
        L += _table(
            results,
            f"Steerability of {o}",
            lambda g, o=o: (g["steerability"] or {}).get(o),
            "num",
            f"Spearman correlation of the mean {o} reward with its weight over the 15 grid points "
            "(`metrics.steerability`; 1: raising the weight always raised the reward)."
            if o == OBJECTIVES[0]
            else "",
        )
    L += _table(results, "Mean steerability", lambda g: g["steerability_mean"], "num")
    L += ["## Agreement with the reference", ""]
    L += _table(
        results,
        "ROUGE-L F1 at the default weighting",
        lambda g: g["rouge_l_default"],
        "num",
        "rouge-score with stemming, against the data set's reference summary; the lead baseline (see below) "
        "on the same documents in the last column.",
        lead=lambda d: d["rouge_l"],
    )
    L += _table(
        results,
        "Rewards at the default weighting: faithful",
        lambda g: (g["rewards_default"] or {}).get("faithful"),
        "num",
    )
    L += _table(
        results,
        "Seconds per document (16 weightings in one preview, this machine)",
        lambda g: g["seconds_per_document"],
        "1",
    )
    unsupported_lines = []
    for kind in [*results["kinds"], ALL]:
        for m, g in results["groups"][kind].items():
            if g["unsupported_terms"]:
                terms = ", ".join(f"`{t}` ×{c}" for t, c in list(g["unsupported_terms"].items())[:8])
                unsupported_lines.append(f"- {kind}, {m}: {terms}")
    if unsupported_lines:
        L += ["### The most frequent unsupported terms", "", *unsupported_lines, ""]
    L += ["## Samples", ""]
    L += [
        "Two documents per kind (the first chosen); each model and mode at the concise vertex, the default "
        "weighting and the complete vertex. Flags: U = unsupported terms, R = misrelated, D = denied, M = markup, "
        "S = stray characters, L = looping, C = cut off.",
        "",
    ]
    for s in results["samples"]:
        d = results["documents"].get(s["id"], {})
        L += [f"### {s['kind']}: {s['id']} ({d.get('doc_words', '?')} words)", ""]
        for m, picks in s["summaries"].items():
            for point, p in picks.items():
                flags = []
                if p["unsupported"]:
                    flags.append("U: " + ", ".join(p["unsupported"][:5]))
                if p.get("misrelated"):
                    flags.append("R: " + ", ".join(p["misrelated"][:3]))
                if p.get("denied"):
                    flags.append("D: " + ", ".join(p["denied"][:3]))
                if p["markup"]:
                    flags.append("M: " + ", ".join(p["markup"]))
                if p["stray"]:
                    flags.append("S: " + " ".join(repr(c) for c in p["stray"][:5]))
                if p["degenerate"] == "looping":
                    flags.append("L")
                if p["degenerate"] == "cut_off":
                    flags.append("C")
                text = f"*(no summary: {p['problem']})*" if p["problem"] else f"“{_quote(p['summary'])}”"
                L.append(f"- **{m}, {point}**{' [' + '; '.join(flags) + ']' if flags else ''}: {text}")
        L.append("")
    (out / "report.md").write_text("\n".join(L).rstrip() + "\n", encoding="utf-8")
