"""Prometheus metrics: request counts and latency per endpoint, and the index size.

Under gunicorn each worker is a process; with ``PROMETHEUS_MULTIPROC_DIR`` set (the gunicorn
config does it) the counters live in files there and ``/metrics`` adds up every worker's.
The index size is read from the store at scrape time, so it is right whichever worker answers.
"""

from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("qa_http_requests", "HTTP requests served", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "qa_http_request_duration_seconds", "Time to serve an HTTP request", ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32),
)


class IndexSizeCollector:
    def __init__(self, engine):
        self.engine = engine

    def collect(self):
        size = self.engine.index_size()
        yield GaugeMetricFamily("qa_index_documents", "Documents in the index", value=size["documents"])
        yield GaugeMetricFamily("qa_index_chunks", "Chunks in the index", value=size["chunks"])


def _endpoint() -> str:
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def install_metrics(app: Flask) -> None:
    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _record(response):
        started = g.pop("request_started", None)
        if started is not None:
            endpoint = _endpoint()
            LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        return response


def metrics_response(engine) -> Response:
    index_registry = CollectorRegistry()
    index_registry.register(IndexSizeCollector(engine))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        requests_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests_registry)
    else:
        requests_registry = REGISTRY
    body = generate_latest(requests_registry) + generate_latest(index_registry)
    return Response(body, headers={"Content-Type": CONTENT_TYPE_LATEST})
