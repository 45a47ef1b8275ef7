"""The synonym-verb table behind the predicate distractors: forms, nouns left alone, paraphrases."""

import random

from qa.training.predicates import paraphrase, verb_mentions

WAR = "France has called for an end to hostilities since fighting broke out on the morning of September 27."


def _forms(text):
    return [(text[m.start:m.end], m.form) for m in verb_mentions(text)]


def test_forms_are_told_apart_by_the_words_before_them():
    assert _forms("The war had begun. It began in May.") == [("begun", 3), ("began", 2)]
    assert _forms("When was the school founded?") == [("founded", 3)]
    assert _forms("The company founded the school.") == [("founded", 2)]
    assert _forms("When did fighting break out?") == [("break out", 0)]  # the phrasal verb, not "break"


def test_nouns_and_other_words_are_not_taken_for_verbs():
    assert _forms("the start of the war and the attacks on Ganja") == []
    assert _forms("They found gold where the road turned left.") == []  # "found" of find, "left"
    assert _forms("A building of the fall semester.") == []  # -ing forms; a base form with no "did" or "to"
    assert _forms(WAR) == [("broke out", 2)]  # "an end to": no "did" or "to" before it


def test_a_question_with_the_sentences_own_verb_is_reworded_with_a_synonym():
    sentence = "The school was founded in 1890 by monks."
    at = sentence.index("1890")
    seen = set()
    for seed in range(30):
        made = paraphrase("When was the school founded?", sentence, at, at + 4, random.Random(seed))
        assert made is not None and made.question != "When was the school founded?"
        verb = made.question.removeprefix("When was the school ").rstrip("?")
        assert made.sentence_swap == (15, 22, verb)  # the copy takes the question's new verb, same form
        seen.add(verb)
    assert seen == {"established", "set up"}


def test_a_question_with_a_synonym_keeps_its_wording_and_the_copy_takes_its_verb():
    at = WAR.index("September 27")
    made = paraphrase("When did fighting start?", WAR, at, at + 12, random.Random(0))
    assert made.question == "When did fighting start?"
    assert WAR[made.sentence_swap[0]:made.sentence_swap[1]] == "broke out" and made.sentence_swap[2] == "started"
    # "break out" is read in sentences but never written where the question had another verb
    for seed in range(10):
        reworded = paraphrase("When did fighting break out?", WAR, at, at + 12, random.Random(seed))
        assert "break out" not in reworded.question and reworded.sentence_swap[2] != "broke out"


def test_no_paraphrase_without_a_shared_group_or_with_the_verb_inside_the_answer():
    sentence = "The bridge was built in 1890."
    at = sentence.index("1890")
    assert paraphrase("When did the war start?", sentence, at, at + 4, random.Random(0)) is None
    assert paraphrase("What was done to the bridge?", sentence, sentence.index("built"),
                      len(sentence) - 1, random.Random(0)) is None
