"""Multi-objective RL for the Conditional Language Policy (trains the per-objective deltas).

Each step: sample a weighting w per document (Dirichlet, plus some simplex vertices), draw several
responses per document conditioned on w (one shared prefill per document), score them with every
reward, and push up log-probabilities by the leave-one-out advantage of w·r minus a KL penalty to the
reference policy (the warmed-up model with w = 0; with ``rl_kl_anchor=start``, the policy as the run began, at
the same w).

    python -m steer_train.rl --config training/configs/shipped.json
"""

from __future__ import annotations

import copy
import json
import random
import time
from pathlib import Path

import numpy as np
import torch

from .config import RunConfig, load_config
from .data import build_prompt, load_split, sample_examples
from .generate import Prefix, build_prefix, decode, response_logprobs
from .grounding import grounded_decoder
from .model import CLPModel
from .reward_shaping import RewardScale, scalar_rewards
from .rewards import OBJECTIVES, Rewards
from .runtime import autocast, build_model, load_checkpoint, save_checkpoint, seed_all
from .sft import SHARED_FILE, load_deltas_file, resume_committed, save_shared

# The per-objective deltas alone, in bfloat16 (committed): what another session resumes RL from, with a fresh
# optimizer, since checkpoints/rl.pt (with the optimizer's state) is not committed.
RL_FILE = "rl_clp.safetensors"
# The per-objective deltas a run with rl_kl_anchor=start began from: its KL reference, kept so a resumed run
# anchors where the run began and not where it was stopped.
ANCHOR_FILE = "rl_anchor_clp.safetensors"


def sample_weights(rng: np.random.Generator, m: int, alpha: float, vertex_prob: float) -> np.ndarray:
    if rng.random() < vertex_prob:
        return np.eye(m)[rng.integers(m)]
    return rng.dirichlet([alpha] * m)


def draw_documents(pool: list, n: int, rng: random.Random, balance_sets: bool) -> list:
    """n distinct examples of the pool: uniformly by row, or (balance_sets) a set uniformly, then one of its own."""
    if not balance_sets:
        return rng.sample(pool, n)
    by_set: dict[str, list] = {}
    for e in pool:
        by_set.setdefault(e.dataset, []).append(e)
    names = sorted(by_set)
    out: list = []
    while len(out) < min(n, len(pool)):
        e = rng.choice(by_set[rng.choice(names)])
        if e not in out:
            out.append(e)
    return out


def prompts_for(tok, cfg: RunConfig, docs: list[str], weights: np.ndarray) -> list[list[int]]:
    objs = list(OBJECTIVES) if cfg.clp.prompt_conditioning else None
    return [tok(build_prompt(d, objs, list(w) if objs else None)).input_ids for d, w in zip(docs, weights)]


def rollout(model, tok, cfg, prompts, groups, w_rows, gen, docs: list[str] | None = None):
    """Samples a response per row; with ``cfg.grounded`` and the documents, under grounded decoding."""
    model.eval()
    rules = None
    if cfg.grounded and docs is not None:
        sampling = cfg.rl_temperature > 0
        # one decoder per document, shared by its samples: the rules hold no per-row state
        per_doc = [grounded_decoder(d, tok, [tok.eos_token_id], sampling) for d in docs]
        rules = [per_doc[g] for g in groups]
    with torch.no_grad(), autocast(model.embed_tokens.device, cfg.bf16):
        prefix = build_prefix(model, prompts, groups, w_rows, tok.eos_token_id)
        resp, ended = decode(
            model,
            prefix,
            w_rows,
            cfg.rl_max_new_tokens,
            [tok.eos_token_id],
            cfg.rl_temperature,
            generator=gen,
            grounding=rules,
        )
    return prefix, resp, ended


def scale_state(scale: RewardScale | None) -> list[float] | None:
    return None if scale is None or scale.var is None else [float(x) for x in scale.var]


def loo_advantage(returns: torch.Tensor, k: int) -> torch.Tensor:
    """Leave-one-out baseline: each sample against the mean of the other samples of its document."""
    g = returns.view(-1, k)
    base = (g.sum(1, keepdim=True) - g) / (k - 1)
    return (g - base).view(-1)


