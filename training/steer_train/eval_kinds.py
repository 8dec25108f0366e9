"""Per-kind evaluation, part 2: scores the engine's summaries (``bench/eval-generate.ts``) per kind of document.

    python -m steer_train.eval_kinds --summaries FILE.jsonl --data /work/built-data --out training/reports/per-kind
    python -m steer_train.eval_kinds --summaries FILE.jsonl --documents DOCS.jsonl --out DIR

joins each summary with its document and reference (``--data``: the built editor data, DIR/<kind>/data.jsonl;
``--documents``: JSONL of {id, document, summary?}) and computes, per kind, per model and decoding mode
(``grounded`` / ``ungrounded``) and over all kinds:

- the share of summaries stating a name, number or identifier the document lacks
  (:func:`steer_train.grounding.unsupported_terms` non-empty), that loop
  (:func:`steer_train.text_quality.degeneracy` is ``"looping"``) or that contain markup (:func:`markup`), and
  the share of weightings with no usable summary (the engine's ``problem``); shares of summaries count the
  summaries the engine delivered (non-empty), the share without one counts every weighting;
- mean words and tokens at each vertex of the grid and at the default (balanced) weighting, and the ratio of
  words at the concise vertex to words at the complete vertex;
- steerability: per objective, the Spearman correlation of the mean reward
  (:meth:`steer_train.rewards.Rewards.score`) with its own weight over the grid points
  (:func:`steer_train.metrics.steerability`, as the training evaluation computes it);
- ROUGE-L F1 (rouge-score, stemming; :func:`steer_train.metrics.rouge_l`) against the reference at the default
  weighting, and the lead baseline's (:func:`lead_baseline`).

Writes ``results.json`` and ``report.md`` (one table per measure, kinds as rows, a column per model and mode,
and sample summaries at the concise vertex, the default weighting and the complete vertex).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .grounding import NUMBER_WORDS, DocumentTerms, unsupported_terms
from .metrics import OBJECTIVES, rouge_l, steerability, summarize_method, word_count
from .text_quality import degeneracy, split_sentences

KIND_ORDER = ("news", "dialogue", "science", "docs", "code", "long", "email")
ALL = "all"
MODE_ORDER = ("grounded", "ungrounded")
SAMPLES_PER_KIND = 2

# ---------------------------------------------------------------------------------------------------------------
# Markup
# ---------------------------------------------------------------------------------------------------------------

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
    that the document does not contain."""
    out = []
    for ch in dict.fromkeys(summary):
        cat = unicodedata.category(ch)
        if ch == "\ufffd" or (cat == "Cc" and ch not in "\n\r\t") or (cat in _STRAY_CATEGORIES and ch not in document):
            out.append(ch)
    return out


# ---------------------------------------------------------------------------------------------------------------
# The lead baseline
# ---------------------------------------------------------------------------------------------------------------

_CODE_SKIP = re.compile(
    r"""^\s*(?:
        $                                            # blank
      | import\s | from\s+\S+\s+import\s             # Python imports
      | (?:import|export)\s.*\sfrom\s+['"]           # ES imports and re-exports
      | import\s*['"(]                               # import 'x'  import('x')
      | (?:const|let|var)\s+[\w{},\s]+=\s*require\(  # CommonJS
      | ['"]use\sstrict['"]                          # 'use strict'
      | \#!                                          # shebang
      | \#.*coding[:=]                               # encoding line
      | from\s+__future__\s                          # (also an import)
    )""",
    re.VERBOSE,
)
_DOCS_SKIP = re.compile(
    r"""^\s*(?:
        $
      | \#{1,6}(?:\s|$)                  # heading
      | (=|-|~|\^|\*|\+|\#|"|'|`){3,}\s*$ # setext / reST underline or rule
      | ```|~~~                          # fence
      | </?[A-Za-z!]                     # HTML
      | !?\[!?\[                         # badge  [![...
      | !\[                              # image
      | \.\.\s                           # reST directive
      | \|                               # table row
    )""",
    re.VERBOSE,
)
MIN_LEAD_WORDS = 3


