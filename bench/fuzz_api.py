"""The long fuzz run: every operation of /openapi.json, N schemathesis cases each (never in CI).

    .venv/bin/python bench/fuzz_api.py --examples 300 --json bench/results/fuzz-api.json

The app runs in-process (WSGI) over a fresh index of the sample article, with an API key set (so
writes are exercised) and no rate limit. Fails on the first 5xx or response that contradicts the
spec (tests/fuzzing.py says which checks apply where); reports the cases run per operation.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import qa  # noqa: E402,F401  (offline environment)
from qa.paths import EXAMPLE_DOCS_DIR  # noqa: E402
from tests.fuzzing import KEY, fuzz  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=300, help="cases per operation (fewer for operations without inputs)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from qa.ingest.indexer import Indexer
    from qa.pipeline import open_store
    from qa.web.app import create_app

    work = Path(tempfile.mkdtemp(prefix="qa-fuzz-"))
    indexer = Indexer(open_store(work / "index"))
    indexer.add_files(sorted(EXAMPLE_DOCS_DIR.glob("*.txt")))
    indexer.finish()
    app = create_app({"TESTING": True, "INDEX_DIR": str(work / "index"), "LOAD_IN_BACKGROUND": False,
                      "SESSIONS_DB": str(work / "sessions.sqlite3"), "ASK_RATE_LIMIT": "", "API_KEY": KEY})
    began = time.perf_counter()
    counts = fuzz(app, args.examples)
    result = {"cases": sum(counts.values()), "operations": len(counts), "per_operation": counts,
              "seconds": round(time.perf_counter() - began, 1), "failures": 0}
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
