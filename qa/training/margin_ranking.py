"""A training loss that ranks answerable windows' no-answer margins above unanswerable ones'.

The reader abstains by comparing each question's margin (best span score − the CLS "no answer"
score) with one threshold, so what decides abstention is how margins *compare across questions*:
their ROC AUC for "answerable" (≈ 0.70 on the held-out articles for every stage since 4). The span
loss never asks for that: its cross-entropy normalises each window's logits on their own. This loss
does: for every (answerable, unanswerable) pair of windows in a batch it adds
``softplus(margin_unanswerable − margin_answerable)``, the pairwise logistic surrogate of 1 − AUC.
An answerable window's margin is taken at its gold span (so the loss never pulls a wrong span up);
an unanswerable one's at its best span, as decoding does (``qa.reading.span_decoder``).
"""

from __future__ import annotations

from qa.reading.span_decoder import MAX_ANSWER_TOKENS

_NO_SPAN = -1e4  # the score of a span that may not be taken: below any real one, so never the best


def context_mask(attention_mask, token_type_ids):
    """Tokens of the context: second segment, not padding, not the closing [SEP]."""
    import torch

    context = (token_type_ids == 1) & (attention_mask == 1)
    last = attention_mask.sum(dim=1) - 1  # the closing [SEP] of each row
    context[torch.arange(context.shape[0]), last] = False
    return context


def best_span_margins(start_logits, end_logits, context, max_answer_tokens: int = MAX_ANSWER_TOKENS):
    """Each window's best span score (start ≤ end, at most ``max_answer_tokens`` context tokens) minus
    its no-answer score; a window without context gets ``_NO_SPAN``."""
    import torch

    start, end = start_logits.float(), end_logits.float()
    scores = start[:, :, None] + end[:, None, :]
    width = torch.arange(start.shape[1], device=start.device)
    length = width[None, :] - width[:, None]  # end − start
    allowed = (length >= 0) & (length < max_answer_tokens)
    allowed = allowed[None] & context[:, :, None] & context[:, None, :]
    best = scores.masked_fill(~allowed, _NO_SPAN).flatten(1).max(dim=1).values
    return best - (start[:, 0] + end[:, 0])


def margin_ranking_loss(start_logits, end_logits, attention_mask, token_type_ids, start_positions, end_positions,
                        max_answer_tokens: int = MAX_ANSWER_TOKENS):
    """Mean pairwise logistic loss over the batch's (answerable, unanswerable) window pairs; 0 when
    the batch holds only one kind. Windows labelled at CLS (position 0) are the unanswerable ones."""
    import torch
    import torch.nn.functional as F

    answerable = start_positions > 0
    if answerable.all() or not answerable.any():
        return (start_logits.sum() + end_logits.sum()) * 0.0  # keeps the graph (and the autocast dtype) without a signal
    start, end = start_logits.float(), end_logits.float()
    rows = torch.arange(start.shape[0], device=start.device)
    null = start[:, 0] + end[:, 0]
    gold = start[rows, start_positions] + end[rows, end_positions] - null
    best = best_span_margins(start, end, context_mask(attention_mask, token_type_ids), max_answer_tokens)
    positive, negative = gold[answerable], best[~answerable]
    return F.softplus(negative[None, :] - positive[:, None]).mean()
