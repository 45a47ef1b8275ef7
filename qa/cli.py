"""The ``qa`` command line: index documents, ask questions, manage documents, evaluate, train.

Exit codes: 0 ok, 1 failure (one line on stderr), 2 usage error.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from pathlib import Path

import click

from qa import paths
from qa.config import SETTINGS
from qa.storage_errors import StorageError, is_storage_failure, storage_error
from qa.training.hard_negatives import KINDS as HARD_NEGATIVE_KINDS

index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=paths.DEFAULT_INDEX_DIR,
    show_default=True, help="Index folder (env QA_INDEX_DIR).",
)


def _open_store(index_dir: Path, must_exist: bool = True):
    from qa.pipeline import open_store
    from qa.store import EmbeddingModelMismatch

    if must_exist and not paths.STORE_URL and not (index_dir / "store.sqlite3").exists():
        raise click.ClickException(f"no index in {index_dir}: build it with `qa index PATH...`")
    try:
        return open_store(index_dir)
    except EmbeddingModelMismatch as exc:
        raise click.ClickException(str(exc)) from exc


def _sqlite_only(command: str, instead: str) -> None:
    if paths.STORE_URL:
        raise click.ClickException(f"{command} works on the SQLite store, and QA_STORE points at PostgreSQL: {instead}")


def _service(index_dir: Path):
    from qa.paths import ModelMissing
    from qa.pipeline import QAService

    store = _open_store(index_dir)
    if store.count_sources() == 0:
        raise click.ClickException(f"the index in {index_dir} has no documents: add some with `qa index PATH...`")
    try:
        service = QAService(index_dir, store=store)  # the store opened and checked above
        service.warm_up()
    except ModelMissing as exc:
        raise click.ClickException(str(exc)) from exc
    return service


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


class _Commands(click.Group):
    """Every command: a write the disk refuses (full, size limit) is one clear line and exit 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (OSError, sqlite3.Error) as exc:
            if not is_storage_failure(exc):
                raise
            error = exc if isinstance(exc, StorageError) else storage_error("the index", exc)
            raise click.ClickException(str(error)) from exc


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="offline-qa")
def cli():
    """Offline extractive question answering over your documents, with cited spans."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@cli.command("index")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS|auto]",
              help="Convert, chunk and embed on Ray: alone, a local Ray; 'auto', the running cluster; or its address.")
@click.option("--ray-workers", type=click.IntRange(1), default=1, show_default=True,
              help="Ray actors preparing files (each loads the embedder once).")
def index_cmd(sources, index_dir, progress, ray_address, ray_workers):
    """Index files and folders (recursive; .txt .md .html .pdf).

    Unchanged files are skipped, changed ones replace their old chunks, bad ones are reported
    and skipped; exit code 1 when any file failed.
    """
    from tqdm import tqdm

    from qa.ingest.indexer import Indexer, expand_paths
    from qa.paths import ModelMissing

    store = _open_store(index_dir, must_exist=False)
    files = expand_paths(sources)
    try:
        if ray_address:
            try:
                from qa.ingest.ray_indexer import RayIndexer
            except ImportError as exc:
                raise click.ClickException(f"--ray needs Ray: pip install -e '.[ray]' ({exc})") from exc
            try:
                indexer = RayIndexer(store, address=None if ray_address == "local" else ray_address,
                                     workers=ray_workers)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise click.ClickException(f"could not start or join Ray at {ray_address}: {exc}") from exc
        else:
            indexer = Indexer(store)
    except ModelMissing as exc:
        raise click.ClickException(str(exc)) from exc
    counts = {"indexed": 0, "unchanged": 0, "failed": 0}
    bar = tqdm(total=len(files), unit="file", disable=not progress, file=sys.stderr)
    for begin in range(0, len(files), indexer.FILES_PER_BATCH):
        batch = files[begin : begin + indexer.FILES_PER_BATCH]
        bar.set_postfix_str(batch[-1].name[-40:])
        for path, result in zip(batch, indexer.add_files(batch)):
            counts[result.status] += 1
            if result.status == "failed":
                tqdm.write(f"skipped {path}: {result.error}", file=sys.stderr)
            else:
                tqdm.write(f"{result.status} {path} ({result.chunks} chunks, id {result.source_id})", file=sys.stderr)
        bar.update(len(batch))
    bar.close()
    indexer.finish()
    indexer.close()
    click.echo(f"{counts['indexed']} indexed, {counts['unchanged']} unchanged, {counts['failed']} failed; "
               f"{store.count_sources()} documents in {index_dir}")
    if counts["failed"]:
        sys.exit(1)


def _marked(answer: dict) -> str:
    """The answer's sentence with the span in [brackets]."""
    rel_start, rel_end = answer["start"] - answer["context_start"], answer["end"] - answer["context_start"]
    context = answer["context"]
    return context[:rel_start] + "[" + context[rel_start:rel_end] + "]" + context[rel_end:]


