"""Split a markdown body into bounded chunks that keep their heading path as context.

A chunk is a run of whole paragraphs (lists and tables stay whole when they fit) under one heading,
prefixed with the path of headings above it ("Boletas > Boleta exenta"), so each chunk reads on its
own in search results and in Claude's prompt. ``max_chars`` keeps a chunk inside the model's
256-token window (Spanish through this English vocabulary is about 3.5 characters per token).
"""

import re

MAX_CHARS = 700
MIN_CHARS = 120
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+")
PATH_SEPARATOR = " > "  # between the title and headings of a chunk's first line


def split_markdown(body, title=None, max_chars=MAX_CHARS, min_chars=MIN_CHARS):
    """Chunk texts of ``body`` (markdown): a list of str, each at most about ``max_chars`` long.

    Each chunk starts with its heading path (``title > heading > subheading``) on its own line when
    there is one. Paragraphs of the same section are packed together up to ``max_chars``; a longer
    paragraph is cut at sentence ends, then between words. A section smaller than ``min_chars`` is
    merged with the following one in the same parent section.
    """
    sections = _sections(body or "", title)
    chunks = []
    for path, paragraphs in sections:
        prefix = PATH_SEPARATOR.join(part for part in path if part)
        room = max(max_chars - len(prefix) - 1, max_chars // 2)
        for text in _pack(paragraphs, room):
            chunks.append(f"{prefix}\n{text}" if prefix else text)
    return _merge_small(chunks, max_chars, min_chars)


def heading_texts(body):
    """The text of every markdown heading of ``body``, in order."""
    return [match.group(2).strip() for match in map(_HEADING.match, (body or "").splitlines()) if match]


def _sections(body, title):
    """[(heading path, [paragraph, ...])] in document order; empty sections are dropped."""
    path = [title.strip()] if title else []
    base = len(path)
    stack = []  # (level, heading)
    sections = []
    paragraphs = []
    block = []

    def flush_block():
        if block:
            paragraphs.append("\n".join(block).strip())
            block.clear()

    def flush_section():
        flush_block()
        if any(paragraphs):
            sections.append((path[:base] + [heading for _level, heading in stack],
                             [p for p in paragraphs if p]))
        paragraphs.clear()

    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            flush_section()
            level, heading = len(match.group(1)), match.group(2).strip()
            while stack and stack[-1][0] >= level:
                stack.pop()
            if not (title and level == 1 and not stack and heading.lower() == title.strip().lower()):
                stack.append((level, heading))
        elif not line.strip():
            flush_block()
        else:
            block.append(line.rstrip())
    flush_section()
    return sections


def _greedy_join(pieces, room, separator):
    """Join consecutive pieces with ``separator`` as long as the result fits in ``room`` characters."""
    packed = []
    current = ""
    for piece in pieces:
        if current and len(current) + len(separator) + len(piece) > room:
            packed.append(current)
            current = piece
        else:
            current = f"{current}{separator}{piece}" if current else piece
    if current:
        packed.append(current)
    return packed


def _pack(paragraphs, room):
    """Greedy packing of paragraphs into pieces of at most ``room`` characters."""
    parts = (part for paragraph in paragraphs for part in _split_long(paragraph, room))
    return _greedy_join(parts, room, "\n\n")


def _split_long(text, room):
    if len(text) <= room:
        return [text]
    pieces = (piece for sentence in _SENTENCE_END.split(text) for piece in _split_words(sentence, room))
    return _greedy_join(pieces, room, " ")


def _split_words(sentence, room):
    if len(sentence) <= room:
        return [sentence]
    words = sentence.split()
    pieces = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > room:
            pieces.append(current)
            current = word[:room]
        else:
            current = f"{current} {word}" if current else word[:room]
    if current:
        pieces.append(current)
    return pieces


def _merge_small(chunks, max_chars, min_chars):
    """Merge a too-small chunk into the next one when both fit together (keeps the first heading line)."""
    merged = []
    for chunk in chunks:
        if merged and len(merged[-1]) < min_chars and len(merged[-1]) + 2 + len(chunk) <= max_chars:
            merged[-1] = f"{merged[-1]}\n\n{chunk}"
        else:
            merged.append(chunk)
    return merged