def lead_baseline(document: str, kind: str) -> str:
    """The lead baseline: what a summarizer that copies the opening would say.

    - prose kinds: the first sentence of :func:`~steer_train.text_quality.split_sentences`;
    - ``docs`` (Markdown/reST READMEs): the same over the lines left after dropping headings, underlines and
      rules, fences, HTML, badges and images, reST directives and table rows, skipping sentences of fewer than
      :data:`MIN_LEAD_WORDS` words (a README's first "sentence" is usually its title);
    - ``code``: the first line that is not blank, an import or require, ``'use strict'``, a shebang or an
      encoding line (stripped); there is no prose to take a sentence from.
    """
    if kind == "code":
        for line in document.split("\n"):
            if not _CODE_SKIP.match(line):
                return line.strip()
        return ""
    text = document
    if kind == "docs":
        text = "\n".join(line for line in document.split("\n") if not _DOCS_SKIP.match(line))
    sentences = split_sentences(text)
    if kind == "docs":
        sentences = [s for s in sentences if word_count(s) >= MIN_LEAD_WORDS] or sentences
    return sentences[0] if sentences else ""


# ---------------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rebuild_document(document: str, cut: dict | None) -> str:
    """The text the engine summarized: ``document`` cut as the generator cut it (see eval-generate.ts)."""
    if not cut:
        return document
    if "lines" in cut:
        return "\n".join(document.split("\n")[: int(cut["lines"])])
    return " ".join(document.split()[: int(cut["words"])])


def load_documents(data: Path | None, documents: Path | None, ids: set[str]) -> dict[str, dict]:
    """id -> {document, reference} for ``ids``, from built editor data or a JSONL of {id, document, summary?}."""
    rows: Iterable[dict]
    if documents is not None:
        rows = read_jsonl(documents)
    else:
        assert data is not None
        rows = (r for kind_file in sorted(data.glob("*/data.jsonl")) for r in read_jsonl(kind_file))
    out = {}
    for r in rows:
        if r["id"] in ids:
            out[r["id"]] = {"document": r["document"], "reference": r.get("summary") or r.get("reference")}
    missing = ids - set(out)
    if missing:
        raise SystemExit(f"{len(missing)} summarized documents are not in the data, e.g. {sorted(missing)[:3]}")
    return out


class Scorer(Protocol):
    def score(
        self, documents: Sequence[str], summaries: Sequence[str], hit_max_tokens: Sequence[bool] | None = None
    ) -> np.ndarray: ...


# ---------------------------------------------------------------------------------------------------------------
# Per-summary measures
# ---------------------------------------------------------------------------------------------------------------


def weights_vector(weights: dict | Sequence[float]) -> list[float]:
    if isinstance(weights, dict):
        unknown = set(weights) - set(OBJECTIVES)
        if unknown:
            raise ValueError(f"unknown objectives {sorted(unknown)}; expected {OBJECTIVES}")
        return [float(weights.get(o, 0.0)) for o in OBJECTIVES]
    return [float(w) for w in weights]


