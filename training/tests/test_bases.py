"""The base registry (bases.py) and the Gemma prompts; no model weights needed."""

from steer_train.bases import BASES
from steer_train.data import INSTRUCTION, SYSTEM, build_prompt
from steer_train.gemma import GemmaCLPModel
from steer_train.gemma_base import build_gemma_completion_prompt, build_gemma_prompt
from steer_train.model import CLPModel

DOC = "The council closed the bridge for repairs."


def test_smollm2_keeps_the_project_prompt_and_family() -> None:
    spec = BASES["smollm2"]
    assert spec.prompt is build_prompt and spec.family is CLPModel


def test_gemma_bases_share_weights_and_family() -> None:
    chat, completion = BASES["gemma3"], BASES["gemma3-completion"]
    assert chat.load is completion.load and chat.family is completion.family is GemmaCLPModel


def test_gemma_chat_prompt_puts_the_system_text_in_the_user_turn() -> None:
    p = build_gemma_prompt(DOC, ["concise", "faithful", "complete"], [0.5, 0.25, 0.25])
    assert p.startswith("<start_of_turn>user\n" + SYSTEM + "\n\n" + INSTRUCTION)
    assert "Objective weights: concise=0.50, faithful=0.25, complete=0.25." in p
    assert p.endswith(DOC + "<end_of_turn>\n<start_of_turn>model\n")
    assert "<bos>" not in p  # the tokenizer adds it


def test_gemma_completion_prompt_has_no_turns() -> None:
    p = build_gemma_completion_prompt(DOC)
    assert p == f"{INSTRUCTION}\n\n{DOC}\n\nSummary:\n"
    assert "<start_of_turn>" not in p
