"""A trained reader stored as what it changed on top of its base: so CPU stages add up across sessions.

A CPU stage trains a few layers of its base (``--freeze-layers``, ``--freeze-embeddings``), and its
machine is gone when the session ends; only the repository stays. The full weights (44 MB) of every
unshipped stage are too much to commit, but the tensors that training changed are a third of that.
``save_delta`` keeps those tensors and the files that differ from the base; ``restore_delta`` puts
the base and the delta back together, after checking the base is the very one it was made from,
and that the result is the saved model tensor for tensor.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from qa import paths

WEIGHTS = "model.safetensors"
DELTA_WEIGHTS = "delta.safetensors"
DELTA_INFO = "delta.json"


class DeltaError(ValueError):
    """A delta that cannot be made or applied; the message says why."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tensors_sha256(weights: dict) -> str:
    """One digest of named tensors (names, types, shapes, bytes): equal iff the weights are."""
    import torch

    digest = hashlib.sha256()
    for name in sorted(weights):
        tensor = weights[name].contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        digest.update(tensor.view(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _load(folder: Path) -> dict:
    from safetensors.torch import load_file

    path = folder / WEIGHTS
    if not path.is_file():
        raise DeltaError(f"{folder} has no {WEIGHTS}")
    return load_file(str(path))


def save_delta(model_dir: str | Path, base_dir: str | Path, output_dir: str | Path) -> dict:
    """Write to ``output_dir`` the tensors of ``model_dir`` that differ from ``base_dir`` (bit for
    bit) and its other files that differ; returns the description stored in ``delta.json``."""
    from safetensors.torch import save_file

    model_dir, base_dir, output_dir = Path(model_dir), Path(base_dir), Path(output_dir)
    model, base = _load(model_dir), _load(base_dir)
    if set(model) != set(base):
        raise DeltaError(f"{model_dir} and {base_dir} do not hold the same tensors: not one architecture")
    changed = {}
    for name, tensor in model.items():
        if tensor.shape != base[name].shape or tensor.dtype != base[name].dtype:
            raise DeltaError(f"tensor {name} differs in shape or type from the base's")
        if not same_bits(tensor, base[name]):  # -0.0 == 0.0, but the rebuilt digest would differ
            changed[name] = tensor.contiguous()
    output_dir.mkdir(parents=True, exist_ok=True)
    save_file(changed, str(output_dir / DELTA_WEIGHTS))
    copied = []
    for path in sorted(model_dir.iterdir()):
        if not path.is_file() or path.name == WEIGHTS:
            continue
        twin = base_dir / path.name
        if not twin.is_file() or twin.read_bytes() != path.read_bytes():
            shutil.copy2(path, output_dir / path.name)
            copied.append(path.name)
    info = {
        "base": str(base_dir),
        "base_sha256": file_sha256(base_dir / WEIGHTS),
        "model_tensors_sha256": tensors_sha256(model),
        "changed_tensors": len(changed),
        "changed_weights": sum(t.numel() for t in changed.values()),
        "all_weights": sum(t.numel() for t in model.values()),
        "files": copied,
    }
    (output_dir / DELTA_INFO).write_text(json.dumps(info, indent=2) + "\n")
    return info


def same_bits(a, b) -> bool:
    """Whether two tensors of one shape and type hold the same bytes (what the digest checks)."""
    import torch

    return torch.equal(a.contiguous().reshape(-1).view(torch.uint8), b.contiguous().reshape(-1).view(torch.uint8))


def _locate_base(base_dir: Path) -> Path:
    """A relative base as recorded (``../shared/checkpoints/...``) is relative to the project root,
    wherever the command runs from; one that exists from the working directory wins."""
    if base_dir.is_absolute() or (base_dir / WEIGHTS).is_file():
        return base_dir
    return paths.PROJECT_ROOT / base_dir


def restore_delta(delta_dir: str | Path, output_dir: str | Path, base_dir: str | Path | None = None) -> Path:
    """Rebuild the full reader of ``delta_dir`` in ``output_dir`` from its base (the one recorded
    in ``delta.json`` unless ``base_dir`` is given); the result is the saved model, bit for bit."""
    from safetensors.torch import load_file, save_file

    delta_dir, output_dir = Path(delta_dir), Path(output_dir)
    info_path = delta_dir / DELTA_INFO
    if not info_path.is_file():
        raise DeltaError(f"{delta_dir} has no {DELTA_INFO}: not a saved delta")
    info = json.loads(info_path.read_text())
    base_dir = _locate_base(Path(base_dir or info["base"]))
    if not (base_dir / WEIGHTS).is_file():
        raise DeltaError(f"the base {base_dir} is missing; pass the folder it was made from")
    if file_sha256(base_dir / WEIGHTS) != info["base_sha256"]:
        raise DeltaError(f"{base_dir} is not the base this delta was made from (its weights differ)")
    weights = _load(base_dir)
    for name, tensor in load_file(str(delta_dir / DELTA_WEIGHTS)).items():
        if name not in weights or weights[name].shape != tensor.shape:
            raise DeltaError(f"tensor {name} of the delta does not fit the base")
        weights[name] = tensor
    output_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(base_dir.iterdir()):
        if path.is_file() and path.name != WEIGHTS:
            shutil.copy2(path, output_dir / path.name)
    for name in info["files"]:
        shutil.copy2(delta_dir / name, output_dir / name)
    if tensors_sha256(weights) != info["model_tensors_sha256"]:
        raise DeltaError("the rebuilt weights differ from the saved model's")
    save_file(weights, str(output_dir / WEIGHTS), metadata={"format": "pt"})
    return output_dir
