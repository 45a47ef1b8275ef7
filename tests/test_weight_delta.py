"""A reader saved as its changes on top of its base comes back tensor for tensor, from that base only."""

import json

import pytest
import torch
from safetensors.torch import load_file, save_file

from qa import paths
from qa.training.weight_delta import WEIGHTS, DeltaError, restore_delta, save_delta


def _reader(folder, weights, files=None):
    folder.mkdir()
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    for name, text in (files or {}).items():
        (folder / name).write_text(text)
    return folder


@pytest.fixture
def base_and_model(tmp_path):
    torch.manual_seed(0)
    base_weights = {"embeddings": torch.randn(50, 8).half(), "layer.0": torch.randn(8, 8).half(),
                    "layer.1": torch.randn(8, 8).half(), "qa.bias": torch.zeros(2).half()}
    files = {"config.json": '{"layers": 2}', "tokenizer.json": '{"vocab": 50}',
             "reader_config.json": '{"no_answer_threshold": 3.0}'}
    base = _reader(tmp_path / "base", base_weights, files)
    trained = dict(base_weights, **{"layer.1": base_weights["layer.1"] + 0.5, "qa.bias": torch.tensor([0.1, -0.1]).half()})
    model = _reader(tmp_path / "model", trained, dict(files, **{"reader_config.json": '{"no_answer_threshold": 4.5}'}))
    return base, model, trained


def test_a_delta_keeps_only_what_changed_and_restores_the_model_exactly(base_and_model, tmp_path):
    base, model, trained = base_and_model
    info = save_delta(model, base, tmp_path / "delta")
    stored = load_file(str(tmp_path / "delta" / "delta.safetensors"))
    assert sorted(stored) == ["layer.1", "qa.bias"]
    assert (info["changed_weights"], info["all_weights"]) == (66, 530)
    assert info["files"] == ["reader_config.json"]  # config and tokenizer are the base's own
    assert not (tmp_path / "delta" / "tokenizer.json").exists()

    out = restore_delta(tmp_path / "delta", tmp_path / "restored")
    restored = load_file(str(out / "model.safetensors"))
    assert set(restored) == set(trained)
    assert all(torch.equal(restored[name], trained[name]) for name in trained)
    assert json.loads((out / "reader_config.json").read_text()) == {"no_answer_threshold": 4.5}
    assert (out / "tokenizer.json").read_text() == '{"vocab": 50}'


def test_a_delta_refuses_another_base_or_a_missing_one(base_and_model, tmp_path):
    base, model, _ = base_and_model
    save_delta(model, base, tmp_path / "delta")
    with pytest.raises(DeltaError, match="not the base this delta was made from"):
        restore_delta(tmp_path / "delta", tmp_path / "out", base_dir=model)
    with pytest.raises(DeltaError, match="the base .* is missing"):
        restore_delta(tmp_path / "delta", tmp_path / "out", base_dir=tmp_path / "nowhere")
    with pytest.raises(DeltaError, match="not a saved delta"):
        restore_delta(base, tmp_path / "out")


def test_a_delta_needs_one_architecture(base_and_model, tmp_path):
    base, _, _ = base_and_model
    other = _reader(tmp_path / "other", {"embeddings": torch.zeros(50, 8).half()})
    with pytest.raises(DeltaError, match="not one architecture"):
        save_delta(other, base, tmp_path / "delta")


CANDIDATES = sorted((paths.PROJECT_ROOT / "models" / "candidates").glob("*/delta.json"))


@pytest.mark.parametrize("info", CANDIDATES, ids=[info.parent.name for info in CANDIDATES])
def test_each_kept_candidate_rebuilds_on_its_base_from_any_folder(info, tmp_path, monkeypatch):
    base = paths.PROJECT_ROOT / json.loads(info.read_text())["base"]
    if not (base / WEIGHTS).is_file():
        pytest.skip(f"the candidates' base {base} is absent (no ../shared beside this clone)")
    monkeypatch.chdir(tmp_path)  # the recorded base path is relative to the project root, not here
    out = restore_delta(info.parent, tmp_path / "rebuilt")  # checks the rebuilt tensors' digest
    config = json.loads((out / "reader_config.json").read_text())
    assert config == json.loads((info.parent / "reader_config.json").read_text())
    assert (out / "tokenizer.json").is_file()


def test_a_zero_whose_sign_changed_is_kept(base_and_model, tmp_path):
    """-0.0 == 0.0 in arithmetic, but the rebuilt bytes must be the saved ones (a soup's sum can flip it)."""
    base, _, _ = base_and_model
    weights = load_file(str(base / WEIGHTS))
    assert not weights["qa.bias"].any()
    flipped = _reader(tmp_path / "flipped", dict(weights, **{"qa.bias": -weights["qa.bias"]}))
    info = save_delta(flipped, base, tmp_path / "delta")
    assert info["changed_tensors"] == 1
    restore_delta(tmp_path / "delta", tmp_path / "rebuilt")  # checks the rebuilt weights' digest
