"""Load on ``POST /api/ask`` with the production server: N concurrent clients for a fixed time.

    .venv/bin/python bench/load_ask.py                      # 8 clients, 30 s, default index
    .venv/bin/python bench/load_ask.py --clients 8 --seconds 30 --workers 2 --json bench/results/load.json

Starts ``gunicorn`` with ``gunicorn.conf.py`` on a free 127.0.0.1 port (the same settings as
``qa serve``), waits until every worker has loaded its models, then each client (its own
keep-alive connection) asks the sample questions in turn until the time is up. Bounded: it stops
after ``--seconds`` (and at most ``--max-requests``), talks only to loopback, and stops the server.
Reports requests/s and latency percentiles of the successful requests, every non-200, and each
worker's resident memory after the load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sample_questions import QUESTIONS  # noqa: E402
from qa import paths  # noqa: E402
from tests.live import live_server  # noqa: E402


def squad_questions(every: int = 10) -> list[str]:
    """Every n-th question of the evaluation sample (for an index built from the bench corpus)."""
    data = json.loads((paths.SHARED_DATA_DIR / "squad2-dev-sample.json").read_text())["data"]
    return [q["question"] for a in data for p in a["paragraphs"] for q in p["qas"]][::every]


def client_loop(host: str, port: int, offset: int, stop_at: float, budget: threading.Semaphore,
                latencies: list, statuses: Counter, lock: threading.Lock, questions: list[str]) -> None:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    i = offset
    while time.monotonic() < stop_at and budget.acquire(blocking=False):
        question = questions[i % len(questions)]
        i += 1
        body = json.dumps({"question": question})
        started = time.perf_counter()
        try:
            conn.request("POST", "/api/ask", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=120)
        elapsed = time.perf_counter() - started
        with lock:
            statuses[status] += 1
            if status == 200:
                latencies.append(elapsed)
    conn.close()


def worker_rss_mb(url: str, workers: int, tries: int = 50) -> dict[str, int]:
    """Resident memory of each worker after the load (their pids from /health; same machine)."""
    pids: set[int] = set()
    for _ in range(tries):
        with urllib.request.urlopen(f"{url}/health", timeout=5) as response:
            pids.add(json.load(response)["worker_pid"])
        if len(pids) == workers:
            break
    rss = {}
    for pid in sorted(pids):
        with open(f"/proc/{pid}/status") as f:
            rss[str(pid)] = next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))
    return rss


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default=str(paths.DEFAULT_INDEX_DIR))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--questions", choices=["article", "squad"], default="article",
                        help="the sample article's questions, or every 10th of the evaluation sample's "
                             "(for an index built by bench/scale.py)")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if not (Path(args.index) / "store.sqlite3").exists():
        sys.exit(f"no index in {args.index}: run ./quickstart.sh (or qa index examples/docs) first")

    questions = [q for q, *_ in QUESTIONS] if args.questions == "article" else squad_questions()
    # the clients all come from 127.0.0.1: the per-client question limit would measure itself
    with live_server(args.index, workers=args.workers, threads=args.threads, env={"QA_ASK_RATE_LIMIT": ""}) as url:
        host, port = url.removeprefix("http://").split(":")
        # one warm-up question per client so first-call costs are not measured
        warm_budget = threading.Semaphore(args.clients)
        client_loop(host, int(port), 0, time.monotonic() + 60, warm_budget, [], Counter(), threading.Lock(),
                    questions)
        latencies: list[float] = []
        statuses: Counter = Counter()
        lock = threading.Lock()
        budget = threading.Semaphore(args.max_requests)
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [threading.Thread(target=client_loop, args=(host, int(port), k, stop_at, budget, latencies,
                                                              statuses, lock, questions))
                   for k in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        rss = worker_rss_mb(url, args.workers)

    ok = len(latencies)
    result = {
        "clients": args.clients, "seconds": round(wall, 1), "workers": args.workers, "threads": args.threads,
        "index": args.index, "questions": len(questions),
        "requests": sum(statuses.values()), "ok": ok, "statuses": {str(k): v for k, v in statuses.items()},
        "requests_per_s": round(ok / wall, 2), "worker_rss_mb": rss,
        "latency_ms": {"p50": round(percentile(latencies, 50) * 1000), "p95": round(percentile(latencies, 95) * 1000),
                       "p99": round(percentile(latencies, 99) * 1000), "max": round(max(latencies) * 1000)}
        if ok else None,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
