"""The grounded logits processor: per row, only tokens whose text may follow the summary so far stay, the twin
of ``src/engine/generation/grounded-decoding.ts``.
"""

from __future__ import annotations

import re

import numpy as np
import torch

from .continuation import Continuation
from .terms import DocumentTerms


class PieceTable:
    """Token texts, decoded one id at a time and cached ('' for special tokens)."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer
        self._cache: dict[int, str] = {}

    def piece(self, tid: int) -> str:
        p = self._cache.get(tid)
        if p is None:
            p = self.tokenizer.decode([tid], skip_special_tokens=True, clean_up_tokenization_spaces=False)
            self._cache[tid] = p
        return p

    def text(self, ids: list[int]) -> str:
        if not ids:
            return ""
        return self.tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False)


GROUNDED_SAMPLING_KEEP = 40
# Candidates checked per step at most: when the best thousand tokens all break the rules, the summary ends.
MAX_CHECKED = 1000


class GroundedDecoder:
    """Keeps the first ``keep`` tokens (by descending logit, ties to the lower id) that may follow the row's
    summary so far; every other token is forbidden. If none passes, only end-of-sequence stays."""

    def __init__(self, continuation: Continuation, pieces: PieceTable, eos_ids: list[int], keep: int = 1) -> None:
        self.continuation = continuation
        self.pieces = pieces
        self.eos = set(eos_ids)
        self.keep = keep
        self._spellings: list[list[int]] | None = None

    def _character_spellings(self) -> list[list[int]]:
        """How the tokenizer spells the document's characters outside ASCII (alone and after a space)."""
        if self._spellings is None:
            chars = sorted(self.continuation.doc.non_ascii)
            self._spellings = [self.pieces.encode(v) for ch in chars for v in (ch, " " + ch)]
        return self._spellings

    def _incomplete_tail(self, generated: list[int]) -> list[int]:
        k = len(generated)
        while k > 0 and self.pieces.text(generated[:k]).endswith("\ufffd"):
            k -= 1
        return generated[k:]

    def allows(self, ctx, generated: list[int], pending: list[int], tid: int) -> bool:
        if tid in self.eos:
            return not pending and self.continuation.check(ctx, "", True) is None
        piece = self.pieces.piece(tid)
        if not piece:
            return False
        if pending or "\ufffd" in piece:
            # Bytes of a multi-byte character: they must spell the start of one of the document's characters.
            seq = [*pending, tid]
            spelled = any(s[: len(seq)] == seq for s in self._character_spellings())
            text = self.pieces.text([*generated, tid])
            if not text.startswith(ctx[0]):
                return False
            piece = text[len(ctx[0]) :]
            if piece.endswith("\ufffd"):
                return spelled and not piece.rstrip("\ufffd")
        return self.continuation.check(ctx, piece) is None

    def kept(self, logits: torch.Tensor, generated: list[int]) -> list[int]:
        ctx = self.continuation.prepare(self.pieces.text(generated).rstrip("\ufffd"))
        pending = self._incomplete_tail(generated)
        row = logits.detach().float().cpu()
        limit = min(row.numel(), MAX_CHECKED)
        out: list[int] = []
        k, seen = 0, 0
        unbound = False  # the model's number was refused for its word (number_binding.py)
        while len(out) < self.keep and seen < limit:
            k = min(limit, max(64, 4 * k))
            # Stable order: by value descending, then by id ascending (as the engine's candidatesInOrder).
            vals, idx = torch.topk(row, k)
            order = sorted(zip(vals.tolist(), idx.tolist()), key=lambda p: (-p[0], p[1]))
            for value, tid in order[seen:]:
                if value == float("-inf"):
                    seen = limit
                    break
                if self.allows(ctx, generated, pending, tid):
                    # as the engine: unless the next allowed token is a number too, the row ends here
                    if unbound and not out and not re.match(r"\s?\d", self.pieces.piece(tid)):
                        return sorted(self.eos)
                    out.append(tid)
                    if len(out) >= self.keep:
                        break
                elif not out and tid == order[0][1] and tid not in self.eos:
                    unbound = self.continuation.unbound_word_start(ctx, self.pieces.piece(tid)) >= 0
            seen = max(seen, k)
        return out or sorted(self.eos)

    def draw(
        self, cand_ids: list[int], cand_probs: np.ndarray, generated: list[int], rng: np.random.Generator
    ) -> int | None:
        """Sampling's shortcut (training rollouts): draws among the candidates, the highest raw logits, in
        proportion to ``cand_probs`` until one may follow; one or two checks where ``kept`` makes dozens (12 ms a
        token and row on a CPU, the bulk of a rollout's time on a GPU). None: the full path decides (every
        candidate refused, or the best one refused for a number the document binds to another word)."""
        ctx = self.continuation.prepare(self.pieces.text(generated).rstrip("\ufffd"))
        pending = self._incomplete_tail(generated)
        p = np.asarray(cand_probs, dtype=np.float64).copy()
        while (total := p.sum()) > 0:
            j = int(rng.choice(len(p), p=p / total))
            tid = cand_ids[j]
            if self.allows(ctx, generated, pending, tid):
                return tid
            if (
                j == 0
                and tid not in self.eos
                and self.continuation.unbound_word_start(ctx, self.pieces.piece(tid)) >= 0
            ):
                return None
            p[j] = 0.0
        return None

    def process(self, logits: torch.Tensor, generated: list[int]) -> None:
        """In place on one row's logits [vocab]."""
        keep = self.kept(logits, generated)
        vals = logits[keep].clone()
        logits.fill_(float("-inf"))
        logits[keep] = torch.where(torch.isfinite(vals), vals, torch.zeros_like(vals))


def grounded_decoder(document: str, tokenizer, eos_ids: list[int], sampling: bool) -> GroundedDecoder:
    return GroundedDecoder(
        Continuation(DocumentTerms(document)),
        _pieces(tokenizer),
        eos_ids,
        GROUNDED_SAMPLING_KEEP if sampling else 1,
    )


_PIECE_TABLES: dict[int, PieceTable] = {}


def _pieces(tokenizer) -> PieceTable:
    t = _PIECE_TABLES.get(id(tokenizer))
    if t is None:
        t = _PIECE_TABLES[id(tokenizer)] = PieceTable(tokenizer)
    return t
