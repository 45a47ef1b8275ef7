"""bench/open_losses.py: a question answered right alone but wrong through retrieval is put down to
retrieval when its answer's passage was not read, and to another passage's span when it was."""

from bench.open_losses import losses
from qa.training.squad_data import QAExample


def _example(qid, gold):
    return QAExample(qid=qid, title="T", question="q", context="c", answer_text=gold, answer_start=0, golds=(gold,))


def test_losses_are_told_apart_by_whether_the_answers_passage_was_read():
    examples = [_example("a", "1901"), _example("b", "red"), _example("c", "the river"), _example("d", "four years")]
    ranks = {"a": 0, "b": -1, "c": 1, "d": 0}
    alone = {"a": "1901", "b": "red", "c": "the river", "d": "1890"}
    opened = {"a": "1901", "b": "blue", "c": "1950", "d": "four years"}
    row = losses(examples, ranks, alone, opened)
    assert (row["f1_alone"], row["f1_open"]) == (75.0, 50.0)
    assert row["gold_read"] == 3 and row["f1_open_where_gold_read"] == round(200 / 3, 2)
    assert (row["lost"], row["lost_gold_not_read"], row["won"]) == (2, 1, 1)
    assert row["lost_to_another_passage_by_gold_rank"] == [0, 1]
