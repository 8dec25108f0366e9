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

Modules: ``checks`` (markup, unsupported terms, stray characters), ``lead`` (the lead baseline), ``records`` (the
summaries joined with their documents), ``aggregate`` (per kind, model and mode), ``report`` (report.md) and
``cli``.
"""

from .aggregate import ALL, KIND_ORDER, MODE_ORDER, aggregate, group_summary, samples
from .checks import MARKUP_PATTERNS, UNSUPPORTED_CLASSES, markup, stray_characters, unsupported_class
from .cli import evaluate, main
from .lead import lead_baseline
from .records import Scorer, add_rewards, build_records, load_documents, read_jsonl, rebuild_document
from .report import write_report

__all__ = [
    "ALL",
    "KIND_ORDER",
    "MARKUP_PATTERNS",
    "MODE_ORDER",
    "UNSUPPORTED_CLASSES",
    "Scorer",
    "add_rewards",
    "aggregate",
    "build_records",
    "evaluate",
    "group_summary",
    "lead_baseline",
    "load_documents",
    "main",
    "markup",
    "read_jsonl",
    "rebuild_document",
    "samples",
    "stray_characters",
    "unsupported_class",
    "write_report",
]
