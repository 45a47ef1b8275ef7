"""The AddSent-style distractors: the answer stays where it was, the added copy names other things."""

import random

from qa.training.distractors import distractor_example, distractor_examples, distractor_pairs
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


WAR = ("Fighting broke out between the two countries on the morning of September 27. "
       "The truce, slated to begin at midnight, was announced on Saturday.")
WAR_ENTITIES = {"name": ["March", "September", "Saturday"], "number": ["3", "27"], "year": []}


def _war_copies(question, subject):
    """The copies the rule makes for ``question`` about WAR under 20 seeds; the answer stays in place."""
    example = _example(question, "September 27", context=WAR)
    for seed in range(20):
        made = distractor_example(example, WAR_ENTITIES, random.Random(seed), subject=subject,
                                  article_words=["trade", "fighting", "protest"])
        assert made is not None and made.qid == f"q1-distractor-{subject}"
        assert made.context[made.answer_start:made.answer_start + len(made.answer_text)] == "September 27"
        yield made


def test_the_word_variant_swaps_a_common_word_of_the_question_and_keeps_the_verb():
    for made in _war_copies("When did fighting break out?", "word"):
        assert made.kind == "distractor_word"
        added = next(s for s in made.context.split(". ") if "broke out" in s and "September 27" not in s)
        assert added.split()[0] in ("Trade", "Protest")  # "fighting" is in the paragraph: never drawn
        assert "broke out between the two countries on the morning of March" in added
        assert made.context.count("September 27") == 1 and made.golds == ("September 27",)


def test_the_word_variant_leaves_names_to_the_entity_rule_and_needs_a_shared_word():
    context = "The Soviet Union collapsed in 1991 after the coup."
    example = _example("When did the Soviet Union collapse?", "1991", context=context)
    entities = {"name": [], "number": [], "year": ["1917", "1991"]}
    # "soviet" and "union" are written as a name, and "collapse" is not the sentence's "collapsed"
    assert distractor_example(example, entities, random.Random(0), subject="word",
                              article_words=["trade"]) is None
    example = _example("When did the coup happen?", "1991", context=context)
    made = distractor_example(example, entities, random.Random(0), subject="word", article_words=["trade"])
    assert made is not None and "after the trade." in made.context and "in 1917" in made.context
    assert distractor_example(example, entities, random.Random(0), subject="word", article_words=["coup"]) is None


def test_both_variants_feed_the_training_mix_by_their_own_rate():
    article = {"title": "War", "paragraphs": [
        {"context": WAR, "qas": [{"id": "w", "question": "When did fighting break out?",
                                  "answers": [{"text": "September 27", "answer_start": WAR.index("September 27")}]}]},
        {"context": "A protest over trade began on March 3.", "qas": []}]}
    first = distractor_examples([article], 1.0, seed=5, subject="word")
    assert first == distractor_examples([article], 1.0, seed=5, subject="word") and len(first) == 1
    mix = build_training_mix([article], [], None, 0, 0.0, seed=5, distractor_rate=1.0, word_distractor_rate=1.0)
    # the question names nothing, so only the word variant can make a copy
    assert mix_composition(mix) == {"answerable": 1, "distractor_word": 1}


def test_the_predicate_variant_gives_the_copy_the_questions_verb_and_keeps_the_answer():
    for made in _war_copies("When did fighting start?", "predicate"):
        assert made.kind == "distractor_predicate" and made.question == "When did fighting start?"
        added = next(s for s in made.context.split(". ") if "started" in s)
        assert added.split()[0] in ("Trade", "Protest") and "on the morning of March" in added
        assert "Fighting broke out between the two countries on the morning of September 27" in made.context


def test_the_predicate_variant_rewords_a_question_that_uses_the_sentences_verb():
    article = {"title": "War", "paragraphs": [
        {"context": WAR, "qas": [{"id": "w", "question": "When did fighting break out?",
                                  "answers": [{"text": "September 27", "answer_start": WAR.index("September 27")}]}]},
        {"context": "A protest over trade began on March 3.", "qas": []}]}
    [(asked, made)] = distractor_pairs([article], 1.0, seed=5, subject="predicate")
    assert asked.question == made.question != "When did fighting break out?"
    assert asked.context == WAR and made.context != WAR
    verb = made.question.split()[-1].rstrip("?")  # start / begin / commence, as the copy writes it
    assert {"start": "started", "begin": "began", "commence": "commenced"}[verb] in made.context
    mix = build_training_mix([article], [], None, 0, 0.0, seed=5, predicate_distractor_rate=1.0)
    assert mix_composition(mix) == {"answerable": 1, "distractor_predicate": 1}


