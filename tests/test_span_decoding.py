"""Span decoding and training labels, checked against a real tokenizer (no model needed)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.answer.citations import sentence_context
from qa.reading.span_decoder import best_spans, null_score, snap_to_words
from qa.reading.windows import make_windows
from qa.training.features import label_window
from qa.training.squad_data import QAExample


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import AutoTokenizer

    from qa.paths import embedder_model_path

    return AutoTokenizer.from_pretrained(embedder_model_path())


def test_best_span_is_the_highest_valid_pair_inside_the_context():
    offsets = [None, None, (0, 3), (4, 9), (10, 12), None]
    start = np.array([9.0, 0, 1, 5, 0, 50])  # CLS and the trailing special token must be ignored
    end = np.array([9.0, 0, 0, 1, 4, 50])
    spans = best_spans(start, end, offsets, n_best=2)
    assert (spans[0].char_start, spans[0].char_end, spans[0].score) == (4, 12, 9.0)
    assert null_score(start, end) == 18.0
    assert best_spans(start, end, offsets, max_answer_tokens=1)[0].char_end <= 9


def test_spans_never_end_before_they_start():
    offsets = [None] + [(i * 2, i * 2 + 1) for i in range(10)]
    start = np.linspace(0, 10, 11)
    end = np.linspace(10, 0, 11)
    for span in best_spans(start, end, offsets, n_best=20):
        assert span.char_start < span.char_end


def test_snapping_widens_subword_spans_to_whole_words():
    text = "Nagorno Karabakh is called Artsakh."
    assert snap_to_words(text, 0, 12) == (0, 16)
    assert snap_to_words(text, 8, 16) == (8, 16)


def test_sentence_context_contains_the_span():
    text = "First one. The answer is here today. Last one."
    start = text.index("here")
    context, at = sentence_context(text, start, start + 4)
    assert context == "The answer is here today." and text[at : at + len(context)] == context


words = st.sampled_from(["the", "treaty", "was", "signed", "in", "1994", "by", "Armenia", "and", "Azerbaijan",
                         "Nagorno-Karabakh", "ceasefire", "“quoted”", "(bracketed)", "well-known", "é"])


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=5, max_size=400), st.data())
def test_training_labels_point_at_the_answer_in_every_window(tokenizer, context_words, data):
    context = " ".join(context_words)
    first = data.draw(st.integers(0, len(context_words) - 1))
    length = data.draw(st.integers(1, min(5, len(context_words) - first)))
    answer = " ".join(context_words[first : first + length])
    answer_start = len(" ".join(context_words[:first])) + (1 if first else 0)
    assert context[answer_start : answer_start + len(answer)] == answer
    example = QAExample("q", "t", "When was it signed?", context, answer, answer_start, (answer,))
    windows = make_windows(tokenizer, [example.question], [context], max_length=64, stride=16)
    found = False
    for window in windows:
        labelled = label_window(window, example)
        if (labelled.start, labelled.end) == (0, 0):
            continue
        found = True
        span = context[window.offsets[labelled.start][0] : window.offsets[labelled.end][1]]
        assert span == answer
    assert found or length > 20  # some window holds every short answer


def test_answer_windows_are_one_short_window_per_example_holding_the_answer(tokenizer):
    from qa.training.features import answer_windows

    filler = " ".join(f"word{i}" for i in range(300))
    context = f"{filler} The bridge opened in 1932 after years of work. {filler}"
    examples = [
        QAExample("a", "t", "When did the bridge open?", context, "1932", context.index("1932"), ("1932",)),
        QAExample("u", "t", "Who painted the bridge?", context, "", -1, ()),
    ]
    first = answer_windows(tokenizer, examples, 64, 32, seed=3)
    assert first == answer_windows(tokenizer, examples, 64, 32, seed=3)  # deterministic
    assert [w.window.pair_index for w in first] == [0, 1]
    assert all(len(w.window.input_ids) <= 64 for w in first)
    answer, no_answer = first
    start, end = answer.window.offsets[answer.start][0], answer.window.offsets[answer.end][1]
    assert context[start:end] == "1932"
    assert (no_answer.start, no_answer.end) == (0, 0)
    # the answer is not always at the same place in its window
    places = {answer_windows(tokenizer, examples[:1], 64, 32, seed=s)[0].start for s in range(8)}
    assert len(places) > 1


def test_windows_made_by_worker_processes_are_the_ones_made_in_one(tokenizer):
    """--prep-workers only changes how fast the mix is tokenised, never what is trained on."""
    from qa.training.features import answer_windows, training_windows

    filler = " ".join(f"word{i}" for i in range(120))
    examples = []
    for i in range(9):
        context = f"{filler} The bridge number {i} opened in {1900 + i} after years of work. {filler[: 40 * i]}"
        answer = str(1900 + i) if i % 3 else ""
        start = context.index(answer) if answer else -1
        examples.append(QAExample(str(i), "t", f"When did bridge {i} open?", context, answer, start,
                                  (answer,) if answer else ()))

    def key(windows):
        return [(w.window.pair_index, list(map(int, w.window.input_ids)),
                 None if w.window.token_type_ids is None else list(map(int, w.window.token_type_ids)),
                 w.start, w.end) for w in windows]

    one = training_windows(tokenizer, examples, 64, 32, chunk=2)
    many = training_windows(tokenizer, examples, 64, 32, chunk=2, workers=3, keep_offsets=False)
    assert len(one) > len(examples)  # long contexts: several windows each
    assert key(many) == key(one)
    assert all(w.window.offsets == [] and isinstance(w.window.input_ids, np.ndarray) for w in many)
    assert any(w.start > 0 for w in one)  # some windows hold their answer
    assert key(answer_windows(tokenizer, examples, 64, 32, seed=5, chunk=2, workers=2, keep_offsets=False)) == \
        key(answer_windows(tokenizer, examples, 64, 32, seed=5, chunk=2))
