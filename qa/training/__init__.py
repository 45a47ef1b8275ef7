"""Training our own extractive QA reader (no registry ships a SQuAD-trained one)."""
