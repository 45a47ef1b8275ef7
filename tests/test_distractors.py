"""The AddSent-style distractors: the answer stays where it was, the added copy names other things."""

import random

from qa.training.distractors import distractor_example, distractor_examples
from qa.training.squad_data import QAExample, build_training_mix, mix_composition

CONTEXT = ("Tesla moved to Paris in 1882 to work for the Continental Edison Company. "
           "His first job there was to install indoor lighting.")
ENTITIES = {"name": ["Berlin", "Paris", "Prague", "Tesla"], "year": ["1880", "1882", "1884"], "number": []}


def _example(question, answer, context=CONTEXT):
    return QAExample(qid="q1", title="Tesla", question=question, context=context, answer_text=answer,
                     answer_start=context.index(answer), golds=(answer,))


def test_the_copy_swaps_the_subject_and_the_answer_and_the_offsets_still_hold():
    for seed in range(20):
        made = distractor_example(_example("In what year did Tesla move to Paris?", "1882"), ENTITIES,
                                  random.Random(seed))
        assert made is not None and made.kind == "distractor_sentence"
        assert made.context[made.answer_start:made.answer_start + len(made.answer_text)] == "1882"
        assert made.context.count("1882") == 1  # the copy holds another year, not the answer
        assert made.context.count("moved to") == 2
        added = next(s for s in made.context.split(". ") if "moved to" in s and "1882" not in s)
        assert "moved to" in added and "to work for the Continental Edison Company" in added  # same wording
        assert "Tesla moved to Paris" not in added  # ... about another person or city
        assert made.question == "In what year did Tesla move to Paris?" and made.golds == ("1882",)


def test_no_copy_when_the_answer_names_nothing_or_the_question_names_nothing_in_its_sentence():
    rng = random.Random(0)
    assert distractor_example(_example("What was Tesla's first job in Paris?", "install indoor lighting"),
                              ENTITIES, rng) is None
    assert distractor_example(_example("In what year did he move?", "1882"), ENTITIES, rng) is None


def test_no_copy_when_the_article_has_no_other_entity_of_the_type():
    entities = {"name": ["Paris", "Tesla"], "year": ["1880"], "number": []}
    assert distractor_example(_example("In what year did Tesla move to Paris?", "1882"), entities,
                              random.Random(0)) is None


ARTICLE = {"title": "Tesla", "paragraphs": [
    {"context": CONTEXT, "qas": [{"id": "a", "question": "In what year did Tesla move to Paris?",
                                  "answers": [{"text": "1882", "answer_start": CONTEXT.index("1882")}]}]},
    {"context": "In 1884 Tesla sailed to New York from Berlin.",
     "qas": [{"id": "b", "question": "Where did Tesla sail to?", "answers": [{"text": "New York", "answer_start": 24}]}]},
]}


def test_the_generator_is_deterministic_and_feeds_the_training_mix():
    first = distractor_examples([ARTICLE], 1.0, seed=5)
    assert first == distractor_examples([ARTICLE], 1.0, seed=5)
    assert [e.qid for e in first] == ["a-distractor", "b-distractor"]
    mix = build_training_mix([ARTICLE], [], None, 0, 0.0, seed=5, distractor_rate=1.0)
    assert mix_composition(mix) == {"answerable": 2, "distractor_sentence": 2}
