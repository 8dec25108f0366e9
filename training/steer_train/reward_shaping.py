"""Reward shaping for RL: how the per-objective rewards of a batch become the scalar each sample is trained on.

Kept beside the rewards (:mod:`steer_train.rewards`) so that what a sample earns is defined in one place: the
weighted sum ``w . r`` of its rewards, each scaled by its running within-document spread, with degenerate text
(:func:`~steer_train.text_quality.degeneracy`) always below every real summary.
"""

from __future__ import annotations

import numpy as np

from .rewards import Rewards
from .text_quality import degeneracy, token_count

DEGENERATE_REWARD = -0.25  # below any real summary: empty, looping or cut-off text never pays


class RewardScale:
    """Running within-document standard deviation of each reward. Dividing by it makes each objective move
    the policy comparably: unscaled, concise (which swings with every token of length) drowned out complete,
    and every weighting drifted towards short summaries."""

    def __init__(self, beta: float = 0.9) -> None:
        self.beta = beta
        self.var: np.ndarray | None = None

    def update(self, r: np.ndarray, k: int) -> np.ndarray:
        v = r.reshape(-1, k, r.shape[1]).var(axis=1).mean(0) + 1e-4
        self.var = v if self.var is None else self.beta * self.var + (1 - self.beta) * v
        return 1.0 / np.sqrt(self.var)


def log_length_signal(concise: np.ndarray, texts) -> np.ndarray:
    """What concise pays with ``rl_concise_signal="log_length"``: minus the log of each summary's length, the same
    for a halving on a 100- or a 5,000-word document, and no better than the longest possible summary where the
    concise reward is 0 (an ungrounded summary)."""
    logs = np.log(np.array([max(token_count(t), 1) for t in texts], dtype=np.float64))
    worst = float(logs.max()) if len(logs) else 0.0
    return np.where(concise > 0, -logs, -worst).astype(np.float32)


def scalar_rewards(
    rewards: Rewards, docs, texts, ended, w_rows, k: int, scale: RewardScale | None, concise_signal: str = "reward"
):
    """The rewards ``[n, m]`` of ``texts`` (``k`` samples per document, rows in order) and each sample's scalar.

    ``w_rows``: each sample's weighting (a tensor ``[n, m]``); ``ended``: whether its generation ended by itself,
    so that an unfinished last sentence of one that hit the token limit counts as cut off; ``concise_signal``:
    "reward" or "log_length" (:func:`log_length_signal`) for what the first objective pays.
    """
    r = rewards.score(docs, texts)
    paid = r.copy()
    if concise_signal == "log_length":
        paid[:, 0] = log_length_signal(r[:, 0], texts)
    elif concise_signal != "reward":
        raise ValueError(f"concise_signal={concise_signal!r}: reward or log_length")
    factor = scale.update(paid, k) if scale else np.ones(r.shape[1])
    scalar = (w_rows.numpy() * paid * factor).sum(1)
    bad = np.array([degeneracy(t, hit_max_tokens=not e) is not None for t, e in zip(texts, ended)])
    if scale:  # in scaled units: one unit below the worst real summary of the batch
        scalar[bad] = (scalar[~bad].min() if (~bad).any() else 0.0) - 1.0
    else:
        scalar[bad] = DEGENERATE_REWARD
    return r, scalar
