"""`qa chat` driven through a pipe, as a user types: questions, a follow-up, :sources, :new, :quit."""

from __future__ import annotations

import re

from qa.chat import ChatSessions
from tests.conftest import DEMO_QUESTION, run_qa


def test_a_conversation_through_a_pipe(sample_index, tmp_path):
    db = tmp_path / "sessions.sqlite3"
    typed = f"{DEMO_QUESTION}\nand how many were injured?\n:sources\n:help\n:new\nWho won the 2018 World Cup?\n:quit\n"
    result = run_qa("chat", "--index", str(sample_index), "--sessions-db", str(db), input=typed)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    first_id = re.search(r"Conversation ([0-9a-f]{32})", out).group(1)
    assert "A: " in out and re.search(r"\[[^\]]*September 27[^\]]*\]", out)  # the span marked in its sentence
    assert "source: azerbaijan-armenia-pause-in-fighting.txt" in out
    assert f"(follow-up: searched for \u201c{DEMO_QUESTION} How many were injured?\u201d)" in out
    assert re.search(r"\[1\] '.+' in azerbaijan-armenia-pause-in-fighting\.txt", out)  # :sources
    assert ":sources  where the last answer came from" in out  # :help
    second_id = re.search(r"New conversation ([0-9a-f]{32})", out).group(1)
    assert "I couldn't find an answer in the documents." in out  # the unrelated question abstains
    sessions = ChatSessions(db)
    assert [t["question"] for t in sessions.history(first_id)] == [DEMO_QUESTION, "and how many were injured?"]
    assert [t["question"] for t in sessions.history(second_id)] == ["Who won the 2018 World Cup?"]


def test_a_conversation_continues_and_bad_ids_are_refused(sample_index, tmp_path):
    db = tmp_path / "sessions.sqlite3"
    first = run_qa("chat", "--index", str(sample_index), "--sessions-db", str(db), input=f"{DEMO_QUESTION}\n")
    session_id = re.search(r"Conversation ([0-9a-f]{32})", first.stdout).group(1)
    again = run_qa("chat", "--index", str(sample_index), "--sessions-db", str(db), "--session", session_id,
                   input="and how many were injured?\n")  # ends at end of input, like Ctrl+D
    assert again.returncode == 0 and "(follow-up: searched for" in again.stdout
    assert len(ChatSessions(db).history(session_id)) == 2
    bad = run_qa("chat", "--index", str(sample_index), "--session", "../../etc", input="")
    assert bad.returncode == 2 and "not a conversation id" in bad.stderr
