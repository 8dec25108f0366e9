"""The Gemma 3 family (steer_train/gemma.py) against transformers' Gemma3ForCausalLM: a tiny random model
with a window shorter than the sequences, so that local attention, both rope bases and the soft-caps are
exercised; and the CLP deltas at zero leave the base unchanged."""

import pytest
import torch
from transformers import Gemma3ForCausalLM, Gemma3TextConfig

from steer_train.gemma import SLIDING, GemmaCLPModel, config_from_hf
from steer_train.model import CLPConfig, CLPLinear

TOL = 1e-4
WINDOW = 4


def tiny_hf() -> Gemma3ForCausalLM:
    torch.manual_seed(0)
    config = Gemma3TextConfig(
        vocab_size=96,
        hidden_size=64,
        intermediate_size=112,
        num_hidden_layers=4,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=16,
        query_pre_attn_scalar=24,  # not head_dim: the scaling must come from this
        sliding_window=WINDOW,
        layer_types=["sliding_attention", "sliding_attention", "full_attention", "sliding_attention"],
        rope_parameters={
            "full_attention": {"rope_type": "default", "rope_theta": 1_000_000.0},
            "sliding_attention": {"rope_type": "default", "rope_theta": 10_000.0},
        },
        final_logit_softcapping=5.0,  # small enough that the cap bends the logits
        attn_logit_softcapping=None,
        max_position_embeddings=128,
        attn_implementation="eager",
    )
    model = Gemma3ForCausalLM(config).float().eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            # transformers initializes the norms at zero (scale one); random ones test the (1 + weight)
            p.normal_(0, 0.3 if "norm" in name else 0.08)
    return model


def ours(hf: Gemma3ForCausalLM, clp: CLPConfig | None = None) -> GemmaCLPModel:
    model = GemmaCLPModel(config_from_hf(hf.config), clp or CLPConfig(rank=0, shared_rank=0))
    model.load_base(hf.state_dict())
    return model.eval()


def run_full(model: GemmaCLPModel, ids: torch.Tensor, mask: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    logits, _ = model(ids, mask, pos, model.empty_past(ids.shape[0]), weights)
    return logits


def test_config_reads_layer_types_and_rope_bases() -> None:
    cfg = config_from_hf(tiny_hf().config)
    assert [cfg.is_sliding(i) for i in range(4)] == [True, True, False, True]
    assert (cfg.rope_theta, cfg.rope_local_theta, cfg.sliding_window) == (1_000_000.0, 10_000.0, WINDOW)
    assert cfg.layer_types[0] == SLIDING


def test_logits_match_transformers_beyond_the_window() -> None:
    hf = tiny_hf()
    model = ours(hf)
    ids = torch.randint(0, 96, (2, 13))  # 13 > 3 x the window
    mask = torch.ones_like(ids)
    with torch.no_grad():
        ref = hf(input_ids=ids, attention_mask=mask).logits
        got = run_full(model, ids, mask, torch.zeros(2, 3))
    assert (got - ref).abs().max().item() < TOL


def test_left_padded_rows_match_transformers() -> None:
    hf = tiny_hf()
    model = ours(hf)
    ids = torch.randint(1, 96, (2, 11))
    mask = torch.ones_like(ids)
    mask[1, :3] = 0
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        ref = hf(input_ids=ids, attention_mask=mask, position_ids=pos).logits
        got = run_full(model, ids, mask, torch.zeros(2, 3))
    real = mask.bool()  # padded query rows are defined differently (each sees itself here) and never read
    assert (got[real] - ref[real]).abs().max().item() < TOL


def test_cached_decoding_matches_the_full_forward() -> None:
    hf = tiny_hf()
    model = ours(hf)
    ids = torch.randint(0, 96, (1, 12))
    with torch.no_grad():
        ref = hf(input_ids=ids).logits
        w = torch.zeros(1, 3)
        prompt = 5
        mask = torch.ones(1, prompt, dtype=torch.long)
        logits, past = model(ids[:, :prompt], mask, torch.arange(prompt)[None], model.empty_past(1), w)
        steps = [logits[:, -1]]
        for t in range(prompt, ids.shape[1]):
            mask = torch.ones(1, t + 1, dtype=torch.long)
            logits, past = model(ids[:, t : t + 1], mask, torch.tensor([[t]]), past, w)
            steps.append(logits[:, -1])
    got = torch.stack(steps, dim=1)
    assert (got - ref[:, prompt - 1 :]).abs().max().item() < TOL


def test_zero_objective_deltas_equal_the_base() -> None:
    hf = tiny_hf()
    base = ours(hf)
    clp = ours(hf, CLPConfig(rank=4, shared_rank=0, subset="all"))
    ids = torch.randint(0, 96, (2, 9))
    mask = torch.ones_like(ids)
    weights = torch.tensor([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]])
    with torch.no_grad():
        expected = run_full(base, ids, mask, weights)
        # the up-projections start at zero: whatever the weighting, the base
        assert (run_full(clp, ids, mask, weights) - expected).abs().max().item() < 1e-6
        for mod in clp.modules():
            if isinstance(mod, CLPLinear) and mod.clp_b is not None:
                mod.clp_b.normal_(0, 0.05)
        # non-zero deltas under a zero weighting: still the base (the gate is zero) ...
        assert (run_full(clp, ids, mask, torch.zeros(2, 3)) - expected).abs().max().item() < 1e-6
        # ... and under a real weighting they steer
        assert (run_full(clp, ids, mask, weights) - expected).abs().max().item() > 1e-3


@pytest.mark.parametrize("subset", ["logits", "attention"])
def test_subsets_condition_only_their_layers(subset: str) -> None:
    model = GemmaCLPModel(config_from_hf(tiny_hf().config), CLPConfig(rank=2, shared_rank=0, subset=subset))
    conditioned = {n.split(".")[-2] for n, _ in model.named_parameters() if n.endswith("clp_a")}
    assert conditioned == ({"head_delta"} if subset == "logits" else {"q_proj", "k_proj", "v_proj", "o_proj"})
