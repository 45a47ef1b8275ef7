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
              "--tune-repeats", "3", "--negative-rate", "0.5", "--answerable-rate", "0.9"]
    first = run_qa(*common, "--max-steps", "1", timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    assert (run / "checkpoint.pt").exists()
    report = json.loads((out / "training_report.json").read_text())
    assert report["progress"]["steps"] == 1
    assert (report["config"]["tune_repeats"], report["config"]["negative_rate"], report["config"]["answerable_rate"]) == (3, 0.5, 0.9)

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
    config = json.loads((out / "reader_config.json").read_text())
    assert config["no_answer_threshold"] == report["results"]["threshold"]
    # and the pair for several passages, fit through retrieval (qa.training.open_calibration)
    assert config["several_passages"]["no_answer_threshold"] == report["results"]["several_passages"]["no_answer_threshold"]
    assert card.count("## Confidence when reading several passages") == 1


def test_train_reader_with_hard_negatives_short_windows_and_frozen_layers(tiny_data, tmp_path):
    out = tmp_path / "reader"
    result = run_qa("train-reader", "--squad-train", str(tiny_data["train"]), "--tune-file", str(tiny_data["tune"]),
                    "--eval-file", str(tiny_data["eval"]), "--output", str(out), "--run-dir", str(tmp_path / "run"),
                    "--batch-size", "4", "--max-length", "64", "--stride", "16", "--threads", "1", "--max-steps", "1",
                    "--hard-negatives", "negation,antonym,sibling_paragraph,entity_swap,entity_swap_in_paragraph:0.5",
                    "--hard-rate", "1",
                    "--train-window-tokens", "48", "--freeze-layers", "2", "--rank-loss-weight", "0.5",
                    "--shared-norm-rate", "1", timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "training 7098626 of 22566146 weights" in result.stderr  # embeddings + 2 of 6 layers frozen
    report = json.loads((out / "training_report.json").read_text())
    assert report["progress"]["windows_in_mix"] == report["progress"]["examples_in_mix"]  # one window each
    assert {"negation", "sibling_paragraph", "answerable"} <= set(report["progress"]["mix"])
    config = json.loads((out / "reader_config.json").read_text())
    assert config["calibration"]["scale"] >= 0
    card = (out / "MODEL_CARD.md").read_text()
    assert "rule-made hard negatives" in card and "## Confidence" in card and "| 0.9–1.0 |" in card
    assert report["config"]["hard_kind_rates"] == {"entity_swap_in_paragraph": 0.5}
    assert "rate 1.0, entity_swap_in_paragraph 0.5)" in card
    assert report["config"]["rank_loss_weight"] == 0.5 and "plus 0.5 × a pairwise loss ranking" in card
    # every answerable example of the tiny set has a sibling paragraph sharing the question's words
    with_companion = report["progress"]["windows_with_companion"]
    assert with_companion >= report["progress"]["mix"]["answerable"] // 2
    assert f"{with_companion} answerable windows (rate 1.0) also read beside a companion paragraph" in card


def test_train_reader_refuses_an_unknown_hard_negative_kind(tiny_data, tmp_path):
    result = run_qa("train-reader", "--squad-train", str(tiny_data["train"]), "--output", str(tmp_path / "r"),
                    "--hard-negatives", "negation,paraphrase")
    assert result.returncode == 2
    assert "unknown kind 'paraphrase'" in result.stderr and "Traceback" not in result.stderr
    result = run_qa("train-reader", "--squad-train", str(tiny_data["train"]), "--output", str(tmp_path / "r"),
                    "--hard-negatives", "negation:often")
    assert result.returncode == 2
    assert "the rate of negation must be a number from 0 to 1" in result.stderr and "Traceback" not in result.stderr


def test_train_reader_continues_from_a_saved_delta_and_refuses_one_without_its_base(tiny_data, tmp_path):
    import shutil

    import torch
    from safetensors.torch import load_file, save_file

    from qa.training.weight_delta import save_delta

    common = ["train-reader", "--squad-train", str(tiny_data["train"]), "--tune-file", str(tiny_data["tune"]),
              "--eval-file", str(tiny_data["eval"]), "--batch-size", "4", "--max-length", "64", "--stride", "16",
              "--threads", "1", "--max-steps", "1", "--train-window-tokens", "48", "--freeze-layers", "2"]
    first = run_qa(*common, "--output", str(tmp_path / "stage1"), "--run-dir", str(tmp_path / "run1"), timeout=600)
    assert first.returncode == 0, first.stderr[-2000:]
    base = tmp_path / "base"  # stage 1 with its top layer as it was before: a base for stage 1's delta
    shutil.copytree(tmp_path / "stage1", base)
    weights = load_file(str(base / "model.safetensors"))
    name = next(k for k in weights if ".layer.5." in k)
    weights[name] = weights[name] + torch.ones_like(weights[name])
    save_file(weights, str(base / "model.safetensors"), metadata={"format": "pt"})
    info = save_delta(tmp_path / "stage1", base, tmp_path / "delta")
    assert info["changed_tensors"] == 1

    second = run_qa(*common, "--base-model", str(tmp_path / "delta"), "--output", str(tmp_path / "stage2"),
                    "--run-dir", str(tmp_path / "run2"), timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "rebuilt from its delta" in second.stderr
    rebuilt = load_file(str(tmp_path / "run2" / "base-model" / "model.safetensors"))
    assert torch.equal(rebuilt[name], load_file(str(tmp_path / "stage1" / "model.safetensors"))[name])

    shutil.rmtree(base)
    orphan = run_qa(*common, "--base-model", str(tmp_path / "delta"), "--output", str(tmp_path / "stage3"),
                    "--run-dir", str(tmp_path / "run3"), timeout=600)
    assert orphan.returncode == 1
    assert "is missing; pass the folder it was made from" in orphan.stderr and "Traceback" not in orphan.stderr


def test_the_rank_loss_refuses_a_model_without_segment_ids(tiny_data, tmp_path, monkeypatch):
    """It tells the context from the question by segment ids: without them, a clear message before any work."""
    import logging

    import transformers
    from click.testing import CliRunner

    from qa.cli import cli

    class NoSegments:
        model_input_names = ["input_ids", "attention_mask"]

    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", lambda *a, **k: NoSegments())
    monkeypatch.setattr(logging, "basicConfig", lambda **kwargs: None)  # the command's logging set-up stays out of pytest's
    result = CliRunner().invoke(cli, ["train-reader", "--squad-train", str(tiny_data["train"]),
                                      "--tune-file", str(tiny_data["tune"]), "--output", str(tmp_path / "r"),
                                      "--run-dir", str(tmp_path / "run"), "--rank-loss-weight", "1"])
    assert result.exit_code == 1 and "needs a model with segment ids" in result.output
    assert not (tmp_path / "r").exists()