def build_records(summaries: list[dict], documents: dict[str, dict]) -> tuple[list[dict], dict[str, dict]]:
    """One scored record per summary line, and per document its text (as summarized), reference and lead.

    A record has the generator's fields plus ``method`` ("<model> <mode>"), ``weights`` (a list in
    :data:`~steer_train.metrics.OBJECTIVES` order), ``vertex`` (the objective whose vertex it is, else None),
    ``default`` (the default weighting, i.e. not a grid point), ``delivered`` (a non-empty summary), ``words``,
    ``unsupported`` (terms), ``markup`` (kinds), ``degenerate`` (``degeneracy``, with the token limit), and
    ``reference`` / ``rouge_l`` where the document has a reference.
    """
    docs: dict[str, dict] = {}
    terms: dict[str, DocumentTerms] = {}
    records = []
    for s in summaries:
        key = s["id"]
        source = documents[key]
        text = rebuild_document(source["document"], s.get("cut"))
        sha = s.get("docSha1")
        if sha and hashlib.sha1(text.encode("utf-8")).hexdigest() != sha:
            raise ValueError(f"document {key}: the rebuilt text differs from the one the engine summarized")
        if key not in docs:
            docs[key] = {
                "id": key,
                "kind": s["kind"],
                "document": text,
                "doc_words": word_count(text),
                "cut": bool(s.get("cut")),
                "reference": source.get("reference"),
                "lead": lead_baseline(text, s["kind"]),
            }
            terms[key] = DocumentTerms(text)
        summary = s.get("summary") or ""
        w = weights_vector(s["weights"])
        vertex = next((o for o, x in zip(OBJECTIVES, w, strict=True) if abs(x - 1.0) < 1e-6), None)
        hit_max = s.get("finishReason") == "length"
        reference = docs[key]["reference"]
        records.append(
            {
                **{k: v for k, v in s.items() if k not in ("weights",)},
                "method": f"{s.get('model', 'model')} {s['mode']}",
                "doc_id": key,
                "dataset": s["kind"],
                "weights": w,
                "grid": bool(s.get("grid", True)),
                "default": not s.get("grid", True),
                "vertex": vertex if s.get("grid", True) else None,
                "delivered": bool(summary.strip()),
                "words": word_count(summary),
                "hit_max_tokens": hit_max,
                "unsupported": unsupported_terms(summary, terms[key]) if summary else [],
                "markup": markup(summary),
                "stray": stray_characters(summary, text),
                "degenerate": degeneracy(summary, hit_max_tokens=hit_max),
                "reference": reference,
                "rouge_l": rouge_l(summary, reference) if reference else None,
            }
        )
    return records, docs


def add_rewards(records: list[dict], docs: dict[str, dict], scorer: Scorer, batch: int = 256) -> None:
    """Each record's ``rewards`` ([concise, faithful, complete]) from ``scorer`` (a :class:`Rewards`)."""
    for start in range(0, len(records), batch):
        part = records[start : start + batch]
        scores = scorer.score(
            [docs[r["doc_id"]]["document"] for r in part],
            [r.get("summary") or "" for r in part],
            hit_max_tokens=[r["hit_max_tokens"] for r in part],
        )
        for r, row in zip(part, scores, strict=True):
            r["rewards"] = [float(x) for x in row]


# ---------------------------------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------------------------------


def _mean(values: Iterable[float | int | None]) -> float | None:
    vs = [float(v) for v in values if v is not None]
    return float(np.mean(vs)) if vs else None


