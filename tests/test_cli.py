"""The ``qa`` command line as a user runs it: output, JSON contract, exit codes."""

import json

import pytest

from tests.conftest import DEMO_QUESTION, SAMPLE_ARTICLE, run_qa


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-index")
    out = run_qa("index", str(SAMPLE_ARTICLE.parent), "--index", str(folder), "--no-progress")
    assert out.returncode == 0, out.stderr
    assert "1 indexed" in out.stdout
    return folder


def test_ask_json_matches_the_contract_and_the_stored_text(cli_index):
    out = run_qa("ask", DEMO_QUESTION, "--json", "--index", str(cli_index))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) >= {"question", "no_answer", "answers"}
    best = result["answers"][0]
    assert set(best) >= {"answer", "score", "document_id", "document_name", "start", "end", "context", "context_start"}
    shown = run_qa("docs", "show", best["document_id"], "--json", "--index", str(cli_index))
    doc = json.loads(shown.stdout)
    assert {"id", "name", "text"} <= set(doc)
    assert doc["text"][best["start"] : best["end"]] == best["answer"]


def test_ask_reads_questions_from_stdin_one_json_line_each_in_order(cli_index):
    questions = [DEMO_QUESTION, "Who is the Russian Foreign Minister?", "What is the capital of Peru?"]
    out = run_qa("ask", "--json", "-", "--index", str(cli_index), input="\n".join(questions) + "\n")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions


def test_readable_answer_shows_the_citation(cli_index):
    out = run_qa("ask", DEMO_QUESTION, "--index", str(cli_index))
    assert out.returncode == 0
    assert "azerbaijan-armenia-pause-in-fighting.txt" in out.stdout and "characters" in out.stdout
    assert "[" in out.stdout  # the span is marked in its sentence


def test_demo_question_is_answered_from_the_command_line(cli_index):
    out = run_qa("ask", DEMO_QUESTION, "--json", "--index", str(cli_index))
    result = json.loads(out.stdout)
    assert result["no_answer"] is False and "September 27" in result["answers"][0]["answer"]


def test_docs_list_show_rm(cli_index, tmp_path):
    listed = json.loads(run_qa("docs", "list", "--json", "--index", str(cli_index)).stdout)
    assert [d["name"] for d in listed["documents"]] == ["azerbaijan-armenia-pause-in-fighting.txt"]
    # delete from a copy, so the other tests keep their document
    extra = tmp_path / "extra.txt"
    extra.write_text("The lighthouse was built in 1890.")
    assert run_qa("index", str(extra), "--index", str(cli_index), "--no-progress").returncode == 0
    listed = json.loads(run_qa("docs", "list", "--json", "--index", str(cli_index)).stdout)["documents"]
    extra_id = next(d["id"] for d in listed if d["name"] == "extra.txt")
    removed = run_qa("docs", "rm", extra_id, "--index", str(cli_index))
    assert removed.returncode == 0 and "deleted extra.txt" in removed.stdout
    again = run_qa("docs", "rm", extra_id, "--index", str(cli_index))
    assert again.returncode == 1 and "no document" in again.stderr


def test_exit_codes(cli_index, tmp_path):
    usage = run_qa("ask", "--index", str(cli_index))
    assert usage.returncode == 2
    empty_question = run_qa("ask", "  ", "--index", str(cli_index))
    assert empty_question.returncode == 2
    no_index = run_qa("ask", DEMO_QUESTION, "--index", str(tmp_path / "nothing"))
    assert no_index.returncode == 1 and "qa index" in no_index.stderr and "Traceback" not in no_index.stderr
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\xff\xfe")
    partial = run_qa("index", str(bad), str(SAMPLE_ARTICLE), "--index", str(tmp_path / "ix"), "--no-progress")
    assert partial.returncode == 1
    assert "skipped" in partial.stderr and "binary" in partial.stderr
    assert "1 indexed" in partial.stdout and "1 failed" in partial.stdout
