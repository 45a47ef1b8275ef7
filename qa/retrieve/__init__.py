"""Retrieval over our store: dense (FAISS) and BM25 (SQLite FTS5), fused by reciprocal rank."""
