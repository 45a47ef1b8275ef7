"""Reads and writes at once against the production server: 16 clients for 60 s, 80% questions and
20% document adds and deletes, on a copy of an index.

    .venv/bin/python bench/load_mixed.py                    # 16 clients, 60 s, over a copy of index/
    .venv/bin/python bench/load_mixed.py --json bench/results/load-mixed.json

Starts gunicorn with the same settings as ``qa serve`` (an API key set, so writes go through the
key check as they would in production; no per-client question limit, since every client here is
127.0.0.1) on a free loopback port. Each client keeps one connection and, at random (seeded), asks
one of the sample questions or a question about a document it added itself, adds a document, or
deletes its oldest one. A warm-up of the same mix comes first; worker memory is read after it and
again at the end. Afterwards every document added and not deleted must be answerable (asked
about its place, the answers include its keeper from that document; how often that is the top
answer is reported too), and every deleted one must be gone.
Bounded: ``--seconds`` of load (plus the warm-up), loopback only, the server stopped at the end.
Exit code 1 when any request failed, memory grew more than 10%, or a document was not answerable.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_ask import percentile, worker_rss_mb  # noqa: E402
from bench.sample_questions import QUESTIONS  # noqa: E402
from qa import paths  # noqa: E402
from tests.live import live_server  # noqa: E402

API_KEY = "bench-load-mixed-key"
EXPECTED = {"ask": 200, "add": 201, "delete": 204}


@dataclass
class Tally:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)
    alive: dict = field(default_factory=dict)  # doc id -> (keeper, place)
    deleted: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


FIRST = ("Amara Bruno Celia Dmitri Elena Farid Greta Hugo Ingrid Jonas Kiri Lena Mateo Nadia Oskar Priya "
         "Quinn Rosa Stefan Tomas Uma Viktor Wanda Yusuf Zora").split()
LAST = ("Albright Brennan Castillo Dunmore Eriksen Fairweather Galloway Hartmann Iversen Jablonski Kowalczyk "
        "Lindqvist Moreau Nakamura Okafor Petrov Quintero Rasmussen Sorensen Thorne Underwood Valente Whitaker "
        "Yamada Zielinski").split()
COLOURS = "Amber Black Copper Crimson Golden Green Grey Ivory Red Silver White Blue".split()
PLACES = ("Heron Falcon Otter Badger Raven Salmon Walrus Pelican Osprey Marten Lynx Beaver Cormorant Puffin "
          "Kestrel Curlew Plover Sparrow Wren Swan").split()


def document(client: int, n: int) -> tuple[str, str, str]:
    """A small document whose place and keeper no other live document shares: (text, keeper, place).
    Real words, so the retriever and the reader can tell documents apart as they would real ones."""
    i = n * 16 + client % 16  # distinct for the first 240 documents (15 per client), then reused
    keeper = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
    place = f"{COLOURS[i % len(COLOURS)]} {PLACES[(i // len(COLOURS)) % len(PLACES)]} Point"
    text = (f"Harbour log {client}-{n}. The lighthouse at {place} was rebuilt after the storm. "
            f"The keeper of the lighthouse at {place} is {keeper}, who took over the post in spring.")
    return text, keeper, place


def keeper_question(place: str) -> str:
    return f"Who is the keeper of the lighthouse at {place}?"


class Client:
    def __init__(self, host: str, port: int, number: int, seed: int, tally: Tally):
        self.host, self.port, self.number, self.tally = host, port, number, tally
        self.rng = random.Random(seed * 1000 + number)
        self.mine: list[tuple[str, str, str]] = []  # (doc id, keeper, place), oldest first
        self.added = 0
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def request(self, op: str, method: str, path: str, body: dict | None = None, record: bool = True):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if op != "ask":
            headers["Authorization"] = f"Bearer {API_KEY}"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, json.dumps(body) if body is not None else None, headers)
            response = self.conn.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status, payload = type(exc).__name__, b""
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        elapsed = time.perf_counter() - started
        if record:
            with self.tally.lock:
                self.tally.statuses[f"{op} {status}"] += 1
                if status == EXPECTED[op]:
                    self.tally.latencies[op].append(elapsed)
                else:
                    self.tally.errors.append({"op": op, "path": path, "status": status,
                                              "body": payload[:300].decode("utf-8", "replace")})
        return status, (json.loads(payload) if payload and status in (200, 201) else None)

    def step(self, record: bool = True) -> None:
        roll = self.rng.random()
        if roll < 0.8:
            if self.mine and self.rng.random() < 0.25:
                question = keeper_question(self.rng.choice(self.mine)[2])
            else:
                question = self.rng.choice(QUESTIONS)[0]
            self.request("ask", "POST", "/api/ask", {"question": question}, record)
        elif roll < 0.9 or not self.mine:
            text, keeper, place = document(self.number, self.added)
            status, body = self.request("add", "POST", "/api/documents",
                                        {"name": f"harbour-{self.number}-{self.added}.txt", "text": text}, record)
            self.added += 1
            if status == 201:
                self.mine.append((body["id"], keeper, place))
                with self.tally.lock:
                    self.tally.alive[body["id"]] = (keeper, place)
        else:
            doc_id, _, _ = self.mine.pop(0)
            status, _ = self.request("delete", "DELETE", f"/api/documents/{doc_id}", record=record)
            if status == 204:
                with self.tally.lock:
                    self.tally.alive.pop(doc_id, None)
                    self.tally.deleted.add(doc_id)

    def run_until(self, stop_at: float, record: bool = True) -> None:
        while time.monotonic() < stop_at:
            self.step(record)


def run_clients(clients: list[Client], seconds: float, record: bool) -> float:
    started = time.monotonic()
    threads = [threading.Thread(target=c.run_until, args=(started + seconds, record)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def verify(clients: list[Client], tally: Tally) -> dict:
    """Every document still added is answerable: asked about its place, the service returns the
    document's keeper from that document among its answers ("found"; how often it is also the top
    answer is reported: telling same-form documents apart is the reader's skill, issue 9). Every
    deleted document is gone."""
    checker = clients[0]
    not_found, top = [], 0
    for doc_id, (keeper, place) in sorted(tally.alive.items()):
        status, body = checker.request("ask", "POST", "/api/ask", {"question": keeper_question(place), "top_k": 5},
                                       record=False)
        answers = (body or {}).get("answers") or []
        hits = [a for a in answers if a["document_id"] == doc_id and keeper in a["answer"]]
        top += bool(hits) and hits[0] is answers[0]
        if status != 200 or not hits:
            not_found.append({"id": doc_id, "place": place, "status": status,
                              "answers": [(a["answer"], a["document_id"], a["score"]) for a in answers]})
    still_there = [doc_id for doc_id in sorted(tally.deleted)
                   if checker.request("ask", "GET", f"/api/documents/{doc_id}", record=False)[0] != 404]
    return {"alive": len(tally.alive), "found": len(tally.alive) - len(not_found), "top_answer": top,
            "not_found": not_found, "deleted": len(tally.deleted), "deleted_but_found": still_there}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default=str(paths.DEFAULT_INDEX_DIR), help="copied; the copy takes the writes")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    if not (Path(args.index) / "store.sqlite3").exists():
        sys.exit(f"no index in {args.index}: run ./quickstart.sh (or qa index examples/docs) first")

    with tempfile.TemporaryDirectory(prefix="qa-load-mixed-") as tmp:
        index = Path(tmp) / "index"
        shutil.copytree(args.index, index)
        env = {"QA_ASK_RATE_LIMIT": "", "QA_API_KEY": API_KEY}
        with live_server(index, workers=args.workers, threads=args.threads, instance_dir=tmp, env=env,
                         log_path=Path(tmp) / "server.log") as url:
            host, port = url.removeprefix("http://").split(":")
            tally = Tally()
            clients = [Client(host, int(port), k, args.seed, tally) for k in range(args.clients)]
            run_clients(clients, args.warmup_seconds, record=False)
            rss_warm = worker_rss_mb(url, args.workers)
            wall = run_clients(clients, args.seconds, record=True)
            rss_end = worker_rss_mb(url, args.workers)
            checked = verify(clients, tally)
            for c in clients:
                c.conn.close()
        errors_in_log = (Path(tmp) / "server.log").read_text(errors="replace").count("Traceback")

    all_latencies = [x for values in tally.latencies.values() for x in values]
    growth = {pid: round(rss_end[pid] / rss_warm[pid] - 1, 3) for pid in rss_end if pid in rss_warm}
    result = {
        "clients": args.clients, "seconds": round(wall, 1), "warmup_seconds": args.warmup_seconds,
        "workers": args.workers, "threads": args.threads, "index": args.index,
        "requests": sum(tally.statuses.values()), "statuses": dict(sorted(tally.statuses.items())),
        "errors": len(tally.errors), "error_examples": tally.errors[:5], "tracebacks_in_server_log": errors_in_log,
        "requests_per_s": round(len(all_latencies) / wall, 2),
        "latency_ms": {op: {"count": len(v), "p50": round(percentile(v, 50) * 1000),
                            "p95": round(percentile(v, 95) * 1000), "p99": round(percentile(v, 99) * 1000),
                            "max": round(max(v) * 1000)}
                       for op, v in [("all", all_latencies), *sorted(tally.latencies.items())] if v},
        "worker_rss_mb": {"after_warmup": rss_warm, "end": rss_end, "growth": growth},
        "documents": checked,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    ok = (not tally.errors and not errors_in_log and all(g <= 0.10 for g in growth.values()) and len(growth) == args.workers
          and not checked["not_found"] and not checked["deleted_but_found"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
