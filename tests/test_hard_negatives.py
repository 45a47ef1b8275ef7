"""The rule-made unanswerables: each kind does what its rule says, and the generator is deterministic."""

import random

import pytest

from qa.training.hard_negatives import (
    KINDS,
    answer_sentence_removed,
    antonym,
    entity_swap,
    entity_swap_in_paragraph,
    hard_negatives,
    negation,
    noun_swap_in_paragraph,
    sibling_paragraph,
)
from qa.training.squad_data import QAExample, build_training_mix, mix_composition

CONTEXT = ("Tesla moved to Paris in 1882 to work for the Continental Edison Company. "
           "His first job there was to install indoor lighting.")


def _example(question, answer, context=CONTEXT):
    return QAExample(qid="q1", title="Tesla", question=question, context=context, answer_text=answer,
                     answer_start=context.index(answer), golds=(answer,))


ARTICLE = {
    "title": "Tesla",
    "paragraphs": [
        {"context": CONTEXT, "qas": [
            {"id": "a", "question": "In what year did Tesla move to Paris?", "answers": [{"text": "1882", "answer_start": 23}]},
            {"id": "b", "question": "What was Tesla's first job in Paris?",
             "answers": [{"text": "install indoor lighting", "answer_start": CONTEXT.index("install indoor lighting")}]},
            {"id": "c", "question": "When did Tesla start to work for the Continental Edison Company?",
             "answers": [{"text": "1882", "answer_start": 23}]},
        ]},
        {"context": "In 1884 Tesla sailed to New York. Tesla met Edison in New York and worked in his Manhattan shop.",
         "qas": [{"id": "d", "question": "Where did Tesla sail to?", "answers": [{"text": "New York", "answer_start": 24}]}]},
        {"context": "Tesla later moved to Prague to study. He lived in Prague with little money in 1880.",
         "qas": [{"id": "e", "question": "What did Tesla study in Prague?", "answers": []}]},
    ],
}


def test_entity_swap_replaces_a_mention_with_one_the_paragraph_lacks():
    example = _example("In what year did Tesla move to Paris?", "1882")
    entities = {"name": ["Paris", "Prague", "Tesla"], "year": ["1880", "1882"], "number": []}
    for seed in range(10):
        negative = entity_swap(example, entities, random.Random(seed))
        assert negative is not None and negative.kind == "entity_swap"
        assert negative.question in ("In what year did Tesla move to Prague?", "In what year did Prague move to Paris?")
        assert (negative.answer_text, negative.answer_start, negative.golds) == ("", -1, ())
        assert negative.context == example.context


def test_entity_swap_needs_a_replacement_missing_from_the_paragraph():
    example = _example("In what year did Tesla move to Paris?", "1882")
    assert entity_swap(example, {"name": ["Paris", "Tesla"], "year": [], "number": []}, random.Random(0)) is None


SWAP_CONTEXT = ("Tesla moved to Paris in 1882 to work for the Continental Edison Company. "
                "The war of 1884 closed the Edison Works. Tesla later studied in Prague.")


def test_entity_swap_in_paragraph_takes_the_new_mention_from_an_unrelated_sentence():
    negative = entity_swap_in_paragraph(_example("Where did Tesla move in 1882?", "Paris", SWAP_CONTEXT))
    assert negative is not None and negative.kind == "entity_swap_in_paragraph"
    assert negative.question == "Where did Tesla move in 1884?"  # every word of it is in the paragraph
    assert (negative.answer_text, negative.answer_start, negative.golds) == ("", -1, ())
    assert negative.context == SWAP_CONTEXT


def test_entity_swap_in_paragraph_refuses_what_the_paragraph_may_answer_or_garble():
    # 1884's sentence speaks of work, as the question does: "When did Tesla work for Edison in 1884?" might be answered
    context = "Tesla moved to Paris in 1882 to work for Edison. In 1884 he worked for Edison in New York."
    assert entity_swap_in_paragraph(_example("Where did Tesla work in 1882?", "Paris", context)) is None
    # the question's year is not in the answer's sentence: nothing anchors it there
    assert entity_swap_in_paragraph(_example("Where did Tesla move in 1890?", "Paris", SWAP_CONTEXT)) is None
    # one end of a range
    ranged = "Tesla lived in Paris in 1882-83 and moved to Graz. The war of 1884 closed the works."
    assert entity_swap_in_paragraph(_example("Where did Tesla live in 1882-83?", "Paris", ranged)) is None
    # one-word names may be of another sort ("Prague" for "Paris" fine, "Chinese" for "Paris" not): not swapped
    names = "Tesla moved to Paris to work. The Chinese studied in Prague."
    assert entity_swap_in_paragraph(_example("Why did Tesla move to Paris?", "to work", names)) is None


