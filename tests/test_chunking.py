"""Chunks must point exactly into the text they came from, whatever the text."""

from haystack import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest.chunker import SentenceChunker
from qa.ingest.sentences import sentence_spans

words = st.sampled_from(["fighting", "began", "on", "Sept.", "27", "Mr.", "Smith", "said", "U.S.", "the",
                         "ceasefire", "a.m.", "Nagorno-Karabakh", "“quoted”", "e.g.", "Ganja"])
sentence = st.builds(lambda ws, end: " ".join(ws) + end, st.lists(words, min_size=1, max_size=40),
                     st.sampled_from([".", "!", "?", "", "."]))
texts = st.builds(lambda ss, seps: "".join(s + sep for s, sep in zip(ss, seps)),
                  st.lists(sentence, min_size=1, max_size=30),
                  st.lists(st.sampled_from([" ", "\n", "\n\n", "  "]), min_size=30, max_size=30))


@settings(max_examples=150, deadline=None)
@given(texts, st.integers(5, 60), st.integers(0, 4))
def test_chunks_are_exact_slices_that_cover_every_word(text, max_words, overlap):
    chunker = SentenceChunker(max_words=max_words, overlap_words=min(overlap, max_words - 1))
    chunks = chunker.run([Document(content=text, meta={"source_id": "s"})])["documents"]
    covered = set()
    for chunk in chunks:
        start = chunk.meta["split_idx_start"]
        assert text[start : start + len(chunk.content)] == chunk.content
        assert chunk.meta["source_id"] == "s"
        covered.update(range(start, start + len(chunk.content)))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=100, deadline=None)
@given(texts)
def test_chunks_respect_the_word_limit(text):
    chunker = SentenceChunker(max_words=30, overlap_words=8)
    for start, end in chunker.chunk_spans(text):
        assert len(text[start:end].split()) <= 30


def test_sentences_keep_abbreviations_and_times_together():
    text = "Fighting began at 7 a.m. on Sunday. Mr. Aliyev spoke to the U.S. envoy. Then it stopped!"
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["Fighting began at 7 a.m. on Sunday.", "Mr. Aliyev spoke to the U.S. envoy.", "Then it stopped!"]


def test_consecutive_chunks_overlap_by_whole_sentences():
    text = " ".join(f"Sentence number {i} has five words." for i in range(20))
    spans = SentenceChunker(max_words=30, overlap_words=10).chunk_spans(text)
    assert len(spans) > 1
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert s1 < s2 < e1 < e2  # overlapping, moving forward
        assert text[s2:].startswith("Sentence")


def test_no_chunk_is_longer_than_max_chars_even_without_spaces():
    from qa.ingest.chunker import SentenceChunker

    chunker = SentenceChunker(max_words=180, overlap_words=40, max_chars=4000)
    for text in ("x" * 50_000, ("Short words here. " * 50) + "y" * 9_000 + " and the end.",
                 " ".join(["supercalifragilistic" * 3] * 400)):
        spans = chunker.chunk_spans(text)
        assert spans and all(0 < e - s <= 4000 for s, e in spans)
        covered = set()
        for s, e in spans:
            covered.update(range(s, e))
        assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())  # nothing dropped