def _share(flags: Sequence[bool]) -> float | None:
    return float(np.mean(flags)) if flags else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def group_summary(records: list[dict]) -> dict[str, Any]:
    """The measures of one (kind, model and mode) group of records."""
    delivered = [r for r in records if r["delivered"]]
    out: dict[str, Any] = {
        "documents": len({r["doc_id"] for r in records}),
        "summaries": len(records),
        "delivered": len(delivered),
        "no_summary_share": _share([not r["delivered"] for r in records]),
        "problems": dict(Counter(r["problem"] for r in records if r.get("problem")).most_common()),
        "unsupported_share": _share([bool(r["unsupported"]) for r in delivered]),
        "name_or_number_share": _share(
            [any(unsupported_class(t) in ("name", "number") for t in r["unsupported"]) for r in delivered]
        ),
        **{
            f"{c.replace(' ', '_')}_share": _share(
                [any(unsupported_class(t) == c for t in r["unsupported"]) for r in delivered]
            )
            for c in UNSUPPORTED_CLASSES
        },
        "unsupported_terms": dict(Counter(t for r in delivered for t in r["unsupported"]).most_common(12)),
        "looping_share": _share([r["degenerate"] == "looping" for r in delivered]),
        "markup_share": _share([bool(r["markup"]) for r in delivered]),
        "markup_kinds": dict(Counter(k for r in delivered for k in r["markup"]).most_common()),
        "stray_share": _share([bool(r["stray"]) for r in delivered]),
        "stray_characters": dict(Counter(c for r in delivered for c in r["stray"]).most_common(12)),
        "looping_or_markup_share": _share([r["degenerate"] == "looping" or bool(r["markup"]) for r in delivered]),
        "degenerate_share": _share([r["degenerate"] is not None for r in records]),
        "degenerate_kinds": dict(Counter(r["degenerate"] for r in records if r["degenerate"]).most_common()),
        "mean_words": _mean(r["words"] for r in delivered),
        "mean_tokens": _mean(r["tokens"] for r in delivered),
    }
    ms = _mean({r["doc_id"]: r.get("ms") for r in records}.values())  # one preview per document and mode
    out["seconds_per_document"] = None if ms is None else ms / 1000

    at: dict[str, dict[str, float | None]] = {}
    for name, sel in [*((o, lambda r, o=o: r["vertex"] == o) for o in OBJECTIVES), ("default", lambda r: r["default"])]:
        rs = [r for r in delivered if sel(r)]
        at[name] = {
            "words": _mean(r["words"] for r in rs),
            "tokens": _mean(r["tokens"] for r in rs),
            "n": len(rs),
        }
    out["lengths"] = at
    out["concise_to_complete_words"] = _ratio(at["concise"]["words"], at["complete"]["words"])
    default = [r for r in records if r["default"]]
    out["rouge_l_default"] = _mean(r["rouge_l"] for r in default if r["rouge_l"] is not None)
    out["rewards_default"] = (
        {o: _mean(r["rewards"][i] for r in default if "rewards" in r) for i, o in enumerate(OBJECTIVES)}
        if default
        else None
    )

    grid = [r for r in records if r["grid"]]
    if grid and all("rewards" in r for r in grid) and len({tuple(r["weights"]) for r in grid}) > 1:
        method = grid[0]["method"]
        summary = summarize_method([{**r, "method": method} for r in grid], list(OBJECTIVES))
        weights = np.asarray([p["weights"] for p in summary["points"]], dtype=float)
        means = np.asarray(
            [[np.nan if p["rewards"][o] is None else p["rewards"][o] for o in OBJECTIVES] for p in summary["points"]],
            dtype=float,
        )
        steer = steerability(weights, means)
        out["steerability"] = dict(zip(OBJECTIVES, steer, strict=True))
        out["steerability_mean"] = float(np.mean(steer))
        out["hypervolume"] = summary["hypervolume"]
        out["rewards_at_vertices"] = {o: summary["vertices"][o]["rewards"] for o in OBJECTIVES}
    else:
        out["steerability"] = None
        out["steerability_mean"] = None
        out["hypervolume"] = None
        out["rewards_at_vertices"] = None
    return out


def _kind_order(kinds: Iterable[str]) -> list[str]:
    ks = set(kinds)
    return [k for k in KIND_ORDER if k in ks] + sorted(ks - set(KIND_ORDER))


def _method_order(methods: Iterable[str]) -> list[str]:
    def key(m: str) -> tuple[str, int, str]:
        model, _, mode = m.rpartition(" ")
        return (model, MODE_ORDER.index(mode) if mode in MODE_ORDER else len(MODE_ORDER), mode)

    return sorted(set(methods), key=key)


def lead_summary(docs: Iterable[dict]) -> dict[str, Any]:
    ds = list(docs)
    return {
        "documents": len(ds),
        "rouge_l": _mean(rouge_l(d["lead"], d["reference"]) for d in ds if d["reference"]),
        "words": _mean(word_count(d["lead"]) for d in ds),
        "document_words": _mean(d["doc_words"] for d in ds),
        "reference_words": _mean(word_count(d["reference"]) for d in ds if d["reference"]),
        "cut_documents": sum(d["cut"] for d in ds),
    }


