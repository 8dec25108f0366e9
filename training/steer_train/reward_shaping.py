"""Reward shaping for RL: how the per-objective rewards of a batch become the scalar each sample is trained on.

Kept beside the rewards (:mod:`steer_train.rewards`) so that what a sample earns is defined in one place: the
weighted sum ``w . r`` of its rewards, each scaled by its running within-document spread, with degenerate text
(:func:`~steer_train.text_quality.degeneracy`) always below every real summary.
"""

from __future__ import annotations

import numpy as np

from .rewards import Rewards
from .text_quality import degeneracy

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


def scalar_rewards(rewards: Rewards, docs, texts, ended, w_rows, k: int, scale: RewardScale | None):
    """The rewards ``[n, m]`` of ``texts`` (``k`` samples per document, rows in order) and each sample's scalar.

    ``w_rows``: each sample's weighting (a tensor ``[n, m]``); ``ended``: whether its generation ended by itself,
    so that an unfinished last sentence of one that hit the token limit counts as cut off.
    """
    r = rewards.score(docs, texts)
    factor = scale.update(r, k) if scale else np.ones(r.shape[1])
    scalar = (w_rows.numpy() * r * factor).sum(1)
    bad = np.array([degeneracy(t, hit_max_tokens=not e) is not None for t, e in zip(texts, ended)])
    if scale:  # in scaled units: one unit below the worst real summary of the batch
        scalar[bad] = (scalar[~bad].min() if (~bad).any() else 0.0) - 1.0
    else:
        scalar[bad] = DEGENERATE_REWARD
    return r, scalar
