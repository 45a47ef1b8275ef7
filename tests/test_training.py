"""The training command end to end on a tiny synthetic SQuAD set: bounded, resumable, shipped
with a model card. (Real training runs are long and never run in tests.)"""

import json

import pytest

from tests.conftest import run_qa


def _squad(path, titles, unanswerable: bool):
    data = []
    for t, title in enumerate(titles):
        paragraphs = []
        for p in range(2):
            context = f"The {title} bridge number {p} opened in {1900 + t * 10 + p}. It is painted red."
            qas = [{"id": f"{title}-{p}-a", "question": f"When did the {title} bridge number {p} open?",
                    "answers": [{"text": str(1900 + t * 10 + p), "answer_start": context.index(str(1900 + t * 10 + p))}],
                    "is_impossible": False}]
            if unanswerable:
                qas.append({"id": f"{title}-{p}-u", "question": f"Who designed the {title} bridge?",
                            "answers": [], "is_impossible": True})
            paragraphs.append({"context": context, "qas": qas})
        data.append({"title": title, "paragraphs": paragraphs})
    path.write_text(json.dumps({"version": "v2.0", "data": data}))
    return path


@pytest.fixture
def tiny_data(tmp_path):
    return {
        "train": _squad(tmp_path / "train.json", ["alpha", "beta", "gamma"], unanswerable=False),
        "tune": _squad(tmp_path / "tune.json", ["delta", "epsilon", "zeta", "eta"], unanswerable=True),
        "eval": _squad(tmp_path / "eval.json", ["theta"], unanswerable=True),
    }


def test_train_reader_is_bounded_resumable_and_ships_a_model(tiny_data, tmp_path):
    out, run = tmp_path / "reader", tmp_path / "run"
    common = ["train-reader", "--squad-train", str(tiny_data["train"]), "--tune-file", str(tiny_data["tune"]),
              "--eval-file", str(tiny_data["eval"]), "--output", str(out), "--run-dir", str(run),
              "--batch-size", "4", "--max-length", "64", "--stride", "16", "--threads", "1",
              "--tune-repeats", "3", "--negative-rate", "0.5"]
    first = run_qa(*common, "--max-steps", "1", timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    assert (run / "checkpoint.pt").exists()
    report = json.loads((out / "training_report.json").read_text())
    assert report["progress"]["steps"] == 1
    assert (report["config"]["tune_repeats"], report["config"]["negative_rate"]) == (3, 0.5)

    resumed = run_qa(*common, "--max-steps", "2", "--resume", timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "resumed from" in resumed.stderr
    report = json.loads((out / "training_report.json").read_text())
    assert report["progress"]["steps"] == 2
    assert {"overall", "HasAns", "NoAns"} <= set(report["results"]["eval"])
    for name in ("model.safetensors", "config.json", "tokenizer.json", "reader_config.json", "MODEL_CARD.md"):
        assert (out / name).exists(), name
    card = (out / "MODEL_CARD.md").read_text()
    assert "| HasAns |" in card and "qa train-reader" in card
    threshold = json.loads((out / "reader_config.json").read_text())["no_answer_threshold"]
    assert threshold == report["results"]["threshold"]
