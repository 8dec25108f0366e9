"""The base comparison's report renders every measured number from results alone (no model needed)."""

from steer_train.compare_bases import CompareConfig, aggregate
from steer_train.compare_bases_report import render
from steer_train.rewards import OBJECTIVES


def _row(doc: str, kind: str, summary: str, rouge: float) -> dict:
    return {
        "id": doc,
        "kind": kind,
        "prompt_tokens": 100,
        "tokens": 12,
        "ended": True,
        "seconds": 1.0,
        "summary": summary,
        "reference": "The reference.",
        "rouge_l": rouge,
        "rewards": dict.fromkeys(OBJECTIVES, 0.5),
        "degenerate": None,
        "unsupported": ["Zed"] if rouge < 0.2 else [],
        "words": len(summary.split()),
    }


def _speed(prefill: float, decode: float) -> dict:
    runs = {"prefill_ms": [prefill, prefill + 5], "decode_ms": [decode, decode + 1]}
    return {
        "prefill_ms": prefill,
        "decode_ms_per_token": decode,
        "prefill_ms_min": prefill,
        "decode_ms_per_token_min": decode,
        "runs": runs,
    }


def test_report_quotes_samples_and_ratios() -> None:
    rows_a = [_row("n1", "news", "A first summary.", 0.3), _row("c1", "code", "A code summary.", 0.1)]
    rows_b = [_row("n1", "news", "Another one.", 0.25), _row("c1", "code", "Line one\nline two", 0.15)]
    results = {
        "config": CompareConfig().__dict__,
        "machine": {"cpu": "test cpu", "torch": "x", "threads": 1, "load_average_at_start": [1, 1, 1], "date": "d"},
        "bases": {
            "a": {"name": "A", "licence": "l", "parameters": 1e6, "summary": aggregate(rows_a), "rows": rows_a},
            "b": {"name": "B", "licence": "l", "parameters": 2e6, "summary": aggregate(rows_b), "rows": rows_b},
        },
    }
    results["bases"]["a"]["speed"] = {"float32": _speed(100.0, 10.0)}
    results["bases"]["b"]["speed"] = {"float32": _speed(150.0, 25.0)}
    text = render(results)
    assert "| B | 2.0M | 150 | 25.0 | 40.0 | 1.50 | 2.50 |" in text
    assert "> Line one\n> line two" in text  # verbatim, line by line
    assert "unsupported: Zed" in text
    assert "bfloat16" not in text.split("## Zero-shot")[0]  # no bfloat16 table without its runs
