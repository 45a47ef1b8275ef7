"""Production settings for ``gunicorn 'server:create_app()'`` (``qa serve`` uses this file).

Each worker is a process with its own copy of the models (loaded once, at start-up); threads let
a worker answer /health and the page while a question is being read. Torch gets an equal share of
the cores per worker. Environment: QA_WORKERS, QA_THREADS, QA_BIND (default 127.0.0.1:8000).
"""

import os
import shutil
import tempfile

workers = int(os.environ.get("QA_WORKERS", "2"))
threads = int(os.environ.get("QA_THREADS", "4"))
worker_class = "gthread"
bind = os.environ.get("QA_BIND", "127.0.0.1:8000")
timeout = 120  # a cold question on a large index can take a while on 2 cores
graceful_timeout = 20
keepalive = 5
preload_app = False  # every worker loads its own models (torch and fork do not mix)
limit_request_line = 8190
accesslog = os.environ.get("QA_ACCESS_LOG", "-")
errorlog = "-"
control_socket_disable = True  # one shared ~/.gunicorn socket would clash between instances

# Prometheus counters shared by all workers: one file per worker in a fresh folder.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="qa-metrics-")
    _owned_metrics_dir = True
else:
    _owned_metrics_dir = False
os.environ.setdefault("QA_TORCH_THREADS", str(max(1, (os.cpu_count() or 1) // workers)))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _owned_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
