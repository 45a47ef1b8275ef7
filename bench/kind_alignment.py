"""Which parts of the training mix pull a reader towards held-out SQuAD 2.0 abstention: gradient alignment.

    .venv/bin/python bench/kind_alignment.py --checkpoint train-runs/reader26/checkpoint.pt \
        [--per-kind 256] [--target 384] [--articles 80] [--output bench/results/kind-alignment.json]

A CPU stage is a tug between parts of its mix (RESULTS, stage 32): some pull the margin away from
SQuAD 2.0's kind of "unanswerable", the memorised tune articles pull it back. Measuring each part's
pull by training on it alone costs a stage per part and drowns in seed noise. The first-order
answer costs minutes: the mean gradient of the training loss over a few hundred windows of one
kind, against the gradient of two targets on the 5 held-out tune articles (never the evaluation
sample):

- ``span``: the training loss itself on held-out windows (answerable and unanswerable apart, and
  together in their own proportion);
- ``rank``: the pairwise margin-ranking loss (``qa.training.margin_ranking``) on held-out pairs, the
  smooth 1 − AUC that abstention depends on.

A positive cosine means a step on that kind lowers the target's loss, to first order, at these
weights. Plain SGD's step follows the gradient; AdamW's divides each weight's gradient by its
running RMS, so the cosine is also given for that preconditioned step, with the second moments
the stage's own optimiser ended with (the checkpoint). Each gradient is also taken on two halves of
its windows, and each target on two halves of the held-out windows: how far the halves agree says
how much of a figure is noise. Windows are cut as training cuts them (``--train-window-tokens
192``); dropout is off, so the figures repeat.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench/ is a package of the root

import qa  # noqa: F401  (offline environment)
from bench.heldout import add_tune_file_option, tune_split
from qa import paths
from qa.training.hard_negatives import KINDS

SQUAD_TRAIN = paths.SHARED_DATA_DIR / "squad1.1-train.json.gz"
HARD_KINDS = KINDS  # every rule-made kind of unanswerable
DISTRACTOR_SUBJECTS = ("entity", "word", "predicate", "modifier")


def mix_parts(squad_articles: list[dict], tune_train: list[dict], seed: int) -> dict[str, list]:
    """Examples of every kind the training mix can hold, made by the training code itself: each rule
    tried on every question (rate 1), another paragraph for half of them."""
    from qa.training.distractors import distractor_examples
    from qa.training.hard_negatives import hard_negatives
    from qa.training.squad_data import examples_from, other_paragraph_negatives

    tune = examples_from(tune_train)
    parts = {"tune answerable (seen)": [e for e in tune if e.answer_text],
             "tune unanswerable (seen)": [e for e in tune if not e.answer_text],
             "SQuAD 1.1 answerable": examples_from(squad_articles),
             "other_paragraph": other_paragraph_negatives(squad_articles, 0.5, random.Random(seed))}
    parts.update(hard_negatives(squad_articles, HARD_KINDS, 1.0, seed))
    for subject in DISTRACTOR_SUBJECTS:
        made = distractor_examples(squad_articles, 1.0, seed, subject)
        if made:
            parts[made[0].kind] = made
    return parts


def sample(examples: list, n: int, seed: int) -> list:
    rng = random.Random(seed)
    return rng.sample(examples, n) if len(examples) > n else list(examples)


class Gradients:
    """Mean gradients of a loss over windows, as one flat vector of the trainable weights."""

    def __init__(self, model, pad_token_id: int, batch_size: int):
        self.model, self.pad, self.batch_size = model, pad_token_id, batch_size
        self.params = [p for p in model.parameters() if p.requires_grad]

    def _batch(self, items):
        from qa.training.train_reader import labelled_batch

        return labelled_batch(items, self.pad)

    def _flat(self):
        import torch

        return torch.cat([p.grad.reshape(-1) if p.grad is not None else torch.zeros(p.numel()) for p in self.params])

    def span(self, windows) -> "torch.Tensor":
        """Mean training loss gradient (each batch weighted by its size)."""
        self.model.zero_grad(set_to_none=True)
        for begin in range(0, len(windows), self.batch_size):
            items = windows[begin: begin + self.batch_size]
            (self.model(**self._batch(items)).loss * (len(items) / len(windows))).backward()
        return self._flat()

    def rank(self, answerable, unanswerable) -> "torch.Tensor":
        """Mean margin-ranking loss gradient over batches of half answerable, half unanswerable windows."""
        from qa.training.margin_ranking import margin_ranking_loss

        half = self.batch_size // 2
        pairs = min(len(answerable), len(unanswerable)) // half
        self.model.zero_grad(set_to_none=True)
        for i in range(pairs):
            batch = self._batch(answerable[i * half:(i + 1) * half] + unanswerable[i * half:(i + 1) * half])
            out = self.model(**{k: v for k, v in batch.items() if k not in ("start_positions", "end_positions")})
            loss = margin_ranking_loss(out.start_logits, out.end_logits, batch["attention_mask"],
                                       batch["token_type_ids"], batch["start_positions"], batch["end_positions"])
            (loss / pairs).backward()
        return self._flat()


def adam_scale(checkpoint: dict, model) -> "torch.Tensor | None":
    """1 / (√v + ε) per trainable weight, in ``Gradients`` order, from the checkpoint's AdamW state,
    read through the optimiser training builds (``make_optimizer``), so each moment lands on its weight."""
    from types import SimpleNamespace

    import torch

    from qa.training.train_reader import make_optimizer

    optimizer = make_optimizer(model, SimpleNamespace(weight_decay=0.0, learning_rate=0.0))
    try:
        optimizer.load_state_dict(checkpoint["optimizer"])
    except ValueError:
        return None  # not the optimiser of these weights (other groups or sizes)
    scales = []
    for p in (q for q in model.parameters() if q.requires_grad):
        state = optimizer.state.get(p, {})
        v = state.get("exp_avg_sq", torch.zeros_like(p))
        if v.shape != p.shape:
            return None  # not the optimiser of these weights
        v_hat = v / (1 - 0.999 ** max(float(state.get("step", 1.0)), 1.0))
        scales.append((1.0 / (v_hat.sqrt() + 1e-8)).reshape(-1))
    return torch.cat(scales)


def cosine(a, b) -> float:
    import torch

    return round(float(torch.nn.functional.cosine_similarity(a, b, dim=0)), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", type=Path, required=True,
                        help="a training run's checkpoint.pt (its fp32 weights and AdamW state)")
    parser.add_argument("--base-model", type=Path, default=None,
                        help="the folder whose config and tokenizer the checkpoint's weights fit "
                             "[the run's base-model/, or its config's base model]")
    parser.add_argument("--per-kind", type=int, default=256, help="windows per kind of training example")
    parser.add_argument("--target", type=int, default=384, help="held-out windows per side (answerable, not)")
    parser.add_argument("--articles", type=int, default=80, help="SQuAD 1.1 articles the made examples come from")
    parser.add_argument("--squad-train", default=str(SQUAD_TRAIN))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--output", type=Path, default=Path("bench/results/kind-alignment.json"))
    add_tune_file_option(parser)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.training.features import answer_windows
    from qa.training.squad_data import examples_from, load_articles
    from qa.training.train_reader import freeze

    if not args.checkpoint.exists() or not Path(args.squad_train).exists():
        parser.exit(1, f"need {args.checkpoint} and {args.squad_train}\n")
    if args.threads:
        torch.set_num_threads(args.threads)
    t0 = time.time()
    tune_train, heldout = tune_split(parser, args.tune_file)
    checkpoint = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    base = args.base_model or (args.checkpoint.parent / "base-model")
    if not (base / "config.json").exists():
        base = Path(checkpoint["config"]["base_model"])
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForQuestionAnswering.from_pretrained(base, dtype=torch.float32)
    model.load_state_dict(checkpoint["model"])
    model.eval()  # no dropout: the same gradients every run
    freeze(model, embeddings=True, layers=0)
    scale = adam_scale(checkpoint, model)
    grads = Gradients(model, tokenizer.pad_token_id, batch_size=32)

    squad = sample(load_articles(args.squad_train), args.articles, args.seed)
    parts = mix_parts(squad, tune_train, args.seed)

    def windows_of(examples, n, seed):
        return answer_windows(tokenizer, sample(examples, n, seed), 192, 96, seed, keep_offsets=False)

    held = examples_from(heldout)
    held_ans = windows_of([e for e in held if e.answer_text], args.target, args.seed)
    held_unans = windows_of([e for e in held if not e.answer_text], args.target, args.seed)
    halves = {}
    for name, (a, u) in {"1": (held_ans[0::2], held_unans[0::2]), "2": (held_ans[1::2], held_unans[1::2])}.items():
        g_a, g_u = grads.span(a), grads.span(u)
        halves[name] = {"span answerable": g_a, "span unanswerable": g_u,
                        "span all": (g_a * len(a) + g_u * len(u)) / (len(a) + len(u)), "rank": grads.rank(a, u)}
        print(f"target half {name} done ({time.time() - t0:.0f} s)", flush=True)
    targets = {k: (halves["1"][k] + halves["2"][k]) / 2 for k in halves["1"]}
    result = {"checkpoint": str(args.checkpoint), "per_kind": args.per_kind, "target_windows": args.target,
              "squad_articles": args.articles, "seed": args.seed, "adam_preconditioned": scale is not None,
              "targets": {k: {"halves_cosine": cosine(halves["1"][k], halves["2"][k]), "norm": round(float(targets[k].norm()), 4)}
                          for k in targets}, "kinds": {}}

    for kind, examples in parts.items():
        windows = windows_of(examples, args.per_kind, args.seed)
        g1, g2 = grads.span(windows[0::2]), grads.span(windows[1::2])
        g = (g1 + g2) / 2
        row = {"made": len(examples), "windows": len(windows), "halves_cosine": cosine(g1, g2),
               "norm": round(float(g.norm()), 4)}
        for t, target in targets.items():
            row[t] = {"sgd": cosine(g, target), "sgd_halves": [cosine(g1, target), cosine(g2, target)],
                      "sgd_target_halves": [cosine(g, halves[h][t]) for h in ("1", "2")]}
            if scale is not None:
                row[t]["adam"] = cosine(g * scale, target)
                row[t]["adam_halves"] = [cosine(g1 * scale, target), cosine(g2 * scale, target)]
                row[t]["adam_target_halves"] = [cosine(g * scale, halves[h][t]) for h in ("1", "2")]
        result["kinds"][kind] = row
        print(f"{kind:28s} n={len(windows):4d} halves {row['halves_cosine']:+.3f}  rank sgd {row['rank']['sgd']:+.4f}"
              + (f" adam {row['rank'].get('adam', 0):+.4f}" if scale is not None else "")
              + f"  span-all sgd {row['span all']['sgd']:+.4f}  ({time.time() - t0:.0f} s)", flush=True)
    result["seconds"] = round(time.time() - t0)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
