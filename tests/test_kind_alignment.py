"""bench/kind_alignment.py's arithmetic on a tiny random BERT: the AdamW second moments land on the
weights they belong to, and a mean gradient taken in batches is the whole set's mean gradient."""

from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from qa.training.features import TrainingWindow  # noqa: E402
from bench.kind_alignment import Gradients, adam_scale  # noqa: E402
from qa.training.train_reader import freeze, make_optimizer  # noqa: E402


def _model():
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=32)
    model = transformers.BertForQuestionAnswering(config)
    model.eval()
    freeze(model, embeddings=True, layers=0)
    return model


def _windows(n: int, length: int = 12):
    g = torch.Generator().manual_seed(1)
    windows = []
    for i in range(n):
        ids = [2] + torch.randint(5, 50, (length - 2,), generator=g).tolist() + [3]
        types = [0] * 4 + [1] * (length - 4)
        start = 0 if i % 3 == 0 else 5 + i % 4  # every third one unanswerable (labelled at CLS)
        windows.append(TrainingWindow(SimpleNamespace(input_ids=ids, token_type_ids=types),
                                      start=start, end=start + (1 if start else 0)))
    return windows


def test_adam_scale_puts_each_second_moment_on_its_own_weight():
    model = _model()
    optimizer = make_optimizer(model, SimpleNamespace(weight_decay=0.01, learning_rate=1e-3))
    grads = Gradients(model, pad_token_id=0, batch_size=4)
    g = grads.span(_windows(8))  # leaves .grad on every trainable weight
    optimizer.step()
    scale = adam_scale({"optimizer": optimizer.state_dict()}, model)
    expected = torch.cat([(1.0 / ((optimizer.state[p]["exp_avg_sq"] / (1 - 0.999)).sqrt() + 1e-8)).reshape(-1)
                          for p in grads.params])
    assert scale is not None and scale.shape == g.shape
    assert torch.allclose(scale, expected, rtol=1e-5)


def test_adam_scale_refuses_an_optimiser_of_other_weights():
    model = _model()
    optimizer = make_optimizer(model, SimpleNamespace(weight_decay=0.01, learning_rate=1e-3))
    Gradients(model, pad_token_id=0, batch_size=4).span(_windows(4))
    optimizer.step()
    state = optimizer.state_dict()
    last = max(state["state"])
    state["state"][0] = state["state"][last]  # the first slot (a weight matrix) now holds a bias's moments
    assert adam_scale({"optimizer": state}, model) is None


def test_a_mean_gradient_in_batches_is_the_mean_gradient_of_all():
    model = _model()
    windows = _windows(7)
    in_batches = Gradients(model, pad_token_id=0, batch_size=3).span(windows)
    at_once = Gradients(model, pad_token_id=0, batch_size=7).span(windows)
    assert torch.allclose(in_batches, at_once, atol=1e-6)
    assert in_batches.abs().sum() > 0


def test_the_rank_gradient_needs_both_kinds_of_window():
    model = _model()
    windows = _windows(12)
    answerable = [w for w in windows if w.start]
    unanswerable = [w for w in windows if not w.start]
    grads = Gradients(model, pad_token_id=0, batch_size=4)
    assert grads.rank(answerable, unanswerable).abs().sum() > 0
    assert grads.rank(answerable, []).abs().sum() == 0  # no pair, no batch: nothing to rank
