"""``qa index --ray`` against a plain ``qa index`` of the same files, side by side in one run:
documents/s, and whether the index is the same.

    .venv/bin/python bench/ray_index.py --docs 3000 --json bench/results/ray-index.json

Writes ``--docs`` small text files (3-40 sentences each, as tests/test_ray_index.py), then times
``qa index`` (plain), ``qa index --ray --ray-workers 1`` and ``--ray-workers 2`` (a local Ray each
time, its start-up included) into fresh indexes, and compares each Ray index with the plain one
(same sources, chunk texts and offsets; how far the vectors differ). Bounded by ``--docs``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_ray_index import index_contents, vector_agreement, write_corpus  # noqa: E402


def timed_index(docs: Path, index: Path, *extra: str) -> dict:
    began = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "qa.cli", "index", str(docs), "--index", str(index), "--no-progress",
                          *extra], cwd=ROOT, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - began
    return {"command": " ".join(["qa index", *extra]) or "qa index", "seconds": round(seconds, 1),
            "summary": run.stdout.strip(), "returncode": run.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qa-ray-bench-") as tmp:
        docs = Path(tmp) / "docs"
        write_corpus(docs, args.docs)
        runs = [timed_index(docs, Path(tmp) / "plain")]
        plain = index_contents(Path(tmp) / "plain")
        chunks = sum(len(c) for _, _, c in plain.values())
        for workers in (1, 2):
            run = timed_index(docs, Path(tmp) / f"ray{workers}", "--ray", "--ray-workers", str(workers))
            run["vectors"] = vector_agreement(plain, index_contents(Path(tmp) / f"ray{workers}"))
            runs.append(run)
    for run in runs:
        run["documents_per_s"] = round(args.docs / run["seconds"], 1)
    result = {"documents": args.docs, "chunks": chunks, "runs": runs}
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