def test_a_rate_above_one_draws_the_copies_again_differently():
    once = distractor_examples([ARTICLE], 1.0, seed=5)
    thrice = distractor_examples([ARTICLE], 3.0, seed=5)
    assert thrice[:len(once)] == once and len(thrice) == 3 * len(once)
    assert len({e.qid for e in thrice}) == len(thrice)  # "a-distractor", "a-distractor-2", ...
    assert len({e.context for e in thrice}) > len(once)  # other entities or places, not copies of the copies
    assert len(distractor_examples([ARTICLE], 1.5, seed=5)) <= len(once) + len(once)


def test_the_modifier_variant_puts_the_questions_subject_under_another_head_noun():
    from qa.training.distractors import MODIFIER_HEADS

    for made in _war_copies("When did fighting start?", "modifier"):
        assert made.kind == "distractor_modifier" and made.question == "When did fighting start?"
        added = next(s for s in made.context.split(". ") if "started" in s)
        head = next(h for h in MODIFIER_HEADS if added.lower().startswith(h + " fighting started"))
        assert added.startswith(head[0].upper() + head[1:]) and "on the morning of March" in added
        assert "Fighting broke out between the two countries on the morning of September 27" in made.context
        assert made.context.count("September 27") == 1


def test_the_modifier_variant_keeps_the_determiner_and_skips_words_inside_a_phrase():
    context = "The election took place in 2005 after a long campaign."
    entities = {"name": [], "number": [], "year": ["1999", "2005"]}
    made = distractor_example(_example("When did the election take place?", "2005", context=context), entities,
                              random.Random(0), subject="modifier")
    from qa.training.distractors import MODIFIER_HEADS

    assert made is not None and "in 1999 after a long campaign" in made.context  # the question may be reworded
    assert any(f"{h[0].upper()}{h[1:]} the election " in made.context for h in MODIFIER_HEADS)  # "A pause in the election"
    assert made.context[made.answer_start:made.answer_start + 4] == "2005"
    # "recent" is an adjective of "election" and "election" follows it: no "a ban on recent election"
    context = "The recent election took place in 2005."
    assert distractor_example(_example("When was the recent election held?", "2005", context=context), entities,
                              random.Random(0), subject="modifier") is None


def test_the_modifier_variant_feeds_the_training_mix_by_its_rate():
    article = {"title": "War", "paragraphs": [
        {"context": WAR, "qas": [{"id": "w", "question": "When did fighting start?",
                                  "answers": [{"text": "September 27", "answer_start": WAR.index("September 27")}]}]},
        {"context": "A protest over trade began on March 3.", "qas": []}]}
    first = distractor_examples([article], 1.0, seed=5, subject="modifier")
    assert first == distractor_examples([article], 1.0, seed=5, subject="modifier") and len(first) == 1
    mix = build_training_mix([article], [], None, 0, 0.0, seed=5, modifier_distractor_rate=1.0)
    assert mix_composition(mix) == {"answerable": 1, "distractor_modifier": 1}


def test_the_mix_is_the_same_whether_its_generators_run_in_one_process_or_several():
    """--prep-workers only changes how fast the mix is made, never what is in it."""
    articles = [ARTICLE, {"title": "War", "paragraphs": [
        {"context": WAR, "qas": [{"id": "w", "question": "When did fighting break out?",
                                  "answers": [{"text": "September 27", "answer_start": WAR.index("September 27")}]}]},
        {"context": "A protest over trade began on March 3.", "qas": []}]}]
    rates = dict(hard_kinds=("entity_swap", "negation", "sibling_paragraph"), hard_rate=1.0, distractor_rate=1.0,
                 word_distractor_rate=1.0, predicate_distractor_rate=1.0, modifier_distractor_rate=1.0)
    alone = build_training_mix(articles, [], None, 0, 0.5, seed=5, **rates)
    side_by_side = build_training_mix(articles, [], None, 0, 0.5, seed=5, workers=4, **rates)
    assert side_by_side == alone
    assert len(set(mix_composition(alone))) >= 4  # several generators made something
