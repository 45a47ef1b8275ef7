"""Whether a reader may run with int8 weights: measured per reader, recorded in its config.

Dynamic int8 quantisation makes the reader ~1.6x faster on CPU but moves its logits, by an amount
that depends on the weights: the int8 export is allowed only where it costs at most
``MAX_F1_LOSS`` F1 against fp32. The check scores both exports, with the reader's own no-answer
threshold, on the held-out tune articles (never the evaluation sample), and stores the result
in ``reader_config.json`` under ``int8_check``; the ``auto`` backend (the default) reads it. A
reader without the record runs in fp32. ``qa check-int8`` runs it; ``qa train-reader`` runs it
for every reader it writes. (Dynamic quantisation scales activations per batch, so an int8 score
also moves a little with the other windows read in the same batch; the same question over the same
chunks always gets the same answer.)
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from qa.reading import READER_CONFIG

MAX_F1_LOSS = 0.5


def passes(config: dict) -> bool:
    """True when the reader's recorded check allows int8."""
    check = config.get("int8_check") or {}
    return check.get("f1_loss") is not None and check["f1_loss"] <= MAX_F1_LOSS


def run_check(model_dir: str | Path, tune_file: str | Path, heldout_articles: int, heldout_seed: int,
              cache_dir: str | Path) -> dict:
    """F1 of the fp32 and int8 exports on the held-out tune articles, at the reader's threshold."""
    from transformers import AutoTokenizer

    from qa.reading.span_models import load_span_model
    from qa.training.evaluation import predict_margins, score
    from qa.training.squad_data import examples_from, load_articles, split_articles

    config = json.loads((Path(model_dir) / READER_CONFIG).read_text())
    threshold = float(config.get("no_answer_threshold", 0.0))
    _, heldout = split_articles(load_articles(tune_file), heldout_articles, heldout_seed)
    examples = examples_from(heldout)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    result: dict = {"examples": len(examples), "articles": [a.get("title", "") for a in heldout],
                    "threshold": threshold}
    for backend in ("onnx", "onnx-int8"):
        began = time.perf_counter()
        span_model = load_span_model(model_dir, backend, cache_dir)
        if span_model.backend != backend:
            raise RuntimeError(f"the {backend} export could not be made; see the warning above")
        texts, margins = predict_margins(span_model, tokenizer, examples, int(config.get("max_length", 256)),
                                         int(config.get("stride", 128)))
        key = "fp32" if backend == "onnx" else "int8"
        result[f"f1_{key}"] = round(score(texts, margins, examples, threshold)["overall"]["f1"], 2)
        result[f"seconds_{key}"] = round(time.perf_counter() - began, 1)
    result["f1_loss"] = round(result["f1_fp32"] - result["f1_int8"], 2)
    result["allowed"] = result["f1_loss"] <= MAX_F1_LOSS
    return result


def record(model_dir: str | Path, check: dict) -> None:
    """Store the check in the reader's config (atomically: the reader reads it at start)."""
    from qa.atomic_files import write_atomically

    path = Path(model_dir) / READER_CONFIG
    config = json.loads(path.read_text())
    config["int8_check"] = check
    write_atomically(path, (json.dumps(config, indent=2) + "\n").encode())
