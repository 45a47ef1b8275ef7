"""Span scores that compare across passages: a shared-normalisation loss (Clark and Gardner, 2018).

The product reads the top chunks retrieval finds and takes the best-scoring span among all of
them (``qa.reading.reader``), so it compares raw span scores from different windows. The span loss
never asks for that: its cross-entropy normalises each window's logits on their own, so a window
can score its spans high or low as a whole and still be right about which one is best. Measured on
the held-out articles (``bench/open_losses.py``, stage 34): where the gold paragraph is among the
passages read, the top answer's F1 (never abstaining) falls from 75.9 reading that paragraph alone
to 68.9 reading it beside two others; the demo question is one such case ("midnight local time" in
the headline's chunk over "September 27" in the next).

Here an answerable training window is read beside a *companion*: a window of the paragraph of its
article that shares most of the question's content words but holds none of its answers (what
retrieval would put beside it; ``hard_negatives.sibling_paragraph`` picks it). The start logits of
both windows' context tokens go through one softmax, and likewise the end logits, with the gold
start and end as targets: the gold span must outscore every span of the companion, not only the
other spans of its own window. The companion takes no loss of its own, so the mix's composition
is unchanged.
"""

from __future__ import annotations

import random

from qa.training.hard_negatives import _content_words, sibling_paragraph
from qa.training.squad_data import QAExample


def companions(mix: list[QAExample], articles: list[dict], rate: float, seed: int) -> dict[int, QAExample]:
    """For about ``rate`` of the mix's answerable examples (by position), the no-answer example of
    the same question over its companion paragraph; an example whose article has no paragraph
    sharing two content words with the question and none of its answers gets none. Same
    arguments → the same companions."""
    rng = random.Random(seed)
    paragraphs: dict[str, tuple[list[str], list[set[str]]]] = {}
    for article in articles:
        contexts = [p["context"] for p in article["paragraphs"]]
        paragraphs.setdefault(article.get("title", ""), (contexts, [_content_words(c) for c in contexts]))
    made = {}
    for index, example in enumerate(mix):
        if not example.answer_text or rng.random() >= rate or example.title not in paragraphs:
            continue
        contexts, words = paragraphs[example.title]
        companion = sibling_paragraph(example, contexts, words, own=-1)  # the own paragraph holds the answer
        if companion is not None:
            made[index] = companion
    return made


def shared_span_loss(start_logits, end_logits, context, groups: list[tuple[int, list[int]]],
                     start_positions, end_positions):
    """Mean over ``groups`` (a gold row and its companion rows) of the cross-entropy of the gold start
    and end over the context tokens of all the group's rows together; 0 (graph kept) without groups."""
    import torch
    import torch.nn.functional as F

    if not groups:
        return (start_logits.sum() + end_logits.sum()) * 0.0
    losses = []
    for gold, others in groups:
        rows = [gold, *others]
        for logits, position in ((start_logits, start_positions), (end_logits, end_positions)):
            scores = logits[rows].float().masked_fill(~context[rows], float("-inf")).flatten()
            target = position[gold].reshape(1)  # the gold row comes first: its index in the flattened scores
            losses.append(F.cross_entropy(scores[None, :], target))
    return torch.stack(losses).mean()  # (start + end) / 2 per group, averaged over groups