def _print_answer(result: dict, echo_question: bool = True) -> None:
    if echo_question:
        click.echo(f"Q: {result['question']}")
    answers = result["answers"]
    if result["no_answer"]:
        click.echo("I couldn't find an answer in the documents.")
        if answers:
            click.echo("Maybe:")
    for a in answers[:3] if result["no_answer"] else answers[:1]:
        click.echo(f"A: {a['answer']}   (confidence {a['score']:.2f})")
        click.echo(f"   source: {a['document_name']} (id {a['document_id']}), characters {a['start']}-{a['end']}")
        click.echo("   \u201c" + " ".join(_marked(a).split()) + "\u201d")


@cli.command("ask")
@click.argument("question")
@index_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object (the answer contract) per question.")
@click.option("--top-k", type=click.IntRange(1, 50), default=5, show_default=True)
def ask_cmd(question, index_dir, as_json, top_k):
    """Answer QUESTION from the indexed documents, with its citation.

    QUESTION "-" reads one question per line from stdin (models load once).
    """
    lines = sys.stdin if question == "-" else [question]
    questions = [q.strip() for q in lines if q.strip()]
    if not questions:
        raise click.UsageError("the question is empty")
    service = _service(index_dir)
    for q in questions:
        result = service.ask(q, top_k=top_k)
        if as_json:
            _echo_json(result)
            sys.stdout.flush()
        else:
            _print_answer(result)


CHAT_HELP = ":sources  where the last answer came from (every candidate)\n:new      start a new conversation\n:quit     end (or Ctrl+D)"


@cli.command("check")
@index_option
@click.option("--json", "as_json", is_flag=True)
def check_cmd(index_dir, as_json):
    """Verify the index (SQLite and BM25 integrity, chunks = their sources' text, vectors); repair the FAISS file."""
    from qa.store.check import check_index

    _sqlite_only("qa check", "PostgreSQL checks its own pages (amcheck); qa check verifies an SQLite index")
    report = check_index(_open_store(index_dir))
    if as_json:
        _echo_json({"sound": report.sound, "sources": report.sources, "chunks": report.chunks,
                    "problems": report.problems, "more_problems": report.more_problems, "repaired": report.repaired})
    else:
        click.echo(f"{index_dir}: {report.sources} documents, {report.chunks} chunks")
        for line in report.repaired:
            click.echo(f"repaired: {line}")
        for line in report.problems:
            click.echo(f"problem: {line}")
        if report.more_problems:
            click.echo(f"... and {report.more_problems} more problems")
        click.echo("sound" if report.sound else "NOT sound")
    if not report.sound:
        sys.exit(1)


@cli.command("backup")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@index_option
def backup_cmd(target, index_dir):
    """Copy the index to TARGET (a new folder), consistently, even while the server runs."""
    from qa.store.backup import BackupError, backup_index

    _sqlite_only("qa backup", "back a PostgreSQL store up with pg_dump or pg_basebackup")
    try:
        backup_index(index_dir, target)
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backed up {index_dir} to {target} (serve or check it with --index {target})")


