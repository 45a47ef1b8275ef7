"""Store a trained reader as its changes on top of its base, or rebuild it from them.

    .venv/bin/python scripts/reader_delta.py save train-runs/soup-34-37-38 \
        --base ../shared/checkpoints/reader-stage3b --output models/candidates/reader-stage38-soup
    .venv/bin/python scripts/reader_delta.py restore models/candidates/reader-stage38-soup --output train-runs/soup-out

Unshipped CPU stages live only on the session's machine; their deltas (a third to a half of the weights)
are small enough to commit, so the next session continues from them (``qa.training.weight_delta``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.training.weight_delta import DeltaError, restore_delta, save_delta  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    save = commands.add_parser("save", help="write MODEL's changes on top of --base to --output")
    save.add_argument("model")
    save.add_argument("--base", required=True)
    save.add_argument("--output", required=True)
    restore = commands.add_parser("restore", help="rebuild the full reader of DELTA in --output")
    restore.add_argument("delta")
    restore.add_argument("--output", required=True)
    restore.add_argument("--base", default=None, help="the base folder [the one recorded in delta.json]")
    args = parser.parse_args()
    try:
        if args.command == "save":
            info = save_delta(args.model, args.base, args.output)
            print(json.dumps({k: v for k, v in info.items() if k != "files"}, indent=2))
        else:
            print(restore_delta(args.delta, args.output, args.base))
    except DeltaError as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()
