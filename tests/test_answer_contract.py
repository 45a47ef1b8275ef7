"""One answer contract (qa/answer/contract.py): the pipeline, the CLI, the API spec and the page agree with it."""

from __future__ import annotations

import json
import re

from qa.answer.contract import AnswerResult, CitedAnswer, TurnFields, fields
from tests.conftest import DEMO_QUESTION, PROJECT_ROOT, run_qa


def test_the_pipeline_returns_exactly_the_contract(service):
    result = service.ask(DEMO_QUESTION)
    assert list(result) == list(fields(AnswerResult))
    assert result["answers"] and all(list(a) == list(fields(CitedAnswer)) for a in result["answers"])


def test_qa_ask_json_prints_the_contract(sample_index):
    out = run_qa("ask", "--json", "--index", str(sample_index), DEMO_QUESTION)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) == set(fields(AnswerResult))
    assert set(result["answers"][0]) == set(fields(CitedAnswer))


def test_the_api_spec_is_generated_from_the_contract(sample_index, tmp_path):
    from qa.web.app import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(sample_index), "LOAD_IN_BACKGROUND": False,
                      "SESSIONS_DB": str(tmp_path / "s.sqlite3")})
    schemas = app.spec["components"]["schemas"]
    assert list(schemas["AnswerOut"]["properties"]) == list(fields(CitedAnswer))
    assert set(schemas["AskOut"]["properties"]) == set(fields(AnswerResult)) | set(fields(TurnFields))
    assert all(p.get("description") for p in schemas["AnswerOut"]["properties"].values())


def test_the_page_reads_only_contract_fields():
    script = (PROJECT_ROOT / "qa" / "web" / "static" / "chat.js").read_text()
    contract = set(fields(AnswerResult)) | set(fields(CitedAnswer)) | set(fields(TurnFields))
    used = set(re.findall(r"\b(?:result|answer)\.([a-z_]+)\b", script))  # the page's names for the contract
    assert {"answers", "no_answer", "answer", "start", "end", "context", "context_start"} <= used <= contract
