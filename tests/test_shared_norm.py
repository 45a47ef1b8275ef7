"""qa.training.shared_norm: which paragraph a question is read beside, and a loss that makes the gold
span outscore the companion window's spans (not only its own window's)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from qa.reading.windows import Window  # noqa: E402
from qa.training.features import TrainingWindow  # noqa: E402
from qa.training.shared_norm import companions, shared_span_loss  # noqa: E402
from qa.training.squad_data import QAExample  # noqa: E402
from qa.training.train_reader import companion_groups, labelled_batch  # noqa: E402

ARTICLE = {"title": "Bridges", "paragraphs": [
    {"context": "The Alpha bridge over the river opened in 1901 after four years of work."},
    {"context": "The Beta bridge over the river was painted red in 1950."},
    {"context": "Ferries crossed the river before any bridge was built; they opened in 1890."},
    {"context": "Tolls were abolished long ago."},
]}


def _example(qid, question, context, answer):
    start = context.index(answer) if answer else -1
    return QAExample(qid=qid, title="Bridges", question=question, context=context, answer_text=answer,
                     answer_start=start, golds=(answer,) if answer else ())


def test_a_companion_shares_the_questions_words_and_holds_none_of_its_answers():
    own = ARTICLE["paragraphs"][0]["context"]
    mix = [_example("a", "When did the Alpha bridge over the river open?", own, "1901"),
           _example("u", "Who designed the Alpha bridge?", own, ""),  # unanswerable: never a companion
           _example("b", "When was the Beta bridge over the river painted red?",
                    ARTICLE["paragraphs"][1]["context"], "1950")]
    made = companions(mix, [ARTICLE], 1.0, seed=3)
    assert set(made) == {0, 2}
    assert made[0].context == ARTICLE["paragraphs"][1]["context"]  # most shared words, no "1901"
    assert made[2].context == ARTICLE["paragraphs"][0]["context"]
    assert all(c.answer_text == "" and c.question == mix[i].question for i, c in made.items())
    assert companions(mix, [ARTICLE], 1.0, seed=3) == made  # deterministic
    assert companions(mix, [ARTICLE], 0.0, seed=3) == {}
    assert companions(mix, [], 1.0, seed=3) == {}  # an article it does not know: none
    halved = [len(companions(mix * 50, [ARTICLE], 0.5, seed)) for seed in range(4)]
    assert all(30 <= n <= 70 for n in halved)  # about half of the 100 answerable


def test_the_loss_is_one_softmax_over_both_windows_context_tokens():
    start = torch.tensor([[0.0, 1.0, 3.0, 0.5, 0.0], [9.0, 2.0, 4.0, 0.0, 0.0]], requires_grad=True)
    end = torch.tensor([[0.0, 0.5, 2.0, 1.0, 0.0], [9.0, 1.0, 0.0, 3.0, 0.0]], requires_grad=True)
    context = torch.tensor([[False, True, True, True, False], [False, True, True, True, False]])
    starts, ends = torch.tensor([2, 0]), torch.tensor([3, 0])
    loss = shared_span_loss(start, end, context, [(0, [1])], starts, ends)
    pooled_start = torch.tensor([1.0, 3.0, 0.5, 2.0, 4.0, 0.0])  # row 0's context, then row 1's (CLS left out)
    pooled_end = torch.tensor([0.5, 2.0, 1.0, 1.0, 0.0, 3.0])
    expected = (-(torch.log_softmax(pooled_start, 0)[1]) - torch.log_softmax(pooled_end, 0)[2]) / 2
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)
    loss.backward()
    assert start.grad[1, 2] > 0 and end.grad[1, 3] > 0  # the companion's strongest spans are pushed down
    assert start.grad[0, 2] < 0 and end.grad[0, 3] < 0  # the gold up
    assert start.grad[1, 0] == 0  # its no-answer score is left to the span loss
    none = shared_span_loss(start, end, context, [], starts, ends)
    assert none.item() == 0 and none.requires_grad


def test_companions_follow_their_windows_as_extra_rows_labelled_at_cls():
    def window(ids):
        return Window(pair_index=0, input_ids=np.array(ids), token_type_ids=np.array([0, 0, 1, 1, 1][: len(ids)]),
                      offsets=[])

    items = [TrainingWindow(window([101, 7, 102, 8, 102]), 3, 3, companion=window([101, 7, 102, 9])),
             TrainingWindow(window([101, 5, 102]), 0, 0),
             TrainingWindow(window([101, 6, 102, 4, 102]), 3, 3, companion=window([101, 6, 102]))]
    assert companion_groups(items) == [(0, [3]), (2, [4])]
    batch = labelled_batch(items, pad_token_id=0)
    assert batch["input_ids"].shape == (5, 5)
    assert batch["input_ids"][3].tolist() == [101, 7, 102, 9, 0] and batch["input_ids"][4].tolist() == [101, 6, 102, 0, 0]
    assert batch["start_positions"].tolist() == [3, 0, 3, 0, 0]
    assert companion_groups(items[1:2]) == [] and labelled_batch(items[1:2], 0)["input_ids"].shape == (1, 3)


def test_a_training_step_adds_the_shared_loss_for_windows_with_a_companion():
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa import paths
    from qa.training.features import answer_windows
    from qa.training.train_reader import training_step

    base = paths.embedder_model_path()
    tokenizer = AutoTokenizer.from_pretrained(base)
    torch.manual_seed(0)
    model = AutoModelForQuestionAnswering.from_pretrained(base, dtype=torch.float32)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.0)  # the weights stay as they are between the two steps
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    question = "When did the Alpha bridge over the river open?"
    gold = _example("a", question, ARTICLE["paragraphs"][0]["context"], "1901")
    companion = companions([gold], [ARTICLE], 1.0, seed=3)[0]
    [alone], [beside] = answer_windows(tokenizer, [gold], 64, 32, 1), answer_windows(tokenizer, [companion], 64, 32, 1)
    without = training_step(model, optimizer, scheduler, [alone], tokenizer.pad_token_id, "cpu")
    paired = TrainingWindow(alone.window, alone.start, alone.end, companion=beside.window)
    with_companion = training_step(model, optimizer, scheduler, [paired], tokenizer.pad_token_id, "cpu")
    assert alone.start > 0 and with_companion > without + 1e-3  # the span loss, plus a positive shared one
