"""A knowledge passage cut down to the sentences that match the question, for the bot's prompt.

A passage (a chunk of up to ~700 characters, see ``knowledge/chunking.py``) is sent to Claude as
uncached input with every question: most of its sentences do not bear on the question. The passage
keeps its section heading (without the document's title, already on the passage's first line), then
its sentences and list items scored by the question's terms (the keyword analyzer of the search:
accents folded, Spanish stems, synonym groups, stopwords dropped; a term found in fewer sentences of
the passage weighs more), the best ones kept up to a budget of characters (larger for the search's best
passage than for the next ones), in document order. A
passage is never dropped: with no sentence matching, its opening sentence stays. A table row kept keeps
its table's header. "…" marks what was left out, so Claude never reads an extract as the whole text.
"""

import math
import re

from ..knowledge.analyzer import default_analyzer
from ..knowledge.chunking import PATH_SEPARATOR

# characters of a passage's sentences (heading not counted): the search's best passage, then the others
# (from other documents, often only near the question)
PASSAGE_BUDGETS = (360, 200)
ELISION = "…"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# no sentence end after "Res.", "Ex.", "art.", nor after a list number ("1. El sistema...")
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:[A-ZÁÉÍÓÚÑ][a-záéíóúñ]{0,3}|art|arts|inc|núm|letra)\.$|^\s*\d{1,3}\.$"
)


def _sentences(line):
    """The sentences of one line (see ``_ABBREVIATION`` for the periods that end none)."""
    pieces = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        if _ABBREVIATION.search(line[start : match.start()]):
            continue
        pieces.append(line[start : match.start()])
        start = match.end()
    pieces.append(line[start:])
    return [piece for piece in pieces if piece.strip()]


def split_heading(excerpt, title):
    """``(section heading or "", body)`` of a passage whose first line is its heading path."""
    text = (excerpt or "").strip()
    first, _newline, rest = text.partition("\n")
    prefix = (title or "").strip()
    if not rest or not prefix or not first.startswith(prefix):
        return "", text
    return first[len(prefix) :].strip().removeprefix(PATH_SEPARATOR.strip()).strip(), rest.strip()


def _units(body):
    """``[(line number, text)]``: every sentence of every non-empty line (a table row whole), in order."""
    return [
        (number, sentence.strip())
        for number, line in enumerate(body.splitlines())
        if line.strip()
        for sentence in ([line.strip()] if line.lstrip().startswith("|") else _sentences(line.strip()))
    ]


def _with_table_headers(units, kept):
    """``kept`` plus the header and separator rows of every table a kept row belongs to."""
    headers = set()
    for index in kept:
        if not units[index][1].startswith("|"):
            continue
        first = index
        while (
            first > 0 and units[first - 1][1].startswith("|") and units[first - 1][0] == units[first][0] - 1
        ):
            first -= 1
        headers.update(i for i in (first, first + 1) if i < index)
    return sorted(set(kept) | headers)


def _scores(units, question, analyzer):
    terms = set(analyzer(question))
    unit_terms = [set(analyzer(text)) & terms for _number, text in units]
    frequency = {term: sum(term in found for found in unit_terms) for term in terms}
    return [sum(1.0 + math.log(len(units) / frequency[term]) for term in found) for found in unit_terms]


def _kept(units, scores, budget):
    """Indexes of the units kept: the best matches up to ``budget`` characters (the best one always), or
    the opening sentence when nothing matches."""
    ranked = sorted((index for index, score in enumerate(scores) if score > 0), key=lambda i: -scores[i])
    if not ranked:
        return [0]
    kept, used = [], 0
    for index in ranked:
        size = len(units[index][1]) + 1
        if kept and used + size > budget:
            continue
        kept.append(index)
        used += size
    return sorted(kept)


def _join(units, kept):
    """The kept units in document order, sentences of one line on one line; ``…`` where any was left
    out (before, between or after them)."""
    lines = []
    expected, last_line = 0, None
    for index in kept:
        number, text = units[index]
        skipped = index > expected
        if number == last_line:
            lines[-1] += f" {ELISION} {text}" if skipped else f" {text}"
        elif index > 0 and units[index - 1][0] == number:  # a line entered half-way
            lines.append(f"{ELISION} {text}")
        else:
            lines.extend([ELISION, text] if skipped else [text])
        expected, last_line = index + 1, number
    if expected < len(units):
        if units[expected][0] == last_line:
            lines[-1] += f" {ELISION}"
        else:
            lines.append(ELISION)
    return "\n".join(lines)


def budget_for(rank):
    """The budget of characters of the passage at ``rank`` (0: the search's best) in the prompt."""
    return PASSAGE_BUDGETS[min(rank, len(PASSAGE_BUDGETS) - 1)]


def trim_passage(excerpt, title, question, budget=PASSAGE_BUDGETS[0], analyzer=None):
    """The passage ``excerpt`` of the document ``title`` reduced for ``question``: its section heading
    (or ``""``) and its best-matching sentences, as ``(heading, text)``. A body within ``budget`` is
    kept whole."""
    heading, body = split_heading(excerpt, title)
    units = _units(body)
    if len(body) <= budget or len(units) <= 1:
        return heading, body
    scores = _scores(units, question or "", analyzer or default_analyzer())
    return heading, _join(units, _with_table_headers(units, _kept(units, scores, budget)))
