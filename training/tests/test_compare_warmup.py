"""The warm-up comparison of bases: every base sees the same batches, and the paired interval is sound."""

import json
from pathlib import Path

from steer_train.compare_warmup import WarmupConfig, bootstrap_interval, training_batches


def write_set(root: Path, name: str, rows: list[tuple[str, str, str]]) -> None:
    (root / name).mkdir(parents=True)
    with (root / name / "data.jsonl").open("w") as f:
        for i, (split, doc, summary) in enumerate(rows):
            f.write(json.dumps({"id": f"{name}-{i}", "split": split, "document": doc, "summary": summary}) + "\n")


def test_batches_are_the_same_whatever_the_base(tmp_path: Path):
    doc = "The harbour board approved the solar farm on Monday after a long public consultation."
    news = [("train", doc, "The board approved the solar farm")] * 3 + [("test", doc, "Held out.")]
    write_set(tmp_path, "news", news)
    blinker = "Blinker provides a fast dispatching system for signals."
    write_set(tmp_path, "docs", [("train", blinker, "Blinker dispatches signals")])
    cfg = WarmupConfig(data_dir=str(tmp_path), train_kinds=["news", "docs"], steps=6, batch=3)
    first, again = training_batches(cfg), training_batches(WarmupConfig(**{**cfg.__dict__, "bases": ["gemma3"]}))
    assert [[e.id for e in b] for b in first] == [[e.id for e in b] for b in again]
    assert len(first) == 6 and all(len(b) == 3 for b in first)
    examples = [e for b in first for e in b]
    assert {e.dataset for e in examples} == {"news", "docs"}  # both sets drawn, however many examples each has
    assert all(e.summary.endswith(".") for e in examples)  # references end as sentences, as grounded decoding does
    assert "Held out." not in {e.summary for e in examples}  # train split only


def test_bootstrap_interval_brackets_the_mean():
    low, high = bootstrap_interval([0.1, -0.2, 0.3, 0.0, 0.05])
    assert low < 0.05 < high
    assert bootstrap_interval([0.2] * 4) == (0.2, 0.2)