@cli.command("chat")
@index_option
@click.option("--sessions-db", type=click.Path(dir_okay=False, path_type=Path), default=paths.DEFAULT_SESSIONS_DB,
              show_default=True, help="Conversation store (the web server's, so conversations carry over).")
@click.option("--session", "session_id", default=None, help="Continue this conversation (an id from the page or API).")
def chat_cmd(index_dir, sessions_db, session_id):
    """Talk to the index: questions and follow-ups, answers marked in their sentence, with sources."""
    from qa.chat import ChatSessions, Conversations
    from qa.chat.conversation import MAX_QUESTION_CHARS
    from qa.chat.sessions import SESSION_ID

    if session_id is not None and not SESSION_ID.match(session_id):
        raise click.BadParameter("not a conversation id", param_hint="--session")
    service = _service(index_dir)
    sessions = ChatSessions(sessions_db)
    conversations = Conversations(lambda q, k, r: service.ask(q, top_k=k, retrieval_query=r), sessions)
    session_id = session_id or sessions.new_id()
    click.echo(f"Ask about the {service.store.count_sources()} documents in {index_dir}. "
               f"Conversation {session_id}; :new starts another, :sources shows sources, :quit ends.")
    last = None
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            break
        line = line.strip()
        if not line:
            continue
        if line in (":quit", ":q", ":exit"):
            break
        if line == ":new":
            session_id, last = sessions.new_id(), None
            click.echo(f"New conversation {session_id}.")
        elif line == ":sources":
            if last is None:
                click.echo("No answer yet in this conversation.")
            for i, a in enumerate(last["answers"] if last else [], 1):
                click.echo(f"[{i}] {a['answer']!r} in {a['document_name']} (id {a['document_id']}), "
                           f"characters {a['start']}-{a['end']}, confidence {a['score']:.2f}")
                click.echo("    \u201c" + " ".join(_marked(a).split()) + "\u201d")
        elif line.startswith(":"):
            click.echo(CHAT_HELP)
        else:
            turn = conversations.turn(line[:MAX_QUESTION_CHARS], 5, session_id=session_id)
            last = turn.result
            if turn.is_followup:
                click.echo(f"(follow-up: searched for \u201c{turn.retrieval_query}\u201d)")
            _print_answer(turn.result, echo_question=False)
        sys.stdout.flush()


@cli.group("docs")
def docs_group():
    """List, show and delete indexed documents."""


@docs_group.command("list")
@index_option
@click.option("--json", "as_json", is_flag=True)
def docs_list(index_dir, as_json):
    """List documents."""
    store = _open_store(index_dir)
    records = store.list_sources()
    if as_json:
        _echo_json({"documents": [r.as_dict() for r in records]})
        return
    for r in records:
        click.echo(f"{r.id}  {r.chunks:4d} chunks  {r.name}")
    click.echo(f"{len(records)} documents")


def _get_source(store, doc_id):
    record = store.get_source(doc_id)
    if record is None:
        raise click.ClickException(f"no document with id {doc_id!r} (see `qa docs list`)")
    return record


@docs_group.command("show")
@click.argument("doc_id")
@index_option
@click.option("--json", "as_json", is_flag=True)
def docs_show(doc_id, index_dir, as_json):
    """Show a document and its stored text (what answer offsets point into)."""
    record = _get_source(_open_store(index_dir), doc_id)
    if as_json:
        _echo_json(record.as_dict(with_text=True))
        return
    click.echo(f"{record.name} (id {record.id}, {record.chunks} chunks, {len(record.text)} characters)\n")
    click.echo(record.text)