def aggregate(records: list[dict], docs: dict[str, dict]) -> dict[str, Any]:
    """kind (and "all") -> method -> :func:`group_summary`, plus the lead baseline per kind."""
    kinds = _kind_order(r["kind"] for r in records)
    methods = _method_order(r["method"] for r in records)
    by: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        by[(r["kind"], r["method"])].append(r)
        by[(ALL, r["method"])].append(r)
    groups = {kind: {m: group_summary(by[(kind, m)]) for m in methods if by[(kind, m)]} for kind in [*kinds, ALL]}
    lead = {kind: lead_summary(d for d in docs.values() if d["kind"] == kind) for kind in kinds}
    lead[ALL] = lead_summary(docs.values())
    return {"kinds": kinds, "methods": methods, "objectives": list(OBJECTIVES), "groups": groups, "lead": lead}


def samples(records: list[dict], per_kind: int = SAMPLES_PER_KIND) -> list[dict]:
    """For the first ``per_kind`` documents of each kind: each method's summary at the concise vertex, the
    default weighting and the complete vertex."""
    out = []
    by_kind: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r["doc_id"] not in by_kind[r["kind"]]:
            by_kind[r["kind"]].append(r["doc_id"])
    for kind in _kind_order(by_kind):
        for doc_id in by_kind[kind][:per_kind]:
            rs = [r for r in records if r["doc_id"] == doc_id]
            entry: dict[str, Any] = {"kind": kind, "id": doc_id, "summaries": {}}
            for m in _method_order(r["method"] for r in rs):
                picks = {}
                for point in ("concise", "default", "complete"):
                    hit = next(
                        (
                            r
                            for r in rs
                            if r["method"] == m and (r["default"] if point == "default" else r["vertex"] == point)
                        ),
                        None,
                    )
                    if hit is not None:
                        picks[point] = {
                            "summary": hit.get("summary") or "",
                            "problem": hit.get("problem"),
                            "unsupported": hit["unsupported"],
                            "markup": hit["markup"],
                            "stray": hit["stray"],
                            "degenerate": hit["degenerate"],
                        }
                entry["summaries"][m] = picks
            out.append(entry)
    return out


# ---------------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------------


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
    L += _table(
        results,
        "Summaries with a name or a number the document lacks",
        lambda g: g["name_or_number_share"],
        "share:name_or_number_share",
        "Share of delivered summaries (all 16 weightings) with a term that `grounding.unsupported_terms` finds "
        "and `eval_kinds.unsupported_class` calls a name (upper case) or a number (digits, number words).",
    )
    L += _table(
        results,
        "… with an identifier the document lacks",
        lambda g: g["identifier_share"],
        "share:identifier_share",
        "Lower-case terms with `_ / : @ +` or a dot inside (paths, URLs, dotted or snake_case names).",
    )
    L += _table(
        results,
        "… with an invented word",
        lambda g: g["invented_word_share"],
        "share:invented_word_share",
        "A plain lower-case word in neither rules/vocabulary.txt nor the document (the rule of commit 302574b, "
        "newer than the engine that decoded these: see the notes).",
    )
    L += _table(
        results,
        "… with any unsupported term (all of the above)",
        lambda g: g["unsupported_share"],
        "share:unsupported_share",
    )
    L += _table(
        results,
        "Summaries that loop or contain markup",
        lambda g: g["looping_or_markup_share"],
        "share:looping_or_markup_share",
        "Looping: `text_quality.degeneracy` says `looping`. Markup: a code fence, heading line, list-marker "
        "line, table bar, HTML tag, link or image syntax, or inline code in backticks.",
    )
    L += _table(results, "… of which loop", lambda g: g["looping_share"], "share:looping_share")
    L += _table(results, "… of which contain markup", lambda g: g["markup_share"], "share:markup_share")
    L += _table(
        results,
        "Summaries with stray characters",
        lambda g: g["stray_share"],
        "share:stray_share",
        "U+FFFD (broken UTF-8), control characters, or emoji, symbols, private-use or unassigned characters "
        "that the document lacks (`eval_kinds.stray_characters`); not counted as markup above.",
    )
    L += _table(
        results,
        "Weightings with no usable summary",
        lambda g: g["no_summary_share"],
        "share:no_summary_share",
        "The engine's last check decoded again and still found the text empty, looping or markup only "
        "(`problem` set), or the engine failed on the document.",
    )
    L += _table(
        results,
        "Degenerate by the training rule (empty, looping or cut off)",
        lambda g: g["degenerate_share"],
        "share:degenerate_share",
        "`text_quality.degeneracy` with the token limit: these score 0 on every reward.",
    )
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
        "weighting and the complete vertex. Flags: U = unsupported terms, M = markup, S = stray characters, "
        "L = looping, C = cut off.",
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