MUSEUM = "The museum housed the royal collection in 1900. The library was founded by monks. Its gardens are open."


def test_noun_swap_in_paragraph_takes_a_head_noun_from_an_unrelated_sentence():
    negative = noun_swap_in_paragraph(_example("What did the museum house in 1900?", "the royal collection", MUSEUM))
    assert negative is not None and negative.kind == "noun_swap_in_paragraph"
    assert negative.question == "What did the library house in 1900?"  # every word of it is in the paragraph
    assert (negative.answer_text, negative.answer_start, negative.golds) == ("", -1, ())
    assert negative.context == MUSEUM
    # "a"/"an" follows the new noun
    orchard = "A museum housed the royal collection in 1900. An orchard was planted by monks."
    assert noun_swap_in_paragraph(_example("What did a museum house in 1900?", "the royal collection",
                                           orchard)).question == "What did an orchard house in 1900?"


def test_noun_swap_in_paragraph_refuses_what_the_paragraph_may_answer_or_garble():
    # the library's sentence speaks of 1900 too: "What did the library house in 1900?" might be answered
    shared = "The museum housed the royal collection in 1900. The library was founded in 1900."
    assert noun_swap_in_paragraph(_example("What did the museum house in 1900?", "the royal collection", shared)) is None
    # a plural for a singular garbles the question; "gardens" is the only other head noun here
    plural = "The museum housed the royal collection in 1900. Its gardens are open."
    assert noun_swap_in_paragraph(_example("What did the museum house in 1900?", "the royal collection", plural)) is None
    # the noun is not in the answer's sentence: nothing anchors it there
    assert noun_swap_in_paragraph(_example("What did the palace house in 1900?", "the royal collection", MUSEUM)) is None
    # adjectives and generic words are not taken for head nouns ("the first of", "the number of")
    generic = "The first of the rooms housed the collection. The library was founded by monks."
    assert noun_swap_in_paragraph(_example("What did the first of the rooms house?", "the collection", generic)) is None


def test_negation_negates_the_first_auxiliary_unless_the_answer_sentence_is_negated():
    assert negation(_example("What was Tesla's first job in Paris?", "install indoor lighting")).question == \
        "What wasn't Tesla's first job in Paris?"
    assert negation(_example("What wasn't Tesla's first job?", "install indoor lighting")) is None
    negated_context = "Tesla did not stay in Paris; he moved to Prague in 1880."
    assert negation(_example("Where did Tesla move?", "Prague", negated_context)) is None
    assert negation(_example("Tesla's job?", "install indoor lighting")) is None  # no auxiliary verb


def test_antonym_swaps_a_word_whose_opposite_the_paragraph_lacks():
    assert antonym(_example("What was Tesla's first job in Paris?", "install indoor lighting")).question == \
        "What was Tesla's last job in Paris?"
    with_last = CONTEXT + " His last job there was in 1884."
    assert antonym(_example("What was Tesla's first job in Paris?", "install indoor lighting", with_last)) is None
    assert antonym(_example("Where is the East River?", "Paris")) is None  # a name, not the word


def test_sibling_paragraph_shares_words_but_not_the_answer():
    paragraphs = [p["context"] for p in ARTICLE["paragraphs"]]
    from qa.training.hard_negatives import _content_words

    words = [_content_words(p) for p in paragraphs]
    example = _example("What did Tesla study in Prague when he moved?", "install indoor lighting")
    negative = sibling_paragraph(example, paragraphs, words, own=0)
    assert negative.context == paragraphs[2] and negative.question == example.question
    # a paragraph holding the answer text is never used
    example = _example("Where did Tesla work in 1882?", "Paris")
    assert sibling_paragraph(example, paragraphs + ["Tesla worked in Paris in 1882."],
                             words + [_content_words("Tesla worked in Paris in 1882.")], own=0) is None


