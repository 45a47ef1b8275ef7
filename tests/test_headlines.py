"""Headlines above training paragraphs: the answer keeps its text at its new place."""

import random

from qa.training.headlines import add_headlines, headline, with_headline
from qa.training.squad_data import QAExample, build_training_mix

CONTEXT = "Fighting broke out on the morning of September 27."


def _example(answer="September 27", title="Nagorno-Karabakh_conflict"):
    return QAExample(qid="q", title=title, question="When did fighting start?", context=CONTEXT,
                     answer_text=answer, answer_start=CONTEXT.index(answer) if answer else -1,
                     golds=(answer,) if answer else ())


def test_the_title_goes_above_the_paragraph_and_the_answer_moves_with_it():
    made = with_headline(_example())
    assert made.context == "Nagorno-Karabakh conflict\n\n" + CONTEXT
    assert made.context[made.answer_start:made.answer_start + len("September 27")] == "September 27"
    assert made.question == "When did fighting start?" and made.golds == ("September 27",)
    unanswerable = with_headline(_example(answer=""))
    assert unanswerable.answer_start == -1 and unanswerable.context.startswith("Nagorno-Karabakh conflict\n\n")
    assert with_headline(_example(title="")) == _example(title="")  # nothing to put above it
    assert headline("University_of_Notre_Dame") == "University of Notre Dame"


def test_about_the_rate_get_a_headline_deterministically():
    examples = [_example()] * 400
    first = add_headlines(examples, 0.25, random.Random(3))
    assert first == add_headlines(examples, 0.25, random.Random(3))
    with_line = sum(e.context != CONTEXT for e in first)
    assert 60 < with_line < 140
    assert add_headlines(examples, 0.0, random.Random(3)) == examples


def test_the_training_mix_takes_the_rate():
    article = {"title": "War", "paragraphs": [{"context": CONTEXT, "qas": [
        {"id": f"w{i}", "question": "When did fighting start?",
         "answers": [{"text": "September 27", "answer_start": CONTEXT.index("September 27")}]} for i in range(50)]}]}
    plain = build_training_mix([article], [], None, 0, 0.0, seed=5)
    headed = build_training_mix([article], [], None, 0, 0.0, seed=5, headline_rate=1.0)
    assert all(e.context == CONTEXT for e in plain)
    assert all(e.context == "War\n\n" + CONTEXT and e.context[e.answer_start:].startswith("September 27")
               for e in headed)
