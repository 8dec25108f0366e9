"""What RL pays for concise (steer_train.reward_shaping): a halving of length pays alike on every document."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from steer_train.reward_lexical import concise_score
from steer_train.reward_shaping import log_length_signal


def words(n: int) -> str:
    return " ".join(["word"] * n)


def test_the_concise_reward_saturates_on_a_long_document_but_log_length_does_not():
    short_doc, long_doc = 60, 3000
    # the reward barely tells a 10- from a 40-word summary of a long document ...
    assert concise_score(10, long_doc) - concise_score(40, long_doc) < 0.02
    assert concise_score(10, short_doc) - concise_score(40, short_doc) > 0.5
    # ... log length pays the same for the same shortening, whatever the document's length
    texts = [words(10), words(40)]
    signal = log_length_signal(np.array([0.9, 0.8]), texts)
    assert signal[0] > signal[1]
    assert np.isclose(signal[0] - signal[1], np.log(4.0))


def test_an_ungrounded_summary_earns_no_more_than_the_longest_of_its_batch():
    texts = [words(5), words(20), words(80)]
    # the 5-word one stated a name its document lacks: its concise reward is 0
    signal = log_length_signal(np.array([0.0, 0.9, 0.5]), texts)
    assert signal[0] == signal[2] < signal[1]
