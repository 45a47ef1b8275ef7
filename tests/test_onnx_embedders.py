"""all-MiniLM-L6-v2 on ONNX Runtime gives sentence-transformers' vectors, in the documents' order."""

import numpy as np
from haystack import Document

from qa.onnx_embedders import OnnxDocumentEmbedder, OnnxTextEmbedder
from qa.paths import embedder_model_path
from tests.conftest import SAMPLE_ARTICLE


def _reference():
    from haystack.utils import ComponentDevice
    from haystack_integrations.components.embedders.sentence_transformers import (
        SentenceTransformersDocumentEmbedder,
    )

    embedder = SentenceTransformersDocumentEmbedder(
        model=embedder_model_path(), device=ComponentDevice.from_str("cpu"), local_files_only=True,
        normalize_embeddings=True, progress_bar=False)
    embedder.warm_up()
    return embedder


def test_documents_get_sentence_transformers_vectors_in_order(tmp_path):
    paragraphs = [p for p in SAMPLE_ARTICLE.read_text().split("\n\n") if p.strip()]
    # lengths out of order, one text far over the 256-token limit (truncated alike)
    texts = [paragraphs[3], " ".join(paragraphs) * 2, "Hi.", paragraphs[0]]
    docs = [Document(content=t) for t in texts]
    ours = OnnxDocumentEmbedder(embedder_model_path(), str(tmp_path), batch_size=2).run(documents=docs)["documents"]
    reference = _reference().run(documents=docs)["documents"]
    assert [d.id for d in ours] == [d.id for d in docs]
    np.testing.assert_allclose([d.embedding for d in ours], [d.embedding for d in reference], atol=1e-5)
    assert OnnxDocumentEmbedder(embedder_model_path(), str(tmp_path)).run(documents=[])["documents"] == []


def test_a_query_gets_the_same_vector_as_its_document(tmp_path):
    text = "When did fighting start?"
    query = OnnxTextEmbedder(embedder_model_path(), str(tmp_path)).run(text=text)["embedding"]
    reference = _reference().run(documents=[Document(content=text)])["documents"][0].embedding
    assert len(query) == 384
    np.testing.assert_allclose(query, reference, atol=1e-5)
    assert abs(np.linalg.norm(query) - 1.0) < 1e-5


def test_the_fast_document_embedder_reads_128_tokens_with_int8_weights_and_still_ranks_alike(tmp_path):
    """The default for indexing: int8 weights, at most 128 tokens. Vectors move a little, not the
    ranking: each paragraph's nearest neighbour among the fp32 vectors is itself."""
    from transformers import AutoTokenizer

    paragraphs = [p for p in SAMPLE_ARTICLE.read_text().split("\n\n") if len(p.split()) > 20]
    fast = OnnxDocumentEmbedder(embedder_model_path(), str(tmp_path), quantized=True, max_tokens=128)
    assert OnnxDocumentEmbedder.from_dict(fast.to_dict()).to_dict() == fast.to_dict()
    docs = [Document(content=p) for p in paragraphs]
    ours = np.array([d.embedding for d in fast.run(documents=docs)["documents"]])
    assert sorted(f.name.endswith("-int8.onnx") for f in (tmp_path / "onnx").glob("encoder-*.onnx")) == [False, True]
    exact = np.array([d.embedding for d in OnnxDocumentEmbedder(embedder_model_path(), str(tmp_path))
                      .run(documents=docs)["documents"]])
    short = [p for p in paragraphs if len(AutoTokenizer.from_pretrained(embedder_model_path())(p)["input_ids"]) <= 128]
    assert short, "the sample article has paragraphs under 128 tokens"
    cosine = np.sum(ours * exact, axis=1)
    assert all(cosine[paragraphs.index(p)] > 0.97 for p in short)  # only the int8 rounding moved them
    assert np.argmax(ours @ exact.T, axis=1).tolist() == list(range(len(paragraphs)))

    # past 128 tokens, the rest of a chunk does not change its vector
    tokenizer = AutoTokenizer.from_pretrained(embedder_model_path())
    long_text = " ".join(paragraphs)
    cut = tokenizer.decode(tokenizer(long_text, add_special_tokens=False)["input_ids"][:126])
    head, whole = fast.run(documents=[Document(content=cut), Document(content=long_text)])["documents"]
    assert float(np.dot(head.embedding, whole.embedding)) > 0.999
