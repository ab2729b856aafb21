"""HTML pages -> tables of plain text, read by their labels: bytes decoded by the declared charset, and
every ``<table>`` expanded into a grid (``rowspan``/``colspan`` repeated into each cell they cover), so
that a column is found by the header cells above it, never by its position.

A row is a header row when it sits in ``<thead>``, carries a class containing "encabezado" (Previred's
``encabezado_tabla_ind``) or when all its non-empty cells are ``<th>`` or such header cells. A table's
*context* is what names it from outside: the ``id`` of its ancestors (the SII's ``mes_enero``), its
``<caption>`` and the nearest heading before it.
"""

import codecs
import dataclasses
import re

from lxml import html

from .numbers import clean, label

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_LATIN1_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption"}
MAX_SPAN = 64  # a rowspan/colspan above this is a broken page, not a layout
MAX_TABLES = 500
SNIFF_BYTES = 4096


def _codec(name):
    if not name:
        return None
    name = name.strip().lower()
    if name in _LATIN1_LABELS:
        return "cp1252"  # WHATWG: Latin-1 pages are decoded as its windows-1252 superset
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(raw, content_type=None):
    """Page bytes -> text: the HTTP header's charset, then the ``<meta>`` one, then cp1252, then
    ISO-8859-1 (which decodes any byte). Text is returned unchanged."""
    if isinstance(raw, str):
        return raw
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(raw[:SNIFF_BYTES])
    candidates = (
        _codec(header.group(1)) if header else None,
        _codec(meta.group(1).decode("ascii", "replace")) if meta else None,
        "cp1252",
    )
    for encoding in candidates:
        if encoding:
            try:
                return raw.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return raw.decode("iso-8859-1")


@dataclasses.dataclass
class Table:
    """One ``<table>`` as text. ``rows`` is the expanded grid; ``header`` flags its header rows."""

    rows: list
    header: list
    context: str = ""
    _columns: list | None = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def width(self):
        return max((len(row) for row in self.rows), default=0)

    def header_texts(self):
        """Every distinct header text, in reading order (the table's own titles)."""
        seen = []
        for row, is_header in zip(self.rows, self.header, strict=True):
            if is_header:
                for text in row:
                    if text and text not in seen:
                        seen.append(text)
        return seen

    def labels(self):
        """The table's name as one normalized string: its context and its header texts."""
        return label(" | ".join([self.context, *self.header_texts()]))

    def column_labels(self):
        """For each column, the normalized header texts above it joined by " / " (computed once)."""
        if self._columns is None:
            self._columns = self._column_labels()
        return self._columns

    def _column_labels(self):
        columns = []
        header_rows = [row for row, is_header in zip(self.rows, self.header, strict=True) if is_header]
        for col in range(self.width):
            parts = []
            for row in header_rows:
                text = label(row[col]) if col < len(row) else ""
                if text and (not parts or parts[-1] != text):
                    parts.append(text)
            columns.append(" / ".join(parts))
        return columns

    def column(self, *words, exclude=()):
        """Index of the first column whose header labels contain every word and none of ``exclude``."""
        for index, text in enumerate(self.column_labels()):
            if all(word in text for word in words) and not any(word in text for word in exclude):
                return index
        return None

    def data(self):
        """The non-header rows that hold some text."""
        return [
            row for row, is_header in zip(self.rows, self.header, strict=True) if not is_header and any(row)
        ]


def _span(cell, name):
    try:
        return max(1, min(int(cell.get(name, "1") or 1), MAX_SPAN))
    except ValueError:
        return 1


def _is_header_cell(cell):
    return cell.tag == "th" or "encabezado" in (cell.get("class") or "")


def _rows(table):
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def _take_pending(row, col, pending):
    """Append the cells a rowspan above carries into ``col`` and the following columns; the next free
    column."""
    while col in pending:
        left, text = pending[col]
        row.append(text)
        if left <= 1:
            del pending[col]
        else:
            pending[col] = [left - 1, text]
        col += 1
    return col


def _grid(table):
    rows, header, pending = [], [], {}  # pending: column -> [rows left, text]
    for tr in _rows(table):
        cells = tr.xpath("./td | ./th")
        in_head = tr.getparent().tag == "thead" or "encabezado" in (tr.get("class") or "")
        non_empty = [cell for cell in cells if clean(cell.text_content())]
        is_header = in_head or (bool(non_empty) and all(_is_header_cell(cell) for cell in non_empty))
        row, col = [], 0
        for cell in cells:
            col = _take_pending(row, col, pending)
            text = clean(cell.text_content())
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for _ in range(colspan):
                row.append(text)
                if rowspan > 1:
                    pending[col] = [rowspan - 1, text]
                col += 1
        while pending and max(pending) >= col:  # rowspans reaching past the row's last cell
            if col in pending:
                col = _take_pending(row, col, pending)
            else:
                row.append("")
                col += 1
        rows.append(row)
        header.append(is_header)
    return rows, header


def _context(table):
    parts = []
    for ancestor in table.iterancestors():
        if ancestor.get("id"):
            parts.append(ancestor.get("id"))
    caption = table.find("caption")
    if caption is not None:
        parts.append(clean(caption.text_content()))
    node = table
    for _ in range(4):  # the nearest heading before the table, up to a few levels out
        heading = next((s for s in node.itersiblings(preceding=True) if s.tag in _HEADINGS), None)
        if heading is not None:
            parts.append(clean(heading.text_content()))
            break
        node = node.getparent()
        if node is None:
            break
    return " | ".join(parts)


def tables(page, content_type=None):
    """Every table of ``page`` (bytes or text) as a ``Table``, outermost first, at most ``MAX_TABLES``."""
    text = decode(page, content_type)
    if not text.strip():
        return []
    root = html.fromstring(text)
    found = []
    for element in root.iter("table"):
        rows, header = _grid(element)
        if rows:
            found.append(Table(rows, header, _context(element)))
        if len(found) >= MAX_TABLES:
            break
    return found