@docs_group.command("rm")
@click.argument("doc_id")
@index_option
def docs_rm(doc_id, index_dir):
    """Delete a document and its vectors."""
    store = _open_store(index_dir)
    record = _get_source(store, doc_id)
    store.delete_source(doc_id)
    store.persist_vectors()
    click.echo(f"deleted {record.name} ({doc_id})")


@cli.group("eval")
def eval_group():
    """Quality benchmarks."""


@eval_group.command("squad")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mode", "modes", type=click.Choice(["reader", "open"]), multiple=True,
              help="Repeatable [both].")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N questions.")
@click.option("--work-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where open mode builds its index [a temporary folder].")
@click.option("--reader-model", default=None, help="Reader folder [models/reader].")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the JSON report here.")
@click.option("--json", "as_json", is_flag=True)
def eval_squad(file, modes, limit, work_dir, reader_model, output, as_json):
    """Official SQuAD 2.0 EM/F1 on FILE in reader and open mode, and retrieval recall@k."""
    import tempfile

    from qa.evaluation.squad_eval import markdown_table, run_squad_eval
    from qa.paths import ModelMissing

    try:
        with tempfile.TemporaryDirectory(prefix="qa-eval-") as tmp:
            report = run_squad_eval(file, tuple(modes) or ("reader", "open"), work_dir or Path(tmp), limit, reader_model)
    except ModelMissing as exc:
        raise click.ClickException(str(exc)) from exc
    except (ValueError, KeyError) as exc:
        raise click.ClickException(f"{file} is not a SQuAD JSON file ({exc})") from exc
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(report, indent=2) + "\n")
    if as_json:
        _echo_json(report)
    else:
        click.echo(f"{report['file']}: {report['questions']} questions ({report['unanswerable']} unanswerable)")
        click.echo(markdown_table(report))


def _heldout_reader_options(record_help: str, fewest_articles: int):
    """The options of the commands that measure a reader on its held-out tune articles."""
    def decorate(command):
        for option in reversed([
            click.option("--reader-model", default=None, help="Reader folder [models/reader]."),
            click.option("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"),
                         show_default=True),
            click.option("--heldout-articles", type=click.IntRange(fewest_articles), default=5, show_default=True),
            click.option("--heldout-seed", type=int, default=13, show_default=True,
                         help="The same seed the reader was trained with, so the articles are unseen."),
            click.option("--record/--no-record", default=True, show_default=True, help=record_help),
        ]):
            command = option(command)
        return command
    return decorate


