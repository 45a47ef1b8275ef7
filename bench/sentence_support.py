"""Does the question's likeness to a span's sentence pick better spans than the reader alone?

    .venv/bin/python bench/sentence_support.py --model models/reader --model train-runs/reader24/base-model [--mode open]

The demo question's trap is a span ("midnight local time") in a sentence that shares the question's
words but not its meaning ("a pause in fighting ... slated to begin at midnight"), while
all-MiniLM-L6-v2, the retriever's encoder, puts the answer's sentence ("since fighting broke out
... on the morning of September 27") closer to the question (cosine 0.34 against 0.27 for the
whole sentences; 0.57 against 0.26 for the clauses holding the two spans).
Here each candidate span is ranked by ``its ranking margin − weight · (best candidate sentence's
likeness − its own sentence's likeness)``; the answer-or-abstain decision stays the reader's own
(best raw margin), so the AUC is unchanged and only which span is shown moves.

On the 5 held-out SQuAD 2.0 tune articles (heldout seed 13: never trained on; the evaluation
sample is not touched), for a grid of weights: the never-abstaining F1 on answerable questions
(span choice alone) and the cross-validated F1 (threshold chosen with each article left out, as
training reports). ``--mode reader`` reads each question with its own paragraph; ``--mode open``
indexes every paragraph and reads the pipeline's fused passages (``READ_K``), through the
product's own ``SpanReader._answers`` (retrieval-rank prior included). The reading is cached
in the temporary folder, so other variants of the support re-run in seconds.

Result (bench/RESULTS.md "Stage 24, and sentence support"): at most +0.6 to +1.1 span F1 and
+0.2 CV F1, within noise, for +73 ms a question in the product: not adopted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_tune_file_option, cross_validated_row, heldout_articles

WEIGHTS = (0.0, 2.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0)
SPANS_KEPT = 12
WINDOW_WORDS = (6, 10, 15)


def sentence_at(text: str, char: int) -> str:
    from qa.ingest.sentences import sentence_spans

    spans = sentence_spans(text)
    for start, end in spans:
        if char < end:
            return text[start:end]
    return text[spans[-1][0]:spans[-1][1]] if spans else text


def words_around(text: str, start: int, end: int, words: int) -> str:
    """The span with up to ``words`` words of its passage on each side."""
    before = text[:start].split()
    after = text[end:].split()
    return " ".join(before[max(0, len(before) - words):] if words else []) + " " + text[start:end] + " " + \
        " ".join(after[:words])


def supports(passage: str, start: int, end: int) -> dict[str, str]:
    """The texts each variant compares with the question."""
    out = {"sentence": sentence_at(passage, start)}
    for k in WINDOW_WORDS:
        out[f"{k} words around"] = words_around(passage, start, end, k).strip()
    return out


def reader_mode(model_dir: str, examples, threads: int):
    """Per question: [(text, supports, ranking margin)] and the decision margin; own paragraph only."""
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.reading.span_decoder import best_spans, null_score, snap_to_words
    from qa.reading.span_models import TorchSpanModel, span_logits
    from qa.reading.windows import make_windows

    torch.set_num_threads(threads)
    model = AutoModelForQuestionAnswering.from_pretrained(model_dir, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    config = json.loads((Path(model_dir) / "reader_config.json").read_text())
    windows = make_windows(tokenizer, [e.question for e in examples], [e.context for e in examples],
                           config.get("max_length", 256), config.get("stride", 128))
    spans: list[dict] = [{} for _ in examples]
    nulls = [math.inf] * len(examples)
    for w, s, e in span_logits(TorchSpanModel(model=model), windows, tokenizer.pad_token_id, 64):
        nulls[w.pair_index] = min(nulls[w.pair_index], null_score(s, e))
        context = examples[w.pair_index].context
        for span in best_spans(s, e, w.offsets, n_best=SPANS_KEPT):
            key = snap_to_words(context, span.char_start, span.char_end)
            spans[w.pair_index][key] = max(spans[w.pair_index].get(key, -math.inf), span.score)
    out = []
    for ex, found, null in zip(examples, spans, nulls):
        candidates = [(ex.context[s:e], supports(ex.context, s, e), score - null) for (s, e), score in found.items()]
        out.append((candidates, max((c[2] for c in candidates), default=-1e4)))
    return out


def open_mode(model_dir: str, examples, articles, read_k: int):
    """Per question: the product's answers over the fused passages, and its decision margin."""
    from bench.rank_prior import read_all
    from qa.evaluation.squad_eval import paragraph_service

    out = []
    with paragraph_service(articles, model_dir) as (service, _):
        for question, passages, nulls, spans in read_all(service, [e.question for e in examples], read_k):
            answers = service.reader._answers(question, passages, nulls, spans) if passages else []
            candidates = [(a.data, supports(a.document.content, a.document_offset.start, a.document_offset.end),
                           a.meta["margin"])
                          for a in answers]
            out.append((candidates, max((a.meta["reader_margin"] for a in answers), default=-1e4)))
    return out