def policy_gradient(
    model, ref_model, variant, cfg: RunConfig, prompts, groups, w_rows, prefix: Prefix, resp, ended, scalar, eos: int
) -> torch.Tensor:
    """Accumulates the gradient of the step's loss (leave-one-out advantage of reward minus KL, per response
    token) and returns each row's KL. Rows go through in chunks of ``rl_update_rows`` (whole documents), so
    that memory is bounded by the chunk, not the batch (16 documents x 4 samples of up to 400 words ran out of
    24 GB at once); the gradient is the same as in one pass, every chunk dividing by the batch's tokens."""
    device, k, n = prefix.mask.device, cfg.rl_samples, len(resp)
    size = max(k, (cfg.rl_update_rows or n) // k * k)
    total = max(1, sum(len(r) + int(e) for r, e in zip(resp, ended)))
    kls = []
    for start in range(0, n, size):
        rows = list(range(start, min(n, start + size)))
        index = torch.tensor(rows, device=device)
        w, part_resp, part_ended = w_rows[rows], [resp[i] for i in rows], [ended[i] for i in rows]
        with autocast(device, cfg.bf16):
            ref = model if ref_model is None else ref_model
            pol_prefix, ref_prefix = variant.prefixes(
                model,
                ref_model,
                cfg,
                prompts,
                groups[start : start + len(rows)],
                w.to(device),
                prefix.select(index),
                eos,
            )
            logp, tmask = response_logprobs(model, pol_prefix, part_resp, part_ended, w, eos)
            with torch.no_grad():
                ref_logp, _ = response_logprobs(
                    ref, ref_prefix, part_resp, part_ended, variant.reference_weights(w), eos
                )
        kl = ((logp.detach() - ref_logp) * tmask).sum(1)
        if cfg.rl_kl_per_token:  # a summed KL is also a length penalty: it pulled every weighting short
            kl = kl / tmask.sum(1).clamp(min=1)
        returns = torch.tensor(scalar[rows], dtype=torch.float32, device=device) - cfg.rl_kl * kl
        adv = loo_advantage(returns, k)
        (-(adv[:, None] * logp * tmask).sum() / total).backward()
        kls.append(kl)
    return torch.cat(kls)


class RLVariant:
    """The shipped loop's choices at the points where the comparison's methods differ from it
    (``steer_train.compare.variants``): each document's weighting, the reference model of the KL penalty and
    the prefixes the log-probabilities start from."""

    def doc_weights(self, rng: np.random.Generator, cfg: RunConfig, n: int) -> np.ndarray:
        m = cfg.clp.num_objectives
        return np.stack([sample_weights(rng, m, cfg.rl_dirichlet, cfg.rl_vertex_prob) for _ in range(n)])

    def reference_model(self, model):
        """The model the KL penalty is taken against (with w = 0); None: the policy itself, whose trained
        per-objective deltas are off at w = 0."""
        return None

    def reference_weights(self, w_rows: torch.Tensor) -> torch.Tensor:
        """The weighting the reference is evaluated at: w = 0, the warm-up without per-objective deltas."""
        return torch.zeros_like(w_rows)

    def anchor(self, model) -> None:
        """Called once the run's starting deltas are loaded (after a resume too)."""

    def resume(self, model, checkpoint: dict) -> None:
        """Loads what else a resumed run trained besides the per-objective deltas."""

    def prefixes(
        self, model, ref_model, cfg, prompts, groups, w_rows, prefix: Prefix, pad: int
    ) -> tuple[Prefix, Prefix]:
        """Prefixes for the policy's and the reference's log-probabilities. Response-only: the rollout's prefill
        serves both (it does not depend on w)."""
        return prefix, prefix


class AnchoredVariant(RLVariant):
    """KL to the policy as the run began, at each row's own weighting (``rl_kl_anchor=start``)."""

    def __init__(self, out: Path) -> None:
        self.anchor_path = out / ANCHOR_FILE
        self.ref_model: CLPModel | None = None

    def reference_model(self, model):
        self.ref_model = copy.deepcopy(model).eval()
        self.ref_model.set_trainable("-")  # matches no parameter: everything frozen
        return self.ref_model

    def anchor(self, model) -> None:
        """The first start writes the starting deltas down, a resumed run reads them back."""
        assert self.ref_model is not None, "reference_model() comes first"
        if self.anchor_path.exists():
            self.ref_model.load_deltas(load_deltas_file(self.anchor_path)[0])
        else:
            self.ref_model.load_deltas(model.delta_state("clp"))
            save_shared(self.anchor_path, model, 0, "clp")

    def reference_weights(self, w_rows: torch.Tensor) -> torch.Tensor:
        return w_rows


def comparison_settings(cfg: RunConfig) -> list[str]:
    """Settings that only the comparison's variants of the loop handle (steer_train.compare)."""
    out = []
    if cfg.rl_weights:
        out.append(f"rl_weights={cfg.rl_weights}")
    if cfg.rl_train != "clp":
        out.append(f"rl_train={cfg.rl_train}")
    if not cfg.clp.response_only:
        out.append("clp.response_only=false")
    return out


def main(cfg: RunConfig | None = None, variant: RLVariant | None = None) -> Path:
    """Trains (or resumes) a run's RL phase; ``variant``: the comparison's departures from the shipped loop."""
    cfg = cfg or load_config()
    if variant is None:
        if needs := comparison_settings(cfg):
            raise SystemExit(f"{', '.join(needs)}: a variant of the comparison; train it with steer_train.compare")
        if cfg.rl_kl_anchor not in ("warmup", "start"):
            raise SystemExit(f"rl_kl_anchor={cfg.rl_kl_anchor!r}: warmup or start")
        variant = AnchoredVariant(Path(cfg.out_dir)) if cfg.rl_kl_anchor == "start" else RLVariant()
    seed_all(cfg.seed + 1)
    out = Path(cfg.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(cfg.to_json())
    model, tok, device = build_model(cfg)
    if sft := load_checkpoint(out / "checkpoints" / "sft.pt"):
        model.load_deltas(sft["shared"])
    elif not resume_committed(model, out / SHARED_FILE, "the warm-up") and cfg.sft_steps:
        raise SystemExit("run the supervised warm-up first (steer_train.sft)")
    ref_model = variant.reference_model(model)
    params = model.set_trainable(cfg.rl_train)
    if not params:
        raise SystemExit(f"rl_train={cfg.rl_train!r} finds no parameters (clp.rank=0 needs rl_train=shared)")
    opt = torch.optim.AdamW(params, lr=cfg.rl_lr, weight_decay=0.0)
    ckpt_path = out / "checkpoints" / "rl.pt"
    step = 0
    scale = RewardScale() if cfg.rl_scale_rewards else None
    if ck := load_checkpoint(ckpt_path):
        model.load_deltas(ck["clp"])
        if scale and ck["extra"].get("reward_var") is not None:
            scale.var = np.array(ck["extra"]["reward_var"])
        variant.resume(model, ck)
        opt.load_state_dict(ck["opt"])
        step = ck["step"]
        print(f"resumed RL at step {step}")
    elif meta := resume_committed(model, out / RL_FILE, "RL"):
        step = int(meta.get("step", "0"))
        if scale and (var := json.loads(meta.get("reward_var", "null"))) is not None:
            scale.var = np.array(var)
    variant.anchor(model)
    rng = np.random.default_rng(cfg.seed * 1000 + step)
    pyrng = random.Random(cfg.seed * 1000 + step)
    gen = torch.Generator(device=device).manual_seed(cfg.seed * 1000 + step)
    pool = sample_examples(load_split(cfg.data_dir, cfg.sets, "train"), 10**9, cfg.seed, cfg.rl_max_doc_words)
    rewards = Rewards(device=str(device))
    k, eos = cfg.rl_samples, tok.eos_token_id
    log_path = out / "rl_log.jsonl"
    # a resumed run keeps counting training time from where the log stopped
    before = json.loads(log_path.read_text().splitlines()[-1])["elapsed_s"] if step and log_path.exists() else 0.0
    log = log_path.open("a")
    t0 = time.time()
    while step < cfg.rl_steps:
        ts = time.time()
        batch = draw_documents(pool, cfg.rl_prompts, pyrng, cfg.rl_balance_sets)
        docs = [e.document for e in batch]
        w_doc = variant.doc_weights(rng, cfg, len(docs))
        groups = [i for i in range(len(docs)) for _ in range(k)]
        w_rows = torch.tensor(w_doc[groups], dtype=torch.float32)
        prompts = prompts_for(tok, cfg, docs, w_doc)
        prefix, resp, ended = rollout(model, tok, cfg, prompts, groups, w_rows, gen, docs)
        t_roll = time.time() - ts
        texts = tok.batch_decode(resp, skip_special_tokens=True)
        r, scalar = scalar_rewards(
            rewards, [docs[g] for g in groups], texts, ended, w_rows, k, scale, cfg.rl_concise_signal
        )
        t_rew = time.time() - ts - t_roll

        model.train()
        opt.zero_grad()
        kl = policy_gradient(model, ref_model, variant, cfg, prompts, groups, w_rows, prefix, resp, ended, scalar, eos)
        gnorm = torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        rec = {
            "step": step,
            "reward": round(float(scalar.mean()), 4),
            **{o: round(float(r[:, i].mean()), 4) for i, o in enumerate(OBJECTIVES)},
            "tokens": round(float(np.mean([len(x) for x in resp])), 1),
            "cut_off": round(1 - float(np.mean(ended)), 3),
            "kl": round(float(kl.mean()), 3),
            "grad_norm": round(float(gnorm), 3),
            "s_rollout": round(t_roll, 1),
            "s_reward": round(t_rew, 1),
            "s_step": round(time.time() - ts, 1),
            "elapsed_s": round(before + time.time() - t0, 1),
        }
        log.write(json.dumps(rec) + "\n")
        log.flush()
        print(rec, flush=True)
        if step % 5 == 0:
            i = int(np.argmax(w_doc[:, 0]))
            print("  w=", np.round(w_doc[i], 2), "->", texts[i * k][:200].replace("\n", " "), flush=True)
        over = cfg.max_minutes and time.time() - t0 > cfg.max_minutes * 60
        if step % cfg.checkpoint_every == 0 or step == cfg.rl_steps or over:
            save_checkpoint(ckpt_path, model, opt, step, {"reward_var": scale_state(scale)})
            save_shared(out / RL_FILE, model, step, "clp", {"reward_var": json.dumps(scale_state(scale))})
        if cfg.rl_snapshot_every and step % cfg.rl_snapshot_every == 0:
            (out / "snapshots").mkdir(exist_ok=True)
            save_shared(out / "snapshots" / f"rl_clp-{step:04d}.safetensors", model, step, "clp")
        if over:
            break
    save_checkpoint(ckpt_path, model, opt, step, {"done": step >= cfg.rl_steps, "reward_var": scale_state(scale)})
    save_shared(out / RL_FILE, model, step, "clp", {"reward_var": json.dumps(scale_state(scale))})
    return ckpt_path


if __name__ == "__main__":
    main()
