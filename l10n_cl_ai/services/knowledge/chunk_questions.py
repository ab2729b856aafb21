"""The questions a knowledge document answers, attached to the chunks of the sections that answer them.

A document may list, in its ``questions`` field, questions in the words its readers use ("como anulo
una factura que ya mande al sii"). They are searched with the chunk, not shown: each chunk is embedded
and keyword-indexed with the questions of its own sections (and those of the whole document), and each
question is compared with the user's one by one (``question_index``), while the chunk's text, the
excerpt Claude reads, stays as written. The format, one question per line::

    ¿Qué cambia con esta circular?          <- before any heading: the whole document
    # Plazos
    hasta cuando presento el F29 sin movimiento
    - el F29 se puede pagar despues del 20?  <- list markers and blank lines are ignored

A ``# heading`` line names a section of the body by its heading text (any ``#`` level; case, accents
and spacing are not significant). Measured on the shipped documents (``bench/knowledge_quality.py``):
questions written by someone who never saw the test questions raise held-out recall@3 and the share of
answers whose passage is returned.

    parse_questions(document.questions)                     # {heading key or None: [question]}
    unknown_headings(document.questions, document.body)     # listed headings the body lacks
    questions_for_chunks(document.questions, chunk_texts, title, document.situations)
                                                             # one text per chunk ("" when none)

A document's ``situations`` field has the same format and the same fate (searched, never shown): the
everyday situations each section answers, told the way a shop owner tells them, without the section's
terms ("vendo en mi local a personas que no piden nada" for the boletas; "un cliente de afuera me
contrató una asesoría" for exportación). A question names the term; a situation does not, and the
embedding model does not bridge that gap on its own (issue 26: the bot's first pass missed such
questions; measured in ``bench/knowledge_quality.py``, "situations (tuning set)").
"""

import re
import unicodedata

from .chunking import PATH_SEPARATOR, heading_texts

_LIST_MARKER = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
_HEADING_LINE = re.compile(r"^#{1,6}\s*(.*?)\s*#*\s*$")


def heading_key(text):
    """How a heading is compared: accents, case and runs of spaces folded."""
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return " ".join(folded.lower().split())


def parse_questions(text):
    """``{heading key: [question, ...]}``; key ``None`` holds the questions of the whole document.
    Headings keep the order they are first listed in (dict order)."""
    sections = {}
    current = None
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING_LINE.match(line)
        if heading:
            current = heading_key(heading.group(1)) or None
            sections.setdefault(current, [])
            continue
        question = _LIST_MARKER.sub("", line).strip()
        if question:
            sections.setdefault(current, []).append(question)
    return {key: questions for key, questions in sections.items() if questions or key is not None}


def merge_sections(*parsed):
    """One ``{heading key: [question]}`` of several ``parse_questions`` results, in the order given."""
    merged = {}
    for sections in parsed:
        for key, questions in sections.items():
            merged.setdefault(key, []).extend(questions)
    return merged


def unknown_headings(text, body):
    """The headings of the questions field ``text``, as written there, that are not headings of ``body``."""
    known = {heading_key(heading) for heading in heading_texts(body)}
    listed = (_HEADING_LINE.match(line.strip()) for line in (text or "").splitlines())
    headings = dict.fromkeys(match.group(1) for match in listed if match and match.group(1))
    return [heading for heading in headings if heading_key(heading) not in known]


def questions_for_chunks(text, chunk_texts, title=None, situations=None):
    """For each chunk text (as ``split_markdown`` makes them), the questions of the questions field
    ``text`` searched with it: those of every section the chunk holds (its heading path, and the paths of
    sections merged into it), then those of the whole document. ``situations``: a second text in the same
    format (a document's ``situations`` field), merged section by section after the questions. One
    newline-separated string per chunk, "" when none."""
    sections = merge_sections(parse_questions(text), parse_questions(situations))
    general = sections.get(None, [])
    result = []
    for text in chunk_texts:
        questions = []
        for key in _section_keys(text, title):
            questions.extend(sections.get(key, []))
        questions.extend(general)
        result.append("\n".join(dict.fromkeys(questions)))
    return result


def _section_keys(text, title):
    """Keys of the sections a chunk holds: the last heading of its first line (its path), and of each
    later line that is a heading path of the same document (a small section merged into it)."""
    lines = text.split("\n")
    paths = [lines[0]]
    if title:
        prefix = title.strip() + PATH_SEPARATOR
        paths += [line for line in lines[1:] if line.startswith(prefix)]
    return list(dict.fromkeys(heading_key(path.rsplit(PATH_SEPARATOR, 1)[-1]) for path in paths))
