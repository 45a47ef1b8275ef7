"""The shipped reader: loads offline from models/reader and answers the seed question.

Its real quality is measured by `qa eval squad` (bench/RESULTS.md), not here.
"""

import math
from pathlib import Path

import pytest
from haystack import Document

from qa.paths import DEFAULT_READER_DIR, ModelMissing, reader_model_path
from qa.reading.confidence import answer_confidence
from qa.reading.reader import SpanReader, distinct_spans
from tests.conftest import DEMO_QUESTION, SAMPLE_ARTICLE


@pytest.fixture(scope="module")
def reader():
    component = SpanReader()
    component.warm_up()
    return component


def test_shipped_reader_answers_the_seed_question(reader):
    text = SAMPLE_ARTICLE.read_text()
    out = reader.run(query=DEMO_QUESTION, documents=[Document(content=text)], top_k=3)
    assert not out["no_answer"]
    best = out["answers"][0]
    assert "September 27" in best.data
    assert text[best.document_offset.start : best.document_offset.end] == best.data
    assert best.meta["answers"] and 0.0 < best.score <= 1.0
    assert [a.score for a in out["answers"]] == sorted((a.score for a in out["answers"]), reverse=True)


def test_a_passage_offers_distinct_spans(reader):
    text = SAMPLE_ARTICLE.read_text()
    out = reader.run(query=DEMO_QUESTION, documents=[Document(content=text)], top_k=50)
    spans = sorted((a.document_offset.start, a.document_offset.end) for a in out["answers"])
    assert len(spans) == reader.answers_per_document
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))


def test_distinct_spans_keeps_the_better_of_two_that_overlap():
    scored = {(10, 30): 5.0, (13, 30): 6.0, (40, 50): 1.0, (29, 45): 4.0, (60, 70): 0.5}
    assert distinct_spans(scored, 3) == [((13, 30), 6.0), ((40, 50), 1.0), ((60, 70), 0.5)]
    assert distinct_spans(scored, 1) == [((13, 30), 6.0)]
    assert distinct_spans({}, 3) == []


def test_reader_abstains_on_an_unrelated_question(reader):
    out = reader.run(query="What is the boiling point of tungsten?",
                     documents=[Document(content=SAMPLE_ARTICLE.read_text())])
    assert out["no_answer"]
    assert all(not a.meta["answers"] and 0.0 <= a.score < 1.0 for a in out["answers"])


def test_confidence_is_calibrated_and_monotone_in_the_margin():
    calibration = {"scale": 0.8, "bias": -0.4}
    values = [answer_confidence(m, 2.0, calibration) for m in (-5.0, 0.0, 2.0, 4.0, 9.0)]
    assert values == sorted(values) and 0.0 < values[0] < values[-1] < 1.0
    assert answer_confidence(2.0, 2.0, calibration) == pytest.approx(1 / (1 + math.exp(0.4)))
    assert answer_confidence(2.0, 2.0, None) == pytest.approx(0.5)  # uncalibrated: sigmoid(margin - threshold)


def test_missing_reader_fails_with_instructions(tmp_path):
    with pytest.raises(ModelMissing, match="qa train-reader"):
        reader_model_path(tmp_path / "nothing-here")


def test_shipped_reader_is_fp16_safetensors_with_a_tuned_threshold():
    folder = Path(reader_model_path(DEFAULT_READER_DIR))
    assert (folder / "model.safetensors").stat().st_size < 60_000_000
    assert (folder / "reader_config.json").exists() and (folder / "MODEL_CARD.md").exists()


def test_two_round_reading_stops_early_only_when_the_first_chunks_settle_it():
    """In fp32: int8 activations are quantised per batch, so its scores move with what else is
    in the batch, and two rounds batch differently from one."""
    text = SAMPLE_ARTICLE.read_text()
    paragraphs = [Document(content=p) for p in text.split("\n\n") if p.strip()]
    answer_first = [p for p in paragraphs if "September 27" in p.content] + \
                   [p for p in paragraphs if "September 27" not in p.content]
    everything = SpanReader(backend="onnx").run(query=DEMO_QUESTION, documents=answer_first, top_k=50)["answers"]

    settled = SpanReader(read_first=1, stop_score=0.0, backend="onnx").run(query=DEMO_QUESTION, documents=answer_first, top_k=50)
    assert {a.document.id for a in settled["answers"]} == {answer_first[0].id}  # the rest was not read

    unsettled = SpanReader(read_first=1, stop_score=1.01, backend="onnx").run(query=DEMO_QUESTION, documents=answer_first, top_k=50)
    assert [(a.data, a.document.id, a.score) for a in unsettled["answers"]] == \
           [(a.data, a.document.id, a.score) for a in everything]


def test_the_retrieval_rank_weighs_in_only_across_passages_and_never_decides_abstention():
    """A span in the n-th passage gives up ``rank_penalty * n`` of its margin; the verdict to
    answer at all comes from the spans' own margins, so it does not move with the penalty."""
    passages = [Document(content="The keeper of the lighthouse at Amber Heron Point is Amara Albright."),
                Document(content="The keeper of the lighthouse at Red Otter Point is Hugo Brennan.")]
    question = "Who is the keeper of the lighthouse at Amber Heron Point?"
    runs = {penalty: SpanReader(backend="onnx", rank_penalty=penalty).run(query=question, documents=passages, top_k=50)
            for penalty in (0.0, 1.0, 100.0)}
    for penalty, out in runs.items():
        for answer in out["answers"]:
            rank = passages.index(answer.document)
            assert answer.meta["margin"] == pytest.approx(answer.meta["reader_margin"] - penalty * rank)
        assert [a.score for a in out["answers"]] == sorted((a.score for a in out["answers"]), reverse=True)
    assert runs[0.0]["no_answer"] == runs[1.0]["no_answer"] == runs[100.0]["no_answer"]
    assert runs[100.0]["answers"][0].document is passages[0]  # a near-tie goes to the better-ranked passage
    one = SpanReader(backend="onnx", rank_penalty=100.0).run(query=question, documents=passages[1:], top_k=50)
    assert [a.meta["margin"] for a in one["answers"]] == [a.meta["reader_margin"] for a in one["answers"]]
