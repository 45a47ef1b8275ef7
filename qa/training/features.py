"""Training windows with start/end token labels (transformers' extractive-QA recipe).

A window whose context slice does not contain the whole answer — and every window of an
unanswerable example — is labelled at the CLS position (token 0), the model's "no answer".
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from qa.reading.windows import Window, make_windows
from qa.training.squad_data import QAExample


@dataclass
class TrainingWindow:
    window: Window
    start: int
    end: int


def label_window(window: Window, example: QAExample) -> TrainingWindow:
    if not example.answer_text:
        return TrainingWindow(window, 0, 0)
    answer_start = example.answer_start
    answer_end = answer_start + len(example.answer_text)
    context_tokens = [i for i, o in enumerate(window.offsets) if o is not None]
    first, last = context_tokens[0], context_tokens[-1]
    if window.offsets[first][0] > answer_start or window.offsets[last][1] < answer_end:
        return TrainingWindow(window, 0, 0)
    start = first
    while start <= last and window.offsets[start][1] <= answer_start:
        start += 1
    end = last
    while end >= first and window.offsets[end][0] >= answer_end:
        end -= 1
    if end < start:
        return TrainingWindow(window, 0, 0)
    return TrainingWindow(window, start, end)


def labelled_windows_by_example(
    tokenizer, examples: list[QAExample], max_length: int, stride: int, chunk: int = 2000
) -> list[list[TrainingWindow]]:
    """Every labelled window of every example, grouped by example, in example order (tokenised
    ``chunk`` examples at a time)."""
    grouped: list[list[TrainingWindow]] = [[] for _ in examples]
    for begin in range(0, len(examples), chunk):
        part = examples[begin : begin + chunk]
        for w in make_windows(tokenizer, [e.question for e in part], [e.context for e in part], max_length, stride):
            grouped[begin + w.pair_index].append(label_window(w, part[w.pair_index]))
    return grouped


def training_windows(
    tokenizer, examples: list[QAExample], max_length: int, stride: int, chunk: int = 2000
) -> list[TrainingWindow]:
    return [w for group in labelled_windows_by_example(tokenizer, examples, max_length, stride, chunk) for w in group]


def answer_windows(
    tokenizer, examples: list[QAExample], max_length: int, stride: int, seed: int, chunk: int = 2000
) -> list[TrainingWindow]:
    """One short training window per example: for an answerable one, a window that holds the
    whole answer (chosen at random among those that do, so the answer is not always at the same
    place); for an unanswerable one, any of its windows.

    Full windows spend most of their tokens on context far from the answer, and the extra windows
    of a long paragraph are labelled "no answer" although the paragraph answers; short windows cut
    around the answer cost fewer tokens per labelled example (training only: reading still uses
    the model's full windows).
    """
    rng = random.Random(seed)
    chosen = []
    for example, candidates in zip(examples, labelled_windows_by_example(tokenizer, examples, max_length, stride, chunk)):
        if example.answer_text:
            candidates = [w for w in candidates if w.start > 0] or candidates
        chosen.append(rng.choice(candidates))
    return chosen


def length_grouped_batches(
    n_items: int, lengths: list[int], batch_size: int, seed: int, group: int = 50
) -> list[list[int]]:
    """Shuffle, sort by length inside groups of ``group`` batches, then shuffle the batches.

    Batches of similar lengths waste little compute on padding; the outer shuffles keep the
    order random enough for SGD.
    """
    rng = random.Random(seed)
    order = list(range(n_items))
    rng.shuffle(order)
    batches = []
    span = batch_size * group
    for begin in range(0, n_items, span):
        block = sorted(order[begin : begin + span], key=lambda i: lengths[i])
        batches.extend(block[i : i + batch_size] for i in range(0, len(block), batch_size))
    rng.shuffle(batches)
    return batches
