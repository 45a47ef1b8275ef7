"""The threshold and confidence for several passages: fit through retrieval by ``qa calibrate-open``,
recorded beside the one-passage pair, and used by the reader only when it reads more than one passage."""

import json
from pathlib import Path

import pytest
from haystack import Document

from qa.paths import DEFAULT_READER_DIR
from qa.reading.confidence import answer_confidence
from qa.reading.reader import SpanReader
from tests.conftest import DEMO_QUESTION, SAMPLE_ARTICLE, run_qa
from tests.test_training import _squad


def _reader_copy(folder: Path, several: dict | None = None) -> Path:
    """The shipped reader's weights (linked) with a config of our own, so nothing touches models/reader."""
    folder.mkdir()
    for path in Path(DEFAULT_READER_DIR).iterdir():
        if path.name not in ("reader_config.json", "MODEL_CARD.md"):
            (folder / path.name).symlink_to(path.resolve())
    config = json.loads((Path(DEFAULT_READER_DIR) / "reader_config.json").read_text())
    if several:
        config["several_passages"] = several
    (folder / "reader_config.json").write_text(json.dumps(config))
    (folder / "MODEL_CARD.md").write_text("# Reader\n\n## Confidence\n\nOne passage.\n\n## Reproduce\n\nqa train-reader\n")
    return folder


def test_calibrate_open_fits_through_retrieval_and_records_once(tmp_path):
    tune = _squad(tmp_path / "tune.json", ["delta", "epsilon", "zeta", "eta"], unanswerable=True)
    model = _reader_copy(tmp_path / "reader")
    for seed in ("13", "5"):  # a second fit replaces the first
        result = run_qa("calibrate-open", "--reader-model", str(model), "--tune-file", str(tune),
                        "--heldout-articles", "2", "--heldout-seed", seed, timeout=600,
                        env={"QA_STORE": "postgresql://qa@127.0.0.1:9/nowhere"})  # its index stays SQLite
        assert result.returncode == 0, result.stderr[-2000:]
        assert "8 held-out questions asked through retrieval" in result.stdout
    config = json.loads((model / "reader_config.json").read_text())
    several = config["several_passages"]
    assert isinstance(several["no_answer_threshold"], float) and several["passages_read"] == 3
    assert len(several["articles"]) == 2 and set(several["calibration"]) == {"scale", "bias"}
    assert config["no_answer_threshold"] == json.loads((Path(DEFAULT_READER_DIR) / "reader_config.json").read_text())[
        "no_answer_threshold"]  # the one-passage threshold is left as trained
    card = (model / "MODEL_CARD.md").read_text()
    assert card.count("## Confidence when reading several passages") == 1
    assert card.index("## Confidence when reading several passages") < card.index("## Reproduce")
    assert "| 0.9–1.0 |" in card and "One passage." in card


@pytest.mark.parametrize("command", ["calibrate-open", "check-int8"])
def test_the_held_out_measurements_fail_cleanly_without_their_inputs(tmp_path, command):
    result = run_qa(command, "--tune-file", str(tmp_path / "absent.json"))
    assert result.returncode == 1 and "no tune file" in result.stderr and "Traceback" not in result.stderr
    result = run_qa(command, "--reader-model", str(tmp_path / "no-reader"))
    assert result.returncode == 1 and "reader model is missing" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def paragraphs():
    text = SAMPLE_ARTICLE.read_text()
    return [Document(content=p) for p in text.split("\n\n") if "September 27" in p] + \
           [Document(content=p) for p in text.split("\n\n") if p.strip() and "September 27" not in p][:2]


def test_the_reader_uses_the_several_passage_rule_only_over_several_passages(tmp_path, paragraphs):
    several = {"no_answer_threshold": 1000.0, "calibration": {"scale": 0.5, "bias": 0.25}}
    model = _reader_copy(tmp_path / "reader", several)
    reader = SpanReader(model=str(model), backend="onnx")
    plain = SpanReader(backend="onnx")

    one = reader.run(query=DEMO_QUESTION, documents=paragraphs[:1], top_k=5)
    assert [(a.data, a.score) for a in one["answers"]] == \
           [(a.data, a.score) for a in plain.run(query=DEMO_QUESTION, documents=paragraphs[:1], top_k=5)["answers"]]
    assert not one["no_answer"]

    many = reader.run(query=DEMO_QUESTION, documents=paragraphs, top_k=5)
    assert many["no_answer"] and many["answers"]  # spans still offered, the verdict from the higher threshold
    for answer in many["answers"]:
        assert answer.score == pytest.approx(answer_confidence(answer.meta["margin"], 1000.0, several["calibration"]))

    explicit = SpanReader(model=str(model), backend="onnx", no_answer_threshold=reader.no_answer_threshold)
    assert explicit.verdict_rule(3) == (reader.no_answer_threshold, reader.calibration)
    assert reader.verdict_rule(1) == (reader.no_answer_threshold, reader.calibration)
    assert reader.verdict_rule(2) == (1000.0, several["calibration"])


def test_a_serialised_reader_keeps_both_rules(tmp_path):
    model = _reader_copy(tmp_path / "reader", {"no_answer_threshold": 7.5, "calibration": None})
    reader = SpanReader(model=str(model), backend="onnx")
    again = SpanReader.from_dict(reader.to_dict())
    assert [again.verdict_rule(n) for n in (1, 3)] == [reader.verdict_rule(n) for n in (1, 3)]
    assert reader.verdict_rule(3) == (7.5, None) and reader.verdict_rule(1)[0] != 7.5
    fixed = SpanReader.from_dict(SpanReader(model=str(model), backend="onnx", no_answer_threshold=1.25).to_dict())
    assert fixed.verdict_rule(1)[0] == fixed.verdict_rule(3)[0] == 1.25
