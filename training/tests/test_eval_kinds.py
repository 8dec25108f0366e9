"""Tests for steer_train.eval_kinds: markup, the lead baseline, rebuilding cut documents and the aggregation.

No model: the reward model is replaced by a small scorer object passed to ``evaluate`` (the production code
takes any object with ``score``), so these run in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from steer_train.eval_kinds import (
    evaluate,
    lead_baseline,
    main,
    markup,
    rebuild_document,
    stray_characters,
    unsupported_class,
    write_report,
)

DOC = "Alice Smith met Bob in Paris on Monday. They discussed 12 projects and a budget.\nBob left early."
REF = "Alice Smith and Bob discussed 12 projects in Paris."


class LengthScorer:
    """concise falls and complete rises with the summary's words; faithful is 0.5 for a non-empty summary."""

    def score(self, documents, summaries, hit_max_tokens=None):
        out = []
        for s in summaries:
            n = len(s.split())
            out.append([1.0 / (1 + n), 0.5 if n else 0.0, min(1.0, n / 20)] if n else [0.0, 0.0, 0.0])
        return np.asarray(out, dtype=np.float32)


def _rec(doc_id, kind, mode, weights, summary, grid=True, **extra):
    return {
        "id": doc_id,
        "kind": kind,
        "model": "m",
        "mode": mode,
        "weights": dict(zip(("concise", "faithful", "complete"), weights, strict=True)),
        "grid": grid,
        "summary": summary,
        "tokens": len(summary.split()) * 2,
        "finishReason": "eos",
        "ms": 1000,
        **extra,
    }


def _records():
    third = [1 / 3, 1 / 3, 1 / 3]
    return [
        _rec("n1", "news", "grounded", [1, 0, 0], "Alice met Bob."),
        _rec("n1", "news", "grounded", [0, 1, 0], "Alice Smith met Bob in Paris."),
        _rec("n1", "news", "grounded", [0, 0, 1], "Alice Smith met Bob in Paris on Monday and discussed 12 projects."),
        _rec("n1", "news", "grounded", third, "Alice Smith met Bob in Paris.", grid=False),
        _rec("n1", "news", "ungrounded", [1, 0, 0], "Alice met Carol in Rome."),  # unsupported: Carol, Rome
        _rec("n1", "news", "ungrounded", [0, 1, 0], "- Alice met Bob\n- They discussed 12 projects"),  # markup
        _rec("n1", "news", "ungrounded", [0, 0, 1], "Bob met Bob met Bob met Alice in Paris."),  # looping
        _rec("n1", "news", "ungrounded", third, "", grid=False, problem="no usable summary"),
    ]


def test_markup_finds_each_kind_and_spares_prose():
    assert markup("Alice met Bob in Paris, and they discussed 12 projects (of 40).") == []
    assert markup("It costs $5 | or less") == []  # one bar in prose is not a table
    assert markup("```python\nx = 1\n```") == ["code fence"]
    assert markup("## Usage\nCall it.") == ["heading"]
    assert markup("Title\n=====") == ["heading"]
    assert markup("Steps:\n- install\n- run") == ["list marker"]
    assert markup("1. install it") == ["list marker"]
    assert markup("| a | b |") == ["table bar"]
    assert markup("Use <b>bold</b> text.") == ["html tag"]
    assert markup("See [the docs](https://example.org).") == ["link"]
    assert markup("Call `load()` first.") == ["inline code"]
    assert markup("3 < 4 and 5 > 2") == []


def test_lead_baseline_prose_docs_and_code():
    assert lead_baseline(DOC, "news") == "Alice Smith met Bob in Paris on Monday."
    readme = "# mypkg\n\n[![build](https://x/badge.svg)](https://x)\n\nMypkg parses config files fast. It is small.\n"
    assert lead_baseline(readme, "docs") == "Mypkg parses config files fast."
    code = "import os\nfrom x import y\n\n\ndef load(path):\n    return os.path.join(path, y)\n"
    assert lead_baseline(code, "code") == "def load(path):"
    js = "'use strict';\nconst fs = require('fs');\nfunction read(p) {\n  return fs.readFileSync(p);\n}"
    assert lead_baseline(js, "code") == "function read(p) {"
    assert lead_baseline("", "news") == ""


def test_rebuild_document_follows_the_generators_cut():
    text = "one two\nthree four five\nsix"
    assert rebuild_document(text, None) == text
    assert rebuild_document(text, {"lines": 2}) == "one two\nthree four five"
    assert rebuild_document("a  b\tc d", {"words": 3}) == "a b c"


