"""The denial check: golden cases shared with the engine (rules/negation-cases.json), and the rewards it feeds."""

import json
from pathlib import Path

import pytest

from steer_train.grounding.negation import affirmed_denials, denied_words, without_affirmed_denials

CASES = json.loads((Path(__file__).resolve().parents[2] / "rules" / "negation-cases.json").read_text())


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda c: c["summary"][:40])
def test_golden_cases(case):
    denied = denied_words(case["document"])
    assert sorted(denied) == case["denied"]
    assert affirmed_denials(case["summary"], denied) == case["affirmed"]
    assert without_affirmed_denials(case["summary"], denied) == case["kept"]
