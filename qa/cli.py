"""The ``qa`` command line: index documents, ask questions, manage documents, evaluate, train."""

from __future__ import annotations

import logging
import sys

import click

from qa import paths


@click.group()
@click.version_option(package_name="offline-qa")
def cli():
    """Offline extractive question answering over your documents, with cited spans."""


@cli.command("train-reader")
@click.option("--base-model", default=None, help="Encoder to start from [all-MiniLM-L6-v2 from its PyPI package].")
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
@click.option("--epochs", type=float, default=None, help="[1 on CPU, 2 on GPU]")
@click.option("--batch-size", type=int, default=None, help="[32 on CPU, 64 on GPU]")
@click.option("--max-length", type=int, default=None, help="[256 on CPU, 384 on GPU]")
@click.option("--stride", type=int, default=128, show_default=True)
@click.option("--lr", "learning_rate", type=float, default=1e-4, show_default=True)
@click.option("--threads", type=int, default=None, help="torch threads [all cores]")
@click.option("--checkpoint-minutes", type=float, default=5.0, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True)
@click.option("--resume", is_flag=True, help="Continue from the run folder's checkpoint.")
def train_reader(**options):
    """Train the extractive reader on SQuAD and ship it to models/reader/."""
    from qa.training.train_reader import TrainConfig, train

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                        handlers=[logging.StreamHandler(sys.stderr)])
    options["base_model"] = options["base_model"] or paths.embedder_model_path()
    options["command"] = ["qa", *sys.argv[1:]]
    report = train(TrainConfig(**options))
    click.echo(f"reader written to {options['output_dir']}: {report['results'].get('eval', {}).get('overall')}")


def main():
    cli()


if __name__ == "__main__":
    main()
