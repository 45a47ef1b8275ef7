"""Ingest: files -> documents -> cleaned text -> sentence-aware chunks -> embedded -> stored."""
