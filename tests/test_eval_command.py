"""`qa eval squad` on a tiny SQuAD 2.0 file: both modes, the official metric, recall@k."""

import json

from tests.conftest import run_qa


def test_eval_squad_reports_both_modes(tmp_path):
    contexts = [
        "The Normans were the people who in the 10th and 11th centuries gave their name to Normandy.",
        "Computational complexity theory classifies computational problems by their inherent difficulty.",
        "Southern California is home to Los Angeles, the second most populous city in the United States.",
    ]
    qas = [
        [{"id": "n1", "question": "In what centuries did the Normans give their name to Normandy?",
          "answers": [{"text": "10th and 11th centuries", "answer_start": contexts[0].index("10th")}], "is_impossible": False},
         {"id": "n2", "question": "Who gave their name to Paris?", "answers": [], "is_impossible": True}],
        [{"id": "c1", "question": "What does complexity theory classify?",
          "answers": [{"text": "computational problems", "answer_start": contexts[1].index("computational problems")}],
          "is_impossible": False}],
        [{"id": "s1", "question": "Which city is the second most populous in the United States?",
          "answers": [{"text": "Los Angeles", "answer_start": contexts[2].index("Los Angeles")}], "is_impossible": False}],
    ]
    data = {"version": "v2.0", "data": [{"title": f"T{i}", "paragraphs": [{"context": c, "qas": q}]}
                                         for i, (c, q) in enumerate(zip(contexts, qas))]}
    squad = tmp_path / "tiny.json"
    squad.write_text(json.dumps(data))
    # the throwaway index is SQLite even where the service is set up on PostgreSQL (here an address
    # nothing listens on): an evaluation never writes SQuAD paragraphs into a shared database
    out = run_qa("eval", "squad", str(squad), "--output", str(tmp_path / "report.json"), timeout=600,
                 env={"QA_STORE": "postgresql://qa@127.0.0.1:9/nowhere"})
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["questions"] == 4 and report["unanswerable"] == 1
    for mode in ("reader", "open"):
        result = report["modes"][mode]
        assert 0 <= result["overall"]["f1"] <= 100 and result["overall"]["count"] == 4
    assert report["modes"]["open"]["recall"]["@5"] == 1.0  # only three paragraphs exist
    assert "| reader |" in out.stdout and "| open |" in out.stdout

    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "squad"}')
    failed = run_qa("eval", "squad", str(bad))
    assert failed.returncode == 1 and "not a SQuAD JSON file" in failed.stderr
