"""``qa index --ray`` gives the index a plain ``qa index`` gives: the same sources, the same chunk
texts and offsets, vectors equal within float tolerance, and the same reports."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tests.conftest import run_qa

pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")

WORDS = "river bridge tower council harbour festival winter market station museum keeper gate lighthouse".split()
# the same files are embedded together as in a plain run, so the vectors are the same up to float
# noise (int8 activations are quantised per batch: different batches would move them)
MIN_COSINE = 0.9999


def write_corpus(folder, count: int, seed: int = 3) -> None:
    """``count`` small text files of 3-40 sentences, plus one that cannot be read."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"d{i:05d}.txt").write_text(" ".join(
            f"Record {i}.{j}: the {rng.choice(WORDS)} opened in {1800 + rng.randrange(200)}."
            for j in range(rng.randrange(3, 40))))
    (folder / "broken.pdf").write_bytes(b"not a pdf at all")


def index_contents(index_dir) -> dict:
    """{source id: (name, text, [(chunk text, start, embedding)])} of an index."""
    from qa.pipeline import open_store

    store = open_store(index_dir)
    contents = {}
    for source in store.list_sources():
        chunks = store.filter_documents({"field": "meta.source_id", "operator": "==", "value": source.id})
        contents[source.id] = (source.name, store.get_source(source.id).text, sorted(
            (c.content, c.meta["split_idx_start"], np.asarray(c.embedding)) for c in chunks))
    store.close()
    return contents


def vector_agreement(plain: dict, other: dict) -> dict:
    """Asserts the same sources, texts and chunks; returns how far the vectors differ: the
    largest difference in one component and the lowest cosine similarity."""
    assert plain.keys() == other.keys()
    largest, lowest = 0.0, 1.0
    for source_id, (name, text, chunks) in plain.items():
        other_name, other_text, other_chunks = other[source_id]
        assert (name, text) == (other_name, other_text)
        assert [(c, s) for c, s, _ in chunks] == [(c, s) for c, s, _ in other_chunks]
        for (_, _, a), (_, _, b) in zip(chunks, other_chunks):
            largest = max(largest, float(np.abs(a - b).max()))
            lowest = min(lowest, float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))))
    return {"largest_difference": round(largest, 4), "lowest_cosine": round(lowest, 6)}


@pytest.mark.timeout(600)
def test_ray_index_equals_a_plain_index(tmp_path):
    write_corpus(tmp_path / "docs", 150)
    plain = run_qa("index", str(tmp_path / "docs"), "--index", str(tmp_path / "plain"), "--no-progress")
    on_ray = run_qa("index", str(tmp_path / "docs"), "--index", str(tmp_path / "ray"), "--no-progress",
                    "--ray", "--ray-workers", "2", timeout=540)
    assert plain.returncode == on_ray.returncode == 1  # the broken file
    assert plain.stdout.split(";")[0] == on_ray.stdout.split(";")[0] == "150 indexed, 0 unchanged, 1 failed"
    assert "skipped" in on_ray.stderr and "broken.pdf" in on_ray.stderr
    agreement = vector_agreement(index_contents(tmp_path / "plain"), index_contents(tmp_path / "ray"))
    assert agreement["lowest_cosine"] >= MIN_COSINE, agreement
    again = run_qa("index", str(tmp_path / "docs"), "--index", str(tmp_path / "ray"), "--no-progress", "--ray",
                   timeout=540)
    assert again.stdout.startswith("0 indexed, 150 unchanged, 1 failed")
    check = run_qa("check", "--index", str(tmp_path / "ray"))
    assert check.returncode == 0, check.stdout
