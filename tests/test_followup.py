"""Follow-up questions resolved with the conversation (pure logic, no models)."""

import pytest

from qa.chat import ChatSessions, resolve_followup
from qa.chat.sessions import MAX_TURNS

TOPIC = "How many civilians were killed in the Ganja attack?"


@pytest.mark.parametrize("question", ["and how many were injured?", "How many were injured?",
                                      "What about the children?", "When did it happen?", "Who signed it?"])
def test_follow_ups_are_searched_with_the_topic_question(question):
    resolved = resolve_followup(question, [{"question": TOPIC, "is_followup": False}])
    assert resolved.is_followup and resolved.topic_question == TOPIC
    assert resolved.retrieval_query.startswith(TOPIC + " ")
    assert not resolved.reader_question.lower().startswith(("and ", "what about "))


def test_a_standalone_question_or_a_first_question_is_searched_as_it_is():
    history = [{"question": TOPIC, "is_followup": False}]
    standalone = "Which countries brokered the ceasefire agreement in Moscow?"
    assert resolve_followup(standalone, history).retrieval_query == standalone
    assert not resolve_followup("and how many were injured?", []).is_followup


def test_a_chain_of_follow_ups_keeps_the_topic_of_the_last_standalone_question():
    history = [{"question": "Who is the Russian Foreign Minister?", "is_followup": False},
               {"question": TOPIC, "is_followup": False},
               {"question": "and how many were injured?", "is_followup": True}]
    assert resolve_followup("and where was it?", history).topic_question == TOPIC


def test_sessions_keep_turns_in_order_and_forget_on_delete(tmp_path):
    sessions = ChatSessions(tmp_path / "s.sqlite3")
    sid = sessions.new_id()
    assert sessions.history(sid) is None
    for i in range(MAX_TURNS + 3):
        sessions.add_turn(sid, f"q{i}", f"q{i}", f"q{i}", False, {"no_answer": True, "answers": []}, 1.0)
    turns = ChatSessions(tmp_path / "s.sqlite3").history(sid)  # another process would see the same
    assert len(turns) == MAX_TURNS and turns[0]["question"] == "q3" and turns[-1]["question"] == f"q{MAX_TURNS + 2}"
    assert sessions.delete(sid) and sessions.history(sid) is None and not sessions.delete(sid)
