"""The indirect question set (``data/knowledge_indirect_questions.json``): questions that describe the
situation, not the term, each with the documents that answer it and the search a model would run with
``buscar_normativa``; held out (never tuned on), measured by ``bench/knowledge_quality.py``. Here: the set
is well-formed, apart from the tuning set, and scored as documented (``evaluate_indirect``)."""

from knowledge_eval import corpus_documents, evaluate_indirect, load_indirect_questions, load_questions

MIN_QUESTIONS = 60


def test_the_indirect_set_is_large_well_formed_and_apart_from_the_labelled_set():
    rows = load_indirect_questions()
    assert len(rows) >= MIN_QUESTIONS
    slugs = {document["slug"] for document in corpus_documents()}
    for row in rows:
        assert set(row) == {"question", "slugs", "reformulation"}, row
        assert row["question"].strip() and row["reformulation"].strip(), row
        assert row["slugs"] and set(row["slugs"]) <= slugs, row
        assert row["reformulation"] != row["question"], row
    questions = [" ".join(row["question"].lower().split()) for row in rows]
    assert len(set(questions)) == len(questions), "no question twice"
    labelled = {" ".join(row["question"].lower().split()) for row in load_questions()}
    assert not labelled & set(questions), "written apart from the tuning and held-out sets"
    covered = {slug for row in rows for slug in row["slugs"]}
    assert covered == slugs, f"every shipped document is asked about: missing {slugs - covered}"


class _Scripted:
    """A search returning scripted slugs per query (and checking it is asked for distinct documents)."""

    def __init__(self, results):
        self.results = results

    def search(self, query, top_k=3, per_document=None):
        assert per_document == 1
        return [{"slug": slug} for slug in self.results[query][:top_k]]


def test_recall_counts_the_first_pass_alone_and_with_the_reformulations_top_three():
    rows = [
        {"question": "q1", "slugs": ["a"], "reformulation": "r1"},  # first pass finds it
        {"question": "q2", "slugs": ["b"], "reformulation": "r2"},  # the reformulation's third finds it
        {"question": "q3", "slugs": ["c", "d"], "reformulation": "r3"},  # the 4th of both: missed
    ]
    knowledge = _Scripted(
        {
            "q1": ["x", "y", "a", "b"],
            "r1": ["z"],
            "q2": ["x", "y", "z", "b"],
            "r2": ["x", "w", "b"],
            "q3": ["x", "y", "z", "c"],
            "r3": ["x", "y", "z", "d"],
        }
    )
    result = evaluate_indirect(knowledge, rows)
    assert (result["first"], result["with_tool"]) == (1 / 3, 2 / 3)
    assert [row[0] for row in result["first_missed"]] == ["q2", "q3"]
    assert [row[0] for row in result["missed"]] == ["q3"]
