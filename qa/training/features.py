"""Training windows with start/end token labels (transformers' extractive-QA recipe).

A window whose context slice does not contain the whole answer — and every window of an
unanswerable example — is labelled at the CLS position (token 0), the model's "no answer".
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from qa.reading.windows import Window, make_windows
from qa.training.forked import forked_map, shared_state
from qa.training.squad_data import QAExample


@dataclass
class TrainingWindow:
    window: Window
    start: int
    end: int
    companion: Window | None = None  # read beside it for qa.training.shared_norm's loss


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


def _labelled_chunk(tokenizer, part: list[QAExample], max_length: int, stride: int,
                    keep_offsets: bool) -> list[list[TrainingWindow]]:
    grouped: list[list[TrainingWindow]] = [[] for _ in part]
    for w in make_windows(tokenizer, [e.question for e in part], [e.context for e in part], max_length, stride):
        labelled = label_window(w, part[w.pair_index])
        if not keep_offsets:  # training reads only the ids: compact arrays, a fraction of the memory
            w.input_ids = np.asarray(w.input_ids, dtype=np.int32)
            if w.token_type_ids is not None:
                w.token_type_ids = np.asarray(w.token_type_ids, dtype=np.int8)
            w.offsets = []
        grouped[w.pair_index].append(labelled)
    return grouped


def _labelled_chunk_in_worker(bounds: tuple[int, int]) -> list[list[TrainingWindow]]:
    tokenizer, examples, max_length, stride, keep_offsets = shared_state()
    return _labelled_chunk(tokenizer, examples[bounds[0] : bounds[1]], max_length, stride, keep_offsets)


def labelled_windows_by_example(
    tokenizer, examples: list[QAExample], max_length: int, stride: int, chunk: int = 2000,
    workers: int = 1, keep_offsets: bool = True,
) -> list[list[TrainingWindow]]:
    """Every labelled window of every example, grouped by example, in example order (tokenised
    ``chunk`` examples at a time, by ``workers`` processes: the same windows however many).

    ``keep_offsets=False`` drops each window's character offsets once it is labelled and keeps
    its ids as numpy arrays: a training run never reads the offsets, which are most of a window's
    memory and most of what worker processes would send back."""
    bounds = [(begin, min(begin + chunk, len(examples))) for begin in range(0, len(examples), chunk)]
    parts = forked_map(_labelled_chunk_in_worker, bounds, workers,
                       (tokenizer, examples, max_length, stride, keep_offsets))
    return [group for part in parts for group in part]


def training_windows(
    tokenizer, examples: list[QAExample], max_length: int, stride: int, chunk: int = 2000,
    workers: int = 1, keep_offsets: bool = True,
) -> list[TrainingWindow]:
    return [w for group in labelled_windows_by_example(tokenizer, examples, max_length, stride, chunk,
                                                         workers, keep_offsets) for w in group]


def answer_windows(
    tokenizer, examples: list[QAExample], max_length: int, stride: int, seed: int, chunk: int = 2000,
    workers: int = 1, keep_offsets: bool = True,
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
    for example, candidates in zip(examples, labelled_windows_by_example(
            tokenizer, examples, max_length, stride, chunk, workers, keep_offsets)):
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