# ---------------------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------------------


def _git_head() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def evaluate(summaries: list[dict], documents: dict[str, dict], scorer: Scorer | None) -> dict[str, Any]:
    records, docs = build_records(summaries, documents)
    if scorer is not None:
        add_rewards(records, docs, scorer)
    results = aggregate(records, docs)
    results["samples"] = samples(records)
    results["documents"] = {
        k: {"kind": d["kind"], "doc_words": d["doc_words"], "cut": d["cut"]} for k, d in sorted(docs.items())
    }
    return results


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--summaries", type=Path, required=True, help="JSONL from bench/eval-generate.ts")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--data", type=Path, help="built editor data (DIR/<kind>/data.jsonl)")
    src.add_argument("--documents", type=Path, help="JSONL of {id, document, summary?}")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--no-rewards", action="store_true", help="skip the reward model (no steerability)")
    p.add_argument("--note", action="append", default=[], help="a line for the report's notes")
    args = p.parse_args(argv)

    summaries = read_jsonl(args.summaries)
    documents = load_documents(args.data, args.documents, {s["id"] for s in summaries})
    scorer = None
    if not args.no_rewards:
        from .rewards import Rewards

        scorer = Rewards()
    results = evaluate(summaries, documents, scorer)
    ms = [s["ms"] for s in summaries if "ms" in s]
    per_doc = {(s["id"], s["mode"], s.get("model")): s["ms"] for s in summaries if "ms" in s}
    notes = [
        f"{len(summaries)} summaries of {len(results['documents'])} test-split documents from "
        f"`{args.summaries.name}`; scored at commit {_git_head() or '?'} by `python -m steer_train.eval_kinds`.",
        "Generation: `node dist/eval-generate.js` (bench/eval-generate.ts), the engine's `previewDetailed` with "
        "the 15-point simplex grid (divisions 4) plus the default weighting, greedy, the manifest's decoding "
        "settings; `grounded` is the engine's default, `ungrounded` is `sampling: { grounded: false }` (the "
        "last check that decodes an unusable summary again runs in both).",
        *args.note,
    ]
    if ms:
        notes.append(f"Generation time: {sum(per_doc.values()) / 1000 / 60:.0f} min of previews in all.")
    results["notes"] = notes
    write_report(results, args.out, notes)
    print(json.dumps({k: {m: _brief(g) for m, g in v.items()} for k, v in results["groups"].items()}, indent=1))
    return results


def _brief(g: dict) -> dict:
    return {
        k: (round(v, 3) if isinstance(v, float) else v)
        for k, v in g.items()
        if k
        in (
            "unsupported_share",
            "looping_or_markup_share",
            "no_summary_share",
            "mean_words",
            "steerability_mean",
            "rouge_l_default",
        )
    }


if __name__ == "__main__":
    main()
