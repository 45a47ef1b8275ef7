"""scripts/average_readers.py: a soup is the share-weighted mean of its readers, tensor for tensor,
and its card names what was averaged and how it scores."""

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from average_readers import average_weights, soup_card  # noqa: E402


def test_equal_shares_give_the_mean_of_every_tensor():
    states = [{"w": torch.full((2, 2), float(v)), "b": torch.tensor([v, -v], dtype=torch.float32)} for v in (1, 2, 6)]
    soup = average_weights(states, [1 / 3] * 3)
    assert torch.allclose(soup["w"], torch.full((2, 2), 3.0))
    assert torch.allclose(soup["b"], torch.tensor([3.0, -3.0]))


def test_a_share_weighs_the_second_of_two_readers():
    states = [{"w": torch.zeros(3)}, {"w": torch.ones(3)}]
    assert torch.allclose(average_weights(states, [0.3, 0.7])["w"], torch.full((3,), 0.7))


def test_the_card_names_the_readers_their_shares_and_the_scores():
    part = {"count": 10, "exact": 50.0, "f1": 55.25}
    scores = {"overall": part, "HasAns": dict(part, count=6), "NoAns": dict(part, count=4)}
    report = {"soup": {"readers": ["a-out", "b-out"], "shares": [0.25, 0.75]},
              "command": ["python", "scripts/average_readers.py", "a-out", "b-out", "--weight", "0.75"],
              "results": {"threshold": 3.5, "heldout_titles": ["Oxygen"], "eval_file": "sample.json",
                          "eval": scores, "heldout_cross_validated": scores}}
    card = soup_card(report)
    assert "`a-out` (0.25), `b-out` (0.75)" in card
    assert "threshold:** 3.500" in card and "| HasAns | 6 | 50.0 | 55.2 |" in card
