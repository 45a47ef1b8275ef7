"""The no-answer threshold and confidence for reading several retrieved passages, fit the way the
product reads them.

Training fits the threshold and the calibration with each question read against its own
paragraph. The product reads the top chunks retrieval finds and weighs every span against the
lowest no-answer score among them (qa.reading.reader): a question meets more candidate spans and a
lower null, so its best margin is larger than its one-paragraph margin. Fit one paragraph at a
time, the threshold answers too often across passages and the confidence shown is too high (stage
34 on the held-out articles: expected calibration error 0.083 in open mode; bench/RESULTS.md).

Here the held-out tune articles' paragraphs are indexed as documents, every held-out question is
asked through the product's own retrieval and reader, and the threshold (expected gain) and the
calibration are fit on those margins with each article left out in turn to judge them
(qa.training.calibration.cross_validate). The result is stored in ``reader_config.json`` under
``several_passages``; the reader uses it whenever it reads more than one passage. ``qa
calibrate-open`` runs it, after ``qa check-int8``: the margins come from the backend the product
will use.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from qa.reading import READER_CONFIG

KEY = "several_passages"
CARD_HEADING = "## Confidence when reading several passages"


def retrieval_installed() -> bool:
    """Whether the product's retrieval can run here (the lent GPU machine has no Haystack)."""
    try:
        import haystack  # noqa: F401
    except ImportError:
        return False
    return True


def open_margins(model_dir: str | Path, articles: list[dict], examples) -> tuple[dict[str, str], dict[str, float]]:
    """Each question asked of an index of ``articles``' paragraphs through the product's retrieval
    and reader: its top answer, and its best unpenalised margin (what decides answer or abstain;
    −MARGIN_LIMIT when the reader found no span)."""
    from qa.evaluation.squad_eval import paragraph_service
    from qa.pipeline import READ_K
    from qa.training.calibration import MARGIN_LIMIT

    texts, margins = {}, {}
    with paragraph_service(articles, str(model_dir)) as (service, _):
        service.warm_up()
        for e in examples:
            passages = service.retrieve(e.question, READ_K)
            answers = service.reader.run(query=e.question, documents=passages, top_k=1000)["answers"]
            texts[e.qid] = answers[0].data if answers else ""
            margins[e.qid] = max((a.meta["reader_margin"] for a in answers), default=-MARGIN_LIMIT)
    return texts, margins


def fit(model_dir: str | Path, tune_file: str | Path, heldout_articles: int, heldout_seed: int) -> dict:
    """Threshold and calibration for several passages, fit on the held-out tune articles (never
    the evaluation sample), with their out-of-fold scores and reliability."""
    from qa.pipeline import READ_K
    from qa.training.calibration import cross_validate
    from qa.training.squad_data import examples_from, load_articles, split_articles

    began = time.perf_counter()
    _, heldout = split_articles(load_articles(tune_file), heldout_articles, heldout_seed)
    examples = examples_from(heldout)
    texts, margins = open_margins(model_dir, heldout, examples)
    cv = cross_validate(examples, texts, margins)
    return {
        "no_answer_threshold": cv["threshold"],
        "calibration": cv["calibration"],
        "passages_read": READ_K,
        "articles": [a.get("title", "") for a in heldout],
        "examples": len(examples),
        "out_of_fold": cv["out_of_fold"],
        "reliability_out_of_fold": cv["reliability_out_of_fold"],
        "ece_out_of_fold": cv["ece_out_of_fold"],
        "auc_answerable": cv["auc_answerable"],
        "fold_thresholds": [f["threshold"] for f in cv["folds"]],
        "seconds": round(time.perf_counter() - began, 1),
    }


def card_section(fitted: dict) -> str:
    """The model card's section on it: the rule, the out-of-fold scores and the reliability table."""
    cal, oof = fitted["calibration"] or {"scale": 0.0, "bias": 0.0}, fitted["out_of_fold"]
    judged = (f"out of fold (each article judged by a fit on the others): F1 {oof['overall']['f1']:.1f} "
              f"(HasAns {oof['HasAns']['f1']:.1f}, NoAns {oof['NoAns']['f1']:.1f}), expected calibration error "
              f"{fitted['ece_out_of_fold']:.3f}" if oof else "with one article there was none left to judge the fit on")
    lines = [
        CARD_HEADING, "",
        f"Reading the top {fitted['passages_read']} chunks retrieval finds, the reader answers when the best span "
        f"beats the lowest no-answer score among them by more than {fitted['no_answer_threshold']:.3f}, and shows "
        f"`sigmoid({cal['scale']:.3f} · (margin − threshold) + {cal['bias']:.3f})`. Both were fit with the held-out "
        f"tune articles' paragraphs indexed and their {fitted['examples']} questions asked through retrieval "
        f"({', '.join(fitted['articles'])}); {judged}; ROC AUC of the margin for \"answerable\" "
        f"{fitted['auc_answerable']:.3f}. One passage keeps the threshold and confidence above.", "",
    ]
    if not fitted["reliability_out_of_fold"]:
        return "\n".join(lines)
    lines += ["| confidence | answers | mean confidence | right |", "|---|---|---|---|"]
    lines += [f"| {r['bin']} | {r['count']} | {r['mean_confidence'] if r['count'] else '–'} | "
              f"{r['accuracy'] if r['count'] else '–'} |" for r in fitted["reliability_out_of_fold"]]
    return "\n".join(lines) + "\n"


def record(model_dir: str | Path, fitted: dict) -> None:
    """Store the fit in the reader's config and its section in the model card (each written
    atomically: a server may read them at any moment); a second fit replaces the first."""
    from qa.atomic_files import write_atomically

    folder = Path(model_dir)
    config = json.loads((folder / READER_CONFIG).read_text())
    config[KEY] = {k: fitted[k] for k in ("no_answer_threshold", "calibration", "passages_read", "articles",
                                          "ece_out_of_fold")}
    write_atomically(folder / READER_CONFIG, (json.dumps(config, indent=2) + "\n").encode())
    card = folder / "MODEL_CARD.md"
    if card.exists():
        text = card.read_text()
        if CARD_HEADING in text:  # replace the old section (up to the next heading)
            before, _, after = text.partition(CARD_HEADING)
            rest = after.find("\n## ")
            text = before.rstrip("\n") + "\n\n" + (after[rest + 1:] if rest >= 0 else "")
        marker = "## Reproduce"
        section = card_section(fitted) + "\n"
        text = text.replace(marker, section + marker, 1) if marker in text else text.rstrip("\n") + "\n\n" + section
        write_atomically(card, text.encode())
