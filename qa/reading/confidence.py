"""The confidence shown with an answer, from its margin over "no answer" (no Haystack imports:
training computes it too, on machines without Haystack)."""

from __future__ import annotations

import math


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))


def answer_confidence(margin: float, threshold: float, calibration: dict | None) -> float:
    """The chance that a span with this margin is right: ``sigmoid(scale · (margin − threshold) + bias)``
    with the reader's calibration (qa.training.calibration), or ``sigmoid(margin − threshold)``
    for a reader without one."""
    if not calibration:
        return sigmoid(margin - threshold)
    return sigmoid(calibration["scale"] * (margin - threshold) + calibration["bias"])