def _heldout_reader(reader_model: str | None, tune_file: str) -> str:
    """The reader's folder, once it and the tune file are known to exist (else a clean error)."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s", handlers=[logging.StreamHandler(sys.stderr)])
    try:
        model_dir = paths.reader_model_path(reader_model)
    except paths.ModelMissing as exc:
        raise click.ClickException(str(exc)) from exc
    if not Path(tune_file).exists():
        raise click.ClickException(f"no tune file at {tune_file} (the held-out articles come from it)")
    return model_dir


@cli.command("check-int8")
@_heldout_reader_options("Store the result in the reader's reader_config.json (what the auto backend reads).", 1)
def check_int8(reader_model, tune_file, heldout_articles, heldout_seed, record):
    """Measure whether the reader may run with int8 weights (≤ 0.5 F1 lost on held-out articles)."""
    from qa.reading.int8_check import MAX_F1_LOSS, record as record_check, run_check

    model_dir = _heldout_reader(reader_model, tune_file)
    check = run_check(model_dir, tune_file, heldout_articles, heldout_seed, paths.CACHE_DIR)
    click.echo(f"{check['examples']} held-out questions: F1 fp32 {check['f1_fp32']}, int8 {check['f1_int8']} "
               f"(loss {check['f1_loss']}; allowed up to {MAX_F1_LOSS}): int8 "
               + ("allowed" if check["allowed"] else "not allowed"))
    if record:
        record_check(model_dir, check)
        click.echo(f"recorded in {Path(model_dir) / 'reader_config.json'}")


@cli.command("calibrate-open")
@_heldout_reader_options("Store the fit in the reader's reader_config.json and MODEL_CARD.md.", 2)
def calibrate_open(reader_model, tune_file, heldout_articles, heldout_seed, record):
    """Fit the no-answer threshold and confidence for reading several retrieved passages (after check-int8)."""
    from qa.training.open_calibration import fit, record as record_fit

    model_dir = _heldout_reader(reader_model, tune_file)
    fitted = fit(model_dir, tune_file, heldout_articles, heldout_seed)
    oof = fitted["out_of_fold"]
    judged = (f"out-of-fold F1 {oof['overall']['f1']:.1f}, expected calibration error {fitted['ece_out_of_fold']:.3f}"
              if oof else "one article: nothing left to judge the fit on")
    click.echo(f"{fitted['examples']} held-out questions asked through retrieval: threshold "
               f"{fitted['no_answer_threshold']:.3f} (one passage: {_one_passage_threshold(model_dir)}), "
               f"{judged} ({fitted['seconds']} s)")
    if record:
        record_fit(model_dir, fitted)
        click.echo(f"recorded in {Path(model_dir) / 'reader_config.json'} and its MODEL_CARD.md")


def _one_passage_threshold(model_dir) -> str:
    from qa.reading import READER_CONFIG

    config = json.loads((Path(model_dir) / READER_CONFIG).read_text())
    return f"{float(config.get('no_answer_threshold', 0.0)):.3f}"


def _rate_option(name: str, help: str, most: float = 1.0):
    """A training-mix rate: 0 (off) up to ``most``."""
    return click.option(name, type=click.FloatRange(0.0, most), default=0.0, show_default=True, help=help)


def _hard_negative_kinds(spec: str) -> tuple[list[str], dict[str, float]]:
    """``"entity_swap,negation:0.5"`` → the kinds, and the rates given for some of them."""
    kinds, rates = [], {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        kind, _, rate = item.partition(":")
        kind = kind.strip()
        if kind not in HARD_NEGATIVE_KINDS:
            raise click.BadParameter(f"unknown kind {kind!r}; known: {', '.join(HARD_NEGATIVE_KINDS)}",
                                     param_hint="--hard-negatives")
        if rate:
            try:
                rates[kind] = float(rate)
                valid = 0.0 <= rates[kind] <= 1.0
            except ValueError:
                valid = False
            if not valid:
                raise click.BadParameter(f"the rate of {kind} must be a number from 0 to 1, not {rate!r}",
                                         param_hint="--hard-negatives")
        kinds.append(kind)
    return kinds, rates


@cli.command("train-reader")
@click.option("--base-model", default=None,
              help="Encoder or reader to start from, or a saved delta (models/candidates/...) "
                   "[all-MiniLM-L6-v2 from its PyPI package].")
@click.option("--squad-train", default=str(paths.SHARED_DATA_DIR / "squad1.1-train.json.gz"), show_default=True)
@click.option("--tune-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-tune.json.gz"), show_default=True)
@click.option("--eval-file", default=str(paths.SHARED_DATA_DIR / "squad2-dev-sample.json"), show_default=True)
@click.option("--output", "output_dir", default=str(paths.DEFAULT_READER_DIR), show_default=True)
@click.option("--run-dir", default=str(paths.PROJECT_ROOT / "train-runs" / "reader"), show_default=True,
              help="Checkpoints and logs.")
@click.option("--max-examples", type=int, default=None, help="Cap on the training mix size.")
@click.option("--max-steps", type=int, default=None)
@click.option("--time-budget", "time_budget_minutes", type=float, default=None,
              help="Training minutes in all; the learning rate decays to zero by then. --resume continues.")
@click.option("--deadline", "deadline_minutes", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Minutes from now by which training stops, preparation included (a call's time limit); "
                   "the learning rate reaches zero by then.")
@click.option("--epochs", type=float, default=None, help="[1 on CPU, 2 on GPU]")
@click.option("--batch-size", type=int, default=None, help="[32 on CPU, 64 on GPU]")
@click.option("--max-length", type=int, default=None, help="[256 on CPU, 384 on GPU]")
@click.option("--stride", type=int, default=128, show_default=True)
@click.option("--lr", "learning_rate", type=float, default=1e-4, show_default=True)
@click.option("--threads", type=int, default=None, help="torch threads [all cores]")
@click.option("--prep-workers", type=click.IntRange(1, 64), default=None,
              help="Processes making and tokenising the training mix; the mix and its windows are the same "
                   "however many [the cores this process may use, at most 32].")
@click.option("--checkpoint-minutes", type=float, default=5.0, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--heldout-seed", type=int, default=13, show_default=True,
              help="Picks the held-out tune articles; keep it when continuing a run (--base-model models/reader).")
@click.option("--tune-repeats", type=click.IntRange(min=0), default=2, show_default=True,
              help="Times each SQuAD 2.0 tune example appears in the mix (its unanswerables teach abstention).")
@click.option("--negative-rate", type=click.FloatRange(0.0, 1.0), default=0.33, show_default=True,
              help="Share of SQuAD 1.1 questions also paired with another paragraph as a no-answer example.")
@click.option("--answerable-rate", type=click.FloatRange(0.0, 1.0, min_open=True), default=1.0, show_default=True,
              help="Share of the SQuAD 1.1 answerable questions put in the mix (the hard negatives are still "
                   "made from all of them): below 1, the --max-examples cap leaves the other parts more room.")
@click.option("--hard-negatives", default="", show_default=True,
              help="Comma-separated kinds of rule-made unanswerables to add: " + ", ".join(HARD_NEGATIVE_KINDS)
                   + "; KIND:RATE tries that kind on its own share of the questions instead of --hard-rate.")
@click.option("--hard-rate", type=click.FloatRange(0.0, 1.0), default=0.25, show_default=True,
              help="Share of SQuAD 1.1 questions each hard-negative kind is tried on.")
@_rate_option("--distractor-rate", most=10.0,
              help="Share of SQuAD 1.1 questions also trained with a misleading copy of their answer sentence "
                   "(another name, number or year) added to the paragraph; above 1, the questions are tried "
                   "again with other draws.")
@_rate_option("--word-distractor-rate", most=10.0,
              help="Likewise, with one common word the question shares with the sentence swapped instead of a "
                   "name (\"fighting broke out on ...\" → \"trade broke out on ...\").")
@_rate_option("--predicate-distractor-rate", most=10.0,
              help="Likewise, for questions whose verb has a synonym in the answer's sentence: the question asks "
                   "with a verb the sentence does not use, the copy uses it (\"When did fighting start?\" → "
                   "\"trade started on ...\" beside \"fighting broke out on ...\").")
@_rate_option("--modifier-distractor-rate", most=10.0,
              help="Likewise, with the question's subject word kept but put under another head noun in the copy "
                   "(\"a pause in fighting started at midnight\" beside \"fighting broke out on ...\").")
@_rate_option("--headline-rate",
              help="Share of the training examples with their article's title above the paragraph, as a "
                   "document's first chunk has its headline.")
@click.option("--rank-loss-weight", type=click.FloatRange(0.0, 10.0), default=0.0, show_default=True,
              help="Add a loss that ranks answerable windows' no-answer margins above unanswerable ones' "
                   "(pairs within a batch), with this weight beside the span loss [0: off].")
@_rate_option("--shared-norm-rate",
              help="Share of the answerable examples also read beside a companion paragraph of their article "
                   "(most shared words, no answer), with one softmax over both windows' spans, so span scores "
                   "compare across passages as the product reads them [0: off].")
@click.option("--train-window-tokens", type=click.IntRange(min=32), default=None,
              help="Train on one window this long per example, cut around the answer [full windows].")
@click.option("--freeze-embeddings", is_flag=True, help="Keep the word-embedding matrix as it is.")
@click.option("--freeze-layers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Keep the embeddings and this many lowest encoder layers as they are (faster steps).")
@click.option("--resume", is_flag=True, help="Continue from the run folder's checkpoint (the learning rate "
              "follows time or steps, whichever is further along).")
def train_reader(**options):
    """Train the extractive reader on SQuAD and ship it to models/reader/."""
    from qa.training.train_reader import TrainConfig, TrainingSetupError, train
    from qa.training.weight_delta import DeltaError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", force=True,
                        handlers=[logging.StreamHandler(sys.stderr)])
    options["base_model"] = options["base_model"] or paths.embedder_model_path()
    options["hard_negatives"], options["hard_kind_rates"] = _hard_negative_kinds(options["hard_negatives"])
    options["command"] = ["qa", *sys.argv[1:]]
    try:
        report = train(TrainConfig(**options))
    except (DeltaError, TrainingSetupError) as exc:  # a delta whose base is missing; options the model can't take
        raise click.ClickException(str(exc)) from exc
    click.echo(f"reader written to {options['output_dir']}: {report['results'].get('eval', {}).get('overall')}")


@cli.command("mcp")
@index_option
@click.option("--sessions-db", type=click.Path(dir_okay=False, path_type=Path),
              default=paths.DEFAULT_SESSIONS_DB, show_default=True,
              help="Conversation store (the web server's, so conversations carry over).")
@click.option("--http", "over_http", is_flag=True, help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
def mcp_cmd(index_dir, sessions_db, over_http, host, port):
    """Serve the index to MCP clients (agents): tools ask, search_documents, list_documents, get_document."""
    from qa.mcp_server import build_server

    _open_store(index_dir)  # a clear error now rather than from inside the protocol
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        handlers=[logging.StreamHandler(sys.stderr)])  # stdout carries the protocol
    server = build_server(index_dir, sessions_db)
    if over_http:
        click.echo(f"MCP over streamable HTTP on http://{host}:{port}/mcp (index: {index_dir}; Ctrl+C stops)", err=True)
        server.run("streamable-http", host=host, port=port)
    else:
        server.run()


@cli.command("serve")
@index_option
@click.option("--host", default=None, help="Address to listen on (0.0.0.0: all) [from BIND: 127.0.0.1].")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="[from BIND: 8000]")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help=f"Processes, each with its own copy of the models [{SETTINGS['WORKERS']}].")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help=f"Threads per worker [{SETTINGS['THREADS']}].")
def serve_cmd(index_dir, host, port, workers, threads):
    """Serve the chat page, the JSON API and the OpenAI-compatible API (gunicorn; settings in qa/web/gunicorn_conf.py)."""
    import os

    configured_host, _, configured_port = str(SETTINGS["BIND"]).rpartition(":")
    host = host or configured_host.strip("[]") or "127.0.0.1"
    port = port or int(configured_port or 8000)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    shown = f"[{host}]" if ":" in host else ("127.0.0.1" if host == "0.0.0.0" else host)
    # the flags given win over instance/config.py and the environment: passed on as QA_* variables
    os.environ.update({"QA_INDEX_DIR": str(index_dir.resolve()), "QA_BIND": bind})
    if workers:
        os.environ["QA_WORKERS"] = str(workers)
    if threads:
        os.environ["QA_THREADS"] = str(threads)
    click.echo(f"Serving the chat page and API on http://{shown}:{port}/  (index: {index_dir}; Ctrl+C stops)")
    sys.stdout.flush()
    argv = [sys.executable, "-m", "gunicorn", "--config", paths.GUNICORN_CONFIG, paths.WSGI_APP]
    os.execv(sys.executable, argv)


def main():
    cli()  # click turns ClickException into "Error: ..." + exit 1 and usage errors into exit 2


if __name__ == "__main__":
    main()
