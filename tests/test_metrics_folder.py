"""The servers' Prometheus folders: a start removes those whose server is gone (a SIGKILLed
master cannot remove its own) and never one a live server holds."""

from __future__ import annotations

import os
import signal

from qa.web.metrics_folder import PREFIX, MetricsFolder, remove_orphaned
from tests.live import folder_of_a_process


def test_a_start_removes_the_folder_of_a_killed_server(tmp_path):
    proc, path = folder_of_a_process(tmp_path, then="wait")
    try:
        assert os.path.isdir(path) and os.path.basename(path).startswith(PREFIX)
        assert remove_orphaned(tmp_path) == []  # its server is alive
        assert os.path.isdir(path)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
    fresh = MetricsFolder(tmp_path)
    try:
        assert [str(p) for p in fresh.removed] == [path]
        assert not os.path.exists(path)
        assert sorted(os.listdir(tmp_path)) == [fresh.path.name]
    finally:
        fresh.remove()
    assert os.listdir(tmp_path) == []


def test_folders_in_use_or_not_ours_are_left_alone(tmp_path):
    held = MetricsFolder(tmp_path)
    try:
        _, exited = folder_of_a_process(tmp_path)  # its process is gone: orphaned
        (tmp_path / f"{PREFIX}from-an-older-version").mkdir()  # no lock file: not known to be free
        (tmp_path / "unrelated").mkdir()
        (tmp_path / f"{PREFIX}a-file").write_text("not a folder")
        assert [str(p) for p in remove_orphaned(tmp_path)] == [exited]
        assert sorted(os.listdir(tmp_path)) == sorted(
            [held.path.name, f"{PREFIX}from-an-older-version", "unrelated", f"{PREFIX}a-file"])
        assert (held.path / ".held-by-server").exists()
    finally:
        held.remove()
    assert not held.path.exists()
