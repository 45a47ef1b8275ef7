"""Operations endpoints: liveness/readiness and Prometheus metrics."""

from __future__ import annotations

import os

from apiflask import APIBlueprint, Schema
from apiflask.fields import Boolean, Dict, Float, Integer, String
from flask import current_app

from qa.web.metrics import metrics_response

bp = APIBlueprint("ops", __name__, tag="Operations")


class HealthOut(Schema):
    status = String(metadata={"description": "'ok', 'loading' or 'failed'"})
    models_loaded = Boolean()
    error = String(allow_none=True)
    index = Dict()
    loaded_in_s = Float(allow_none=True)
    worker_pid = Integer(metadata={"description": "the worker process that answered"})


@bp.get("/health")
@bp.output(HealthOut)
@bp.doc(summary="Liveness, and whether the models and the index are loaded",
        responses={200: "Ready to answer questions", 503: "Loading, or failed to load"})
def health():
    engine = current_app.extensions["qa.engine"]
    status = {"ready": "ok", "loading": "loading", "failed": "failed"}[engine.state]
    body = {"status": status, "models_loaded": engine.ready, "error": engine.error,
            "index": {"dir": str(engine.index_dir), **engine.index_size()}, "loaded_in_s": engine.loaded_in_s,
            "worker_pid": os.getpid()}
    return body, 200 if engine.ready else 503


@bp.get("/metrics")
@bp.doc(summary="Prometheus metrics (text format)")
def metrics():
    return metrics_response(current_app.extensions["qa.engine"])
