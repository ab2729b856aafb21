"""The knowledge base engine: embeddings without torch, a FAISS index, BM25, hybrid search.

Modules (import them where used; this package imports nothing heavy):

- ``export_onnx``: one-off export of the sentence-transformers model to ONNX (a script, its own process;
  the only module importing torch; no worker imports it).
- ``model_files``: where an export lives and what its manifest says (shared by the two above).
- ``embedder``: ``OnnxEmbedder``, onnxruntime + tokenizers, one thread, lazy.
- ``embedding_cache``: ``CachedEmbedder``, embeddings shared through Redis under sha256(model + text).
- ``chunking``: markdown bodies split into bounded chunks that keep their heading path.
- ``analyzer``: the Spanish analyzer of the keyword half (folding, Snowball stemming, the Chilean synonym
  table ``data/synonyms_cl.json``, stopwords).
- ``bm25``: ``KeywordIndex`` (bm25s) over the analyzer's tokens.
- ``index``: ``DenseIndex``, exact or approximate FAISS index, persisted with a content hash.
- ``search``: ``KnowledgeIndex``, the hybrid search the Odoo layer calls.
"""