DEAL = ("The new deal, slated to begin at midnight local time, was announced on Saturday. "
        "Both sides accused each other of attacks. "
        "France has called for an end since fighting broke out on the morning of September 27. "
        "“We cannot ignore the conflict,” Macron said.")


def test_answer_sentence_removed_keeps_the_distractors_and_drops_the_answer():
    negative = answer_sentence_removed(_example("When did fighting start between both sides?", "September 27",
                                                context=DEAL))
    assert negative is not None and negative.answer_start == -1 and negative.golds == ()
    assert "September 27" not in negative.context and "fighting broke out" not in negative.context
    assert negative.context.startswith("The new deal, slated to begin at midnight")
    assert negative.context.endswith("Macron said.")


def test_answer_sentence_removed_needs_shared_words_and_an_answer_not_repeated_elsewhere():
    # nothing left in common with the question
    assert answer_sentence_removed(_example("What happened on September 27?", "September 27", context=DEAL)) is None
    # the answer also appears in a kept sentence
    repeated = DEAL + " Fighting between the sides resumed on September 27 too."
    assert answer_sentence_removed(_example("When did fighting start between both sides?", "September 27",
                                            context=repeated)) is None
    # a one-sentence paragraph leaves nothing to read
    assert answer_sentence_removed(_example("In what year did Tesla move to Paris?", "1882",
                                            context="Tesla moved to Paris in 1882.")) is None


def test_generator_is_deterministic_and_labels_every_negative_unanswerable():
    first = hard_negatives([ARTICLE], KINDS, rate=1.0, seed=5)
    again = hard_negatives([ARTICLE], KINDS, rate=1.0, seed=5)
    assert first == again
    assert set(first) == set(KINDS)
    made = [e for kind in KINDS for e in first[kind]]
    assert made, "every kind applies to some question of the article"
    for e in made:
        assert e.answer_text == "" and e.golds == () and e.kind in KINDS
    assert all(e.qid != "e" and not e.qid.startswith("e-") for e in made)  # only answerable questions are used
    assert hard_negatives([ARTICLE], KINDS, rate=0.0, seed=5) == {kind: [] for kind in KINDS}


def test_a_kind_of_its_own_rate_leaves_the_other_kinds_as_they_were():
    plain = hard_negatives([ARTICLE], KINDS, rate=0.5, seed=5)
    more = hard_negatives([ARTICLE], KINDS, rate=0.5, seed=5, kind_rates={"negation": 1.0, "antonym": 0.0})
    assert {k: v for k, v in more.items() if k not in ("negation", "antonym")} == \
        {k: v for k, v in plain.items() if k not in ("negation", "antonym")}
    assert more["antonym"] == [] and len(more["negation"]) > len(plain["negation"])
    with pytest.raises(ValueError, match="unknown kind"):
        hard_negatives([ARTICLE], KINDS, rate=0.5, seed=5, kind_rates={"paraphrase": 1.0})


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kind"):
        hard_negatives([ARTICLE], ("paraphrase",), rate=1.0, seed=0)


def test_training_mix_holds_the_hard_negatives_in_proportion():
    mix = build_training_mix([ARTICLE], [], None, 0, 0.0, seed=3, hard_kinds=KINDS, hard_rate=1.0)
    counts = mix_composition(mix)
    assert counts["answerable"] == 4
    assert sum(counts.get(kind, 0) for kind in KINDS) >= 4
    capped = build_training_mix([ARTICLE], [], 6, 0, 0.0, seed=3, hard_kinds=KINDS, hard_rate=1.0)
    assert len(capped) == 6 and mix_composition(capped)["answerable"] >= 1


def test_answerable_rate_thins_the_answerables_and_keeps_every_negative():
    whole = build_training_mix([ARTICLE], [], None, 0, 0.0, seed=3, hard_kinds=KINDS, hard_rate=1.0)
    assert build_training_mix([ARTICLE], [], None, 0, 0.0, seed=3, hard_kinds=KINDS, hard_rate=1.0,
                              answerable_rate=1.0) == whole
    half = build_training_mix([ARTICLE], [], None, 0, 0.0, seed=3, hard_kinds=KINDS, hard_rate=1.0,
                              answerable_rate=0.5)
    counts, whole_counts = mix_composition(half), mix_composition(whole)
    assert counts["answerable"] == whole_counts["answerable"] // 2
    assert {k: counts.get(k) for k in KINDS} == {k: whole_counts.get(k) for k in KINDS}