def test_evaluate_counts_shares_lengths_steerability_and_rouge():
    records = _records()
    docs = {"n1": {"document": DOC, "reference": REF}}
    results = evaluate(records, docs, LengthScorer())
    assert results["kinds"] == ["news"]
    assert results["methods"] == ["m grounded", "m ungrounded"]
    g = results["groups"]["news"]["m grounded"]
    u = results["groups"]["news"]["m ungrounded"]
    # grounded: every summary supported, plain prose, delivered
    assert g["unsupported_share"] == 0.0 and g["looping_or_markup_share"] == 0.0 and g["no_summary_share"] == 0.0
    # ungrounded: 3 delivered of 4; one unsupported, one markup, one looping
    assert u["delivered"] == 3 and u["no_summary_share"] == pytest.approx(0.25)
    assert u["unsupported_share"] == pytest.approx(1 / 3)
    assert sorted(u["unsupported_terms"]) == ["Carol", "Rome"]
    assert u["name_or_number_share"] == pytest.approx(1 / 3) and u["invented_word_share"] == 0.0
    assert u["markup_share"] == pytest.approx(1 / 3) and u["markup_kinds"] == {"list marker": 1}
    assert u["looping_share"] == pytest.approx(1 / 3)
    assert u["looping_or_markup_share"] == pytest.approx(2 / 3)
    # lengths at the vertices and the default weighting (delivered summaries only)
    assert g["lengths"]["concise"]["words"] == 3 and g["lengths"]["complete"]["words"] == 12
    assert g["lengths"]["default"] == {"words": 6, "tokens": 12, "n": 1}
    assert u["lengths"]["default"]["n"] == 0 and u["lengths"]["default"]["words"] is None
    assert g["concise_to_complete_words"] == pytest.approx(3 / 12)
    # longer toward complete: concise and complete rewards follow their weights
    assert g["steerability"]["concise"] == pytest.approx(3**0.5 / 2)  # ties among the zero weights
    assert g["steerability"]["complete"] == pytest.approx(3**0.5 / 2)
    # ROUGE-L at the default weighting; the problem row counts as 0
    assert 0.3 < g["rouge_l_default"] < 1.0
    assert u["rouge_l_default"] == 0.0
    lead = results["lead"]["news"]
    assert lead["documents"] == 1 and 0.3 < lead["rouge_l"] < 1.0
    # "all" pools the kinds
    assert results["groups"]["all"]["m ungrounded"]["summaries"] == 4
    assert results["groups"]["news"]["m grounded"]["seconds_per_document"] == 1.0
    # samples: the concise vertex, the default weighting and the complete vertex per method
    sample = results["samples"][0]
    assert sample["id"] == "n1" and set(sample["summaries"]["m grounded"]) == {"concise", "default", "complete"}
    assert sample["summaries"]["m ungrounded"]["default"]["problem"] == "no usable summary"


def test_evaluate_without_rewards_and_a_changed_document():
    docs = {"n1": {"document": DOC, "reference": REF}}
    results = evaluate(_records(), docs, None)
    assert results["groups"]["news"]["m grounded"]["steerability"] is None
    bad = [{**r, "docSha1": hashlib.sha1(b"another text").hexdigest()} for r in _records()]
    with pytest.raises(ValueError, match="differs"):
        evaluate(bad, docs, None)


def test_report_and_command_line(tmp_path):
    summaries = tmp_path / "s.jsonl"
    cut = {"lines": 1}
    first_line = DOC.split("\n")[0]
    sha = hashlib.sha1(first_line.encode()).hexdigest()
    summaries.write_text("".join(json.dumps({**r, "cut": cut, "docSha1": sha}) + "\n" for r in _records()))
    documents = tmp_path / "d.jsonl"
    documents.write_text(json.dumps({"id": "n1", "document": DOC, "summary": REF}) + "\n")
    out = tmp_path / "report"
    results = main(["--summaries", str(summaries), "--documents", str(documents), "--out", str(out), "--no-rewards"])
    assert results["documents"]["n1"]["cut"] is True
    text = (out / "report.md").read_text()
    assert "| news |" in text and "m ungrounded" in text and "“Alice met Bob.”" in text
    assert json.loads((out / "results.json").read_text())["groups"]["news"]["m grounded"]["documents"] == 1
    write_report(results, tmp_path / "again")  # a results dict renders again


def test_stray_characters():
    assert stray_characters("A type\ufffdtype.", "a type") == ["\ufffd"]
    assert stray_characters("Great news 🎉", "Great news") == ["🎉"]
    assert stray_characters("Great news 🎉", "Party 🎉 time") == []
    assert stray_characters("Plain prose, café and 3 €.", "") == []
    # what a summary writes when grounding keeps it from a date: "on December %19", "December &19"
    assert stray_characters("She tested positive on December %19.", "on 19 December") == ["%"]
    assert stray_characters("She tested positive on December &19.", "on 19 December") == ["&1"]
    assert stray_characters("Sales rose 15% and 15 %; Tom & Jerry.", "") == []
    assert stray_characters("The S&P working group meets.", "assigned to the S&P working group") == []


def test_unsupported_class():
    assert unsupported_class("Carol") == "name"
    assert unsupported_class("1,2,500") == "number"
    assert unsupported_class("twelve") == "number"
    assert unsupported_class("os.path") == "identifier"
    assert unsupported_class("_need_link") == "identifier"
    assert unsupported_class("blastosutil") == "invented word"
