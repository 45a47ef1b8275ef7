"""Answers with verifiable citations: document, character offsets, the sentence around the span."""
