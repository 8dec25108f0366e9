"""A CLP model as llama.cpp files: the base GGUF with its own output layer, and one LoRA adapter per delta.

θ(w) = θ_base + shared + Σ_i w_i·(α/r)·B_i A_i is what llama.cpp computes for a set of LoRA adapters with
per-adapter scales: the shared delta is an adapter at scale 1, each objective's slice of the CLP delta an
adapter whose scale is its weight. The adapters' scales can change between two decode calls, so the
prompt is read with the objectives at 0 (response-only conditioning) and the answer decoded at w.

The base GGUF (SmolLM2, Q4_1 with a Q8_0 embedding) ties its output layer to the embedding; llama.cpp
would apply a LoRA on `token_embd.weight` to the input embedding too, so the model file gets an
`output.weight` of its own (the same Q8_0 bytes) for the output layer's delta.

    python -m steer_train.export_gguf --model-dir models/clp-smollm2-135m --out DIR
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import load_file

from .base import BASE_FILE, package_dir
from .deltas import read_clp_config

# our module names → llama.cpp's tensor names
LAYER_TENSORS = {
    "q_proj": "attn_q",
    "k_proj": "attn_k",
    "v_proj": "attn_v",
    "o_proj": "attn_output",
    "gate_proj": "ffn_gate",
    "up_proj": "ffn_up",
    "down_proj": "ffn_down",
}


def gguf_permute(rows: np.ndarray, heads: int) -> np.ndarray:
    """llama.cpp's Llama GGUFs store q and k with each head's rotary halves interleaved (convert_hf_to_gguf's
    permute); our deltas are in the Hugging Face order, so their output rows (B) are permuted the same way."""
    return rows.reshape(heads, 2, rows.shape[0] // heads // 2, *rows.shape[1:]).swapaxes(1, 2).reshape(rows.shape)


def gguf_name(key: str) -> tuple[str, str]:
    """'layers.3.q_proj.clp_a' → ('blk.3.attn_q.weight', 'clp_a'); 'head_delta.clp_b' → ('output.weight', 'clp_b')."""
    parts = key.split(".")
    if parts[0] == "head_delta":
        return "output.weight", parts[1]
    return f"blk.{parts[1]}.{LAYER_TENSORS[parts[2]]}.weight", parts[3]


def base_gguf() -> Path:
    return package_dir() / BASE_FILE


def field_int(reader: gguf.GGUFReader, key: str) -> int:
    return int(reader.fields[key].contents())


def write_model(reader: gguf.GGUFReader, out: Path) -> None:
    """The base GGUF as it is, plus `output.weight` (a copy of the tied embedding's bytes). The shared delta
    stays an adapter: merged into the 4-bit weights it would be lost in rounding (its largest entry, 0.002, is
    a fiftieth of a Q4_1 step), and greedy tokens then agreed with PyTorch's on 2 of 12 references, not 9."""
    arch = reader.fields["general.architecture"].contents()
    writer = gguf.GGUFWriter(str(out), arch)
    for field in reader.fields.values():
        if field.name == "general.architecture" or field.name.startswith("GGUF."):
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == gguf.GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), kind, sub_type=sub)
    tensors = [(t.name, t, t.data) for t in reader.tensors]
    if "output.weight" not in {t.name for t in reader.tensors}:
        embd = next(t for t in reader.tensors if t.name == "token_embd.weight")
        tensors.append(("output.weight", embd, embd.data))
    for name, t, data in tensors:
        writer.add_tensor_info(name, data.shape, data.dtype, data.nbytes, t.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for _, _, data in tensors:
        writer.write_tensor_data(np.ascontiguousarray(data), tensor_endianess=reader.endianess)
    writer.close()


def write_adapter(path: Path, arch: str, alpha: float, tensors: dict[str, np.ndarray], dtype=np.float16) -> None:
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", alpha)
    for name, value in tensors.items():
        writer.add_tensor(name, np.ascontiguousarray(value.astype(dtype)))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def adapters(deltas: dict[str, np.ndarray], rank: int, objectives: int, heads: int, kv_heads: int):
    """{'shared': {...}, 'objective-0': {...}, ...}: each {gguf tensor name + '.lora_a'/'.lora_b': array}; an
    objective's adapter is its rank slice of the CLP delta."""
    out: dict[str, dict[str, np.ndarray]] = {"shared": {}, **{f"objective-{i}": {} for i in range(objectives)}}
    for key in sorted(deltas):
        if not key.endswith("_a"):
            continue
        name, part = gguf_name(key)
        a = deltas[key].astype(np.float32)
        b = deltas[key[:-2] + "_b"].astype(np.float32)
        if ".attn_q." in name:
            b = gguf_permute(b, heads)
        elif ".attn_k." in name:
            b = gguf_permute(b, kv_heads)
        if part == "shared_a":
            out["shared"][name + ".lora_a"] = a
            out["shared"][name + ".lora_b"] = b
            continue
        for i in range(objectives):
            out[f"objective-{i}"][name + ".lora_a"] = a[i * rank : (i + 1) * rank]
            out[f"objective-{i}"][name + ".lora_b"] = b[:, i * rank : (i + 1) * rank]
    return out


def export(model_dir: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    reader = gguf.GGUFReader(str(base_gguf()))
    arch = reader.fields["general.architecture"].contents()
    heads = field_int(reader, f"{arch}.attention.head_count")
    kv_heads = field_int(reader, f"{arch}.attention.head_count_kv")
    clp = read_clp_config(model_dir / "deltas.safetensors")
    manifest = json.loads((model_dir / "manifest.json").read_text())
    objectives = [o["id"] if isinstance(o, dict) else o for o in manifest["objectives"]]
    deltas = load_file(str(model_dir / "deltas.safetensors"))
    write_model(reader, out / "model.gguf")
    files = {}
    for which, tensors in adapters(deltas, clp.rank, clp.num_objectives, heads, kv_heads).items():
        # llama.cpp scales an adapter by scale * alpha / rank (alpha 0: the scale as is); training gates each
        # objective by w_i * alpha / rank and adds the shared delta as it is
        label = which if which == "shared" else objectives[int(which.split("-")[1])]
        path = out / f"lora-{label}.gguf"
        write_adapter(path, arch, 0.0 if which == "shared" else clp.alpha, tensors)
        files[label] = path.name
    shared = files.pop("shared")
    index = {"model": "model.gguf", "shared": shared, "objectives": files, "responseOnly": clp.response_only}
    (out / "llama-cpp.json").write_text(json.dumps(index, indent=2) + "\n")
    return index


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    print(json.dumps(export(args.model_dir, args.out), indent=2))


if __name__ == "__main__":
    main()