def main() -> None:
    from qa import paths
    from qa.onnx_embedders import _OnnxEncoder
    from qa.pipeline import READ_K
    from qa.squad_metric import best_over_golds
    from qa.training.squad_data import examples_from

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", required=True, help="reader folder (repeatable)")
    parser.add_argument("--mode", choices=("reader", "open"), default="reader")
    add_tune_file_option(parser)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--output", type=Path, default=Path("bench/results/sentence-support.json"))
    args = parser.parse_args()
    articles = heldout_articles(parser, args.tune_file)
    examples = examples_from(articles)

    encoder = _OnnxEncoder(paths.embedder_model_path(), str(paths.CACHE_DIR), batch_size=32)
    questions = sorted({e.question for e in examples})
    question_vec = dict(zip(questions, encoder.encode(questions)))
    results = json.loads(args.output.read_text()) if args.output.exists() else {}
    print("| reader | mode | compared text | weight | never-abstain HasAns F1 | AUC | CV F1 | HasAns | NoAns |")
    print("|---|---|---|---|---|---|---|---|---|")
    for model_dir in args.model:
        read_what = f"{Path(model_dir).resolve()} {args.mode} {Path(args.tune_file).resolve()}"
        key = hashlib.sha256(read_what.encode()).hexdigest()[:16]
        cache = Path(tempfile.gettempdir()) / f"qa-sentence-support-{key}.pkl"  # the reading, for reruns
        if cache.exists():
            read = pickle.loads(cache.read_bytes())
        else:
            read = (reader_mode(model_dir, examples, args.threads) if args.mode == "reader"
                    else open_mode(model_dir, examples, articles, READ_K))
            cache.write_bytes(pickle.dumps(read))
        variants = sorted({v for candidates, _ in read for c in candidates for v in c[1]})
        texts_needed = sorted({c[1][v] for candidates, _ in read for c in candidates for v in c[1]})
        support_vec = dict(zip(texts_needed, encoder.encode(texts_needed)))
        rows = results.setdefault(model_dir, {}).setdefault(args.mode, {})
        for variant in variants:
            for weight in WEIGHTS:
                texts, margins, hasans = {}, {}, []
                for ex, (candidates, decision) in zip(examples, read):
                    if not candidates:
                        texts[ex.qid], margins[ex.qid] = "", -1e4
                        if ex.golds:
                            hasans.append(0.0)
                        continue
                    likeness = [float(support_vec[c[1][variant]] @ question_vec[ex.question]) for c in candidates]
                    top = max(likeness)
                    best = max(range(len(candidates)), key=lambda i: candidates[i][2] - weight * (top - likeness[i]))
                    texts[ex.qid], margins[ex.qid] = candidates[best][0], decision
                    if ex.golds:
                        hasans.append(best_over_golds(list(ex.golds), texts[ex.qid])[1])
                row = {"never_abstain_hasans_f1": round(100 * float(np.mean(hasans)), 2),
                       **cross_validated_row(examples, texts, margins)}
                rows.setdefault(variant, {})[str(weight)] = row
                print(f"| {model_dir} | {args.mode} | {variant} | {weight} | {row['never_abstain_hasans_f1']} | "
                      f"{row['auc']} | {row['cv_f1']} | {row['hasans_f1']} | {row['noans_f1']} |", flush=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
