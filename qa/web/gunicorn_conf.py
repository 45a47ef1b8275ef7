"""Production settings for ``gunicorn -c python:qa.web.gunicorn_conf 'qa.web.app:create_app()'`` (what ``qa serve`` runs).

Each worker is a process with its own copy of the models (loaded once, at start-up); threads let
a worker answer /health and the page while a question is being read. Torch gets an equal share of
the cores per worker. WORKERS, THREADS, BIND, ACCESS_LOG come from ``qa.config`` (defaults →
instance/config.py → QA_* environment, which ``qa serve`` sets from its flags).
"""

import os

from qa.config import SETTINGS
from qa.web.metrics_folder import MetricsFolder

workers = int(SETTINGS["WORKERS"])
threads = int(SETTINGS["THREADS"])
worker_class = "gthread"
bind = str(SETTINGS["BIND"])
timeout = 120  # a cold question on a large index can take a while on 2 cores
graceful_timeout = 20
keepalive = 5
preload_app = False  # every worker loads its own models (torch and fork do not mix)
limit_request_line = 8190
accesslog = str(SETTINGS["ACCESS_LOG"])
errorlog = "-"
control_socket_disable = True  # one shared ~/.gunicorn socket would clash between instances

# Prometheus counters shared by all workers: one file per worker in a fresh folder (unless the
# caller chose one), made after removing those that killed servers left behind.
_metrics_folder = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _metrics_folder = MetricsFolder()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_folder.path)
if SETTINGS["TORCH_THREADS"] is None:  # an equal share of the cores per worker (the workers inherit it)
    os.environ["QA_TORCH_THREADS"] = str(max(1, (os.cpu_count() or 1) // workers))


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _metrics_folder is not None:
        _metrics_folder.remove()
