"""Run a QA model over tokenised windows, batching windows of similar length."""

from __future__ import annotations

from qa.reading.windows import Window, pad_batch


def window_logits(model, windows: list[Window], pad_token_id: int, batch_size: int = 16, device: str = "cpu"):
    """Run the QA model over windows; yield ``(window, start_logits, end_logits)`` per window.

    Windows of similar length are batched together so padding stays small; the logits are numpy
    arrays cut to the window's own length.
    """
    import torch

    order = sorted(range(len(windows)), key=lambda i: len(windows[i].input_ids))
    with torch.inference_mode():
        for begin in range(0, len(order), batch_size):
            part = [windows[i] for i in order[begin : begin + batch_size]]
            batch = {k: v.to(device) for k, v in pad_batch(part, pad_token_id).items()}
            out = model(**batch)
            starts = out.start_logits.float().cpu().numpy()
            ends = out.end_logits.float().cpu().numpy()
            for row, window in enumerate(part):
                n = len(window.input_ids)
                yield window, starts[row, :n], ends[row, :n]
