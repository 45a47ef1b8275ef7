"""Tokenise (question, context) pairs into overlapping model windows with character offsets.

Long contexts do not fit a model's input, so they are cut into windows of ``max_length`` tokens
that overlap by ``stride`` tokens (transformers' standard extractive-QA recipe). Each window keeps
the character offsets of its context tokens so that any span maps back to the exact text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Window:
    pair_index: int  # which (question, context) pair this window belongs to
    input_ids: list[int]
    token_type_ids: list[int] | None
    offsets: list[tuple[int, int] | None]  # char span in the context, None outside it


def make_windows(
    tokenizer, questions: list[str], contexts: list[str], max_length: int, stride: int
) -> list[Window]:
    encoded = tokenizer(
        [q.lstrip() for q in questions],
        contexts,
        truncation="only_second",
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding=False,
    )
    windows = []
    for i, input_ids in enumerate(encoded["input_ids"]):
        sequence_ids = encoded.sequence_ids(i)
        offsets = [
            tuple(off) if seq_id == 1 else None
            for off, seq_id in zip(encoded["offset_mapping"][i], sequence_ids)
        ]
        token_types = encoded["token_type_ids"][i] if "token_type_ids" in encoded else None
        windows.append(
            Window(encoded["overflow_to_sample_mapping"][i], input_ids, token_types, offsets)
        )
    return windows
