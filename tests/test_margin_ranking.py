"""The margin-ranking loss: margins as decoding reads them, and a signal only across kinds."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from qa.reading.span_decoder import best_spans, null_score  # noqa: E402
from qa.training.margin_ranking import best_span_margins, context_mask, margin_ranking_loss  # noqa: E402


def segments(question: int, context: int, width: int):
    """[CLS] question [SEP] context [SEP] padding, as masks."""
    used = 1 + question + 1 + context + 1
    attention = torch.zeros(width, dtype=torch.long)
    attention[:used] = 1
    types = torch.zeros(width, dtype=torch.long)
    types[question + 2 : used] = 1
    return attention, types


def test_context_mask_keeps_only_the_context_tokens():
    rows = [segments(3, 5, 14), segments(2, 8, 14)]
    attention = torch.stack([r[0] for r in rows])
    types = torch.stack([r[1] for r in rows])
    mask = context_mask(attention, types)
    assert mask[0].nonzero().flatten().tolist() == list(range(5, 10))
    assert mask[1].nonzero().flatten().tolist() == list(range(4, 12))


def test_best_span_margin_is_the_decoders_margin():
    rng = np.random.default_rng(3)
    rows = [segments(4, 12, 20), segments(2, 15, 20), segments(6, 9, 20)]
    attention = torch.stack([r[0] for r in rows])
    types = torch.stack([r[1] for r in rows])
    start = torch.tensor(rng.normal(size=(3, 20)), dtype=torch.float32)
    end = torch.tensor(rng.normal(size=(3, 20)), dtype=torch.float32)
    mask = context_mask(attention, types)
    margins = best_span_margins(start, end, mask, max_answer_tokens=4)
    for row in range(3):
        offsets = [(i, i + 1) if mask[row, i] else None for i in range(20)]
        best = best_spans(start[row].numpy(), end[row].numpy(), offsets, max_answer_tokens=4)[0]
        expected = best.score - null_score(start[row].numpy(), end[row].numpy())
        assert margins[row].item() == pytest.approx(expected, abs=1e-5)


def batch_of(kinds: list[bool], seed: int = 0, width: int = 16):
    """Random logits for windows that are answerable (gold span at 6–7) or not (labelled at CLS)."""
    gen = torch.Generator().manual_seed(seed)
    attention, types = segments(3, 10, width)
    n = len(kinds)
    start = torch.randn(n, width, generator=gen, requires_grad=True)
    end = torch.randn(n, width, generator=gen, requires_grad=True)
    starts = torch.tensor([6 if k else 0 for k in kinds])
    ends = torch.tensor([7 if k else 0 for k in kinds])
    return start, end, attention.expand(n, -1), types.expand(n, -1), starts, ends


def test_one_kind_of_window_gives_no_signal():
    for kinds in ([True, True, True], [False, False]):
        start, end, attention, types, starts, ends = batch_of(kinds)
        loss = margin_ranking_loss(start, end, attention, types, starts, ends)
        loss.backward()
        assert loss.item() == 0.0 and not start.grad.any() and not end.grad.any()


def test_the_loss_is_the_mean_pairwise_logistic_loss_and_pushes_the_right_way():
    start, end, attention, types, starts, ends = batch_of([True, False, True, False, False], seed=5)
    loss = margin_ranking_loss(start, end, attention, types, starts, ends)
    with torch.no_grad():
        null = start[:, 0] + end[:, 0]
        gold = start[:, 6] + end[:, 7] - null
        best = best_span_margins(start, end, context_mask(attention, types))
    pairs = [np.log1p(np.exp(best[n].item() - gold[p].item())) for p in (0, 2) for n in (1, 3, 4)]
    assert loss.item() == pytest.approx(np.mean(pairs), rel=1e-5)
    loss.backward()
    # answerable windows: the gold span rises, the no-answer score falls; unanswerable: the reverse
    assert start.grad[0, 6] < 0 and end.grad[0, 7] < 0 and start.grad[0, 0] > 0
    assert start.grad[1, 0] < 0 and end.grad[1, 0] < 0
    assert start.grad[1, 1:3].abs().sum() == 0  # question tokens are never a span


def test_well_separated_margins_cost_almost_nothing():
    start, end, attention, types, starts, ends = batch_of([True, False], seed=1)
    with torch.no_grad():
        start[0, 6] += 30
        start[1, 0] += 30
    assert margin_ranking_loss(start, end, attention, types, starts, ends).item() < 1e-6
