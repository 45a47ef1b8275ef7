"""The reader through ONNX Runtime: same logits and answers as torch, an export keyed by the
weights (a retrained reader never runs a stale export), and torch when no export can be made."""

import shutil

import numpy as np
import pytest
from haystack import Document

from qa.paths import DEFAULT_READER_DIR
from qa import onnx_export
from qa.onnx_export import ensure_onnx, onnx_path, weights_fingerprint
from qa.reading.reader import SpanReader
from qa.reading.span_models import OnnxSpanModel, TorchSpanModel, load_span_model, pad_windows, span_logits
from qa.reading.windows import make_windows
from tests.conftest import DEMO_QUESTION, SAMPLE_ARTICLE


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("qa-cache")


@pytest.fixture(scope="module")
def onnx_file(cache_dir):
    return ensure_onnx(DEFAULT_READER_DIR, cache_dir)


def _windows():
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(DEFAULT_READER_DIR))
    text = SAMPLE_ARTICLE.read_text()
    # different lengths in one batch: padding and the attention mask must not change the logits
    windows = make_windows(tokenizer, [DEMO_QUESTION, "Who is Lavrov?"], [text, text[:300]], 256, 128)
    return windows, tokenizer.pad_token_id


def test_onnx_and_torch_compute_the_same_logits(onnx_file):
    windows, pad = _windows()
    assert len({len(w.input_ids) for w in windows}) > 1
    ours = {id(w): (s, e) for w, s, e in span_logits(OnnxSpanModel(onnx_file), windows, pad, batch_size=4)}
    reference = {id(w): (s, e) for w, s, e in span_logits(TorchSpanModel(DEFAULT_READER_DIR), windows, pad, 4)}
    assert ours.keys() == reference.keys()
    for key, (start, end) in ours.items():
        assert start.shape == reference[key][0].shape
        np.testing.assert_allclose(start, reference[key][0], atol=1e-3)
        np.testing.assert_allclose(end, reference[key][1], atol=1e-3)


def test_both_backends_give_the_same_cited_answer(onnx_file, monkeypatch):
    monkeypatch.setattr("qa.paths.CACHE_DIR", onnx_file.parent.parent)
    text = SAMPLE_ARTICLE.read_text()
    documents = [Document(content=p) for p in text.split("\n\n") if p.strip()]
    results = []
    for backend in ("onnx", "torch"):
        reader = SpanReader(backend=backend)
        reader.warm_up()
        assert reader._model.backend == backend
        out = reader.run(query=DEMO_QUESTION, documents=documents, top_k=3)
        results.append([(a.data, a.document_offset.start, round(a.score, 4)) for a in out["answers"]])
    assert results[0] == results[1]


def test_the_export_is_keyed_by_the_weights(tmp_path, onnx_file):
    copy = tmp_path / "reader"
    shutil.copytree(DEFAULT_READER_DIR, copy)
    assert weights_fingerprint(copy) == weights_fingerprint(DEFAULT_READER_DIR)
    assert onnx_path(copy, onnx_file.parent.parent) == onnx_file  # same weights: reused, not re-exported
    weights = next(copy.glob("*.safetensors"))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # "retrained": one byte of the weights differs
    weights.write_bytes(bytes(data))
    assert onnx_path(copy, onnx_file.parent.parent) != onnx_file


def test_an_existing_export_is_reused_and_no_partial_file_is_left(onnx_file, monkeypatch):
    monkeypatch.setattr(onnx_export, "export_model", lambda *a: pytest.fail("exported again"))
    assert ensure_onnx(DEFAULT_READER_DIR, onnx_file.parent.parent) == onnx_file
    assert not list(onnx_file.parent.glob("*.tmp"))


def test_a_failed_export_falls_back_to_torch(tmp_path, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(onnx_export, "export_model", broken)
    model = load_span_model(DEFAULT_READER_DIR, "onnx", tmp_path)
    assert model.backend == "torch"
    assert "disk full" in caplog.text
    assert not list((tmp_path / "onnx").glob("*.onnx"))


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="unknown reader backend"):
        SpanReader(backend="tensorflow")


def test_padding_keeps_each_windows_tokens():
    class W:
        def __init__(self, ids):
            self.input_ids, self.token_type_ids = ids, [0] * len(ids)

    batch = pad_windows([W([5, 6, 7]), W([8])], pad_token_id=0)
    assert batch["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["input_ids"].dtype == np.int64


def test_auto_runs_int8_only_for_a_reader_whose_recorded_check_allows_it(tmp_path):
    import json

    from qa.reading.int8_check import passes
    from qa.reading.span_models import resolve_backend

    config = json.loads((DEFAULT_READER_DIR / "reader_config.json").read_text())
    for check, expected in ((None, "onnx"), ({"f1_loss": 0.3}, "onnx-int8"), ({"f1_loss": 0.5}, "onnx-int8"),
                            ({"f1_loss": 0.9}, "onnx"), ({"f1_loss": None}, "onnx")):
        (tmp_path / "reader_config.json").write_text(json.dumps({**config, "int8_check": check}))
        assert passes({"int8_check": check}) == (expected == "onnx-int8")
        assert resolve_backend(tmp_path, "auto") == expected
        assert resolve_backend(tmp_path, "torch") == "torch"  # a named backend is never second-guessed


def test_the_int8_check_scores_both_exports_on_held_out_articles_and_records_it(tmp_path, cache_dir):
    import json

    from qa.reading.int8_check import record, run_check
    from qa.reading.span_models import resolve_backend

    reader = tmp_path / "reader"
    shutil.copytree(DEFAULT_READER_DIR, reader)
    context = SAMPLE_ARTICLE.read_text().split("\n\n")[0]
    article = {"title": "Sample", "paragraphs": [{"context": context, "qas": [
        {"id": "a", "question": DEMO_QUESTION, "answers": [], "is_impossible": True},
        {"id": "b", "question": "Who won the 2018 World Cup?", "answers": [], "is_impossible": True}]}]}
    tune = tmp_path / "tune.json"
    tune.write_text(json.dumps({"data": [article]}))
    check = run_check(reader, tune, heldout_articles=1, heldout_seed=13, cache_dir=cache_dir)
    assert check["examples"] == 2 and check["articles"] == ["Sample"]
    assert 0 <= check["f1_fp32"] <= 100 and 0 <= check["f1_int8"] <= 100
    assert check["f1_loss"] == round(check["f1_fp32"] - check["f1_int8"], 2)
    record(reader, check)
    saved = json.loads((reader / "reader_config.json").read_text())
    assert saved["int8_check"] == check and saved["no_answer_threshold"] == json.loads(
        (DEFAULT_READER_DIR / "reader_config.json").read_text())["no_answer_threshold"]
    assert resolve_backend(reader, "auto") == ("onnx-int8" if check["allowed"] else "onnx")
