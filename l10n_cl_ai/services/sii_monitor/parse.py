"""A listing page's HTML -> publications, by what an entry contains, not by one fixed layout.

An entry is anchored on a link to an SII document: ``circu{N}`` (a circular), ``reso{N}`` / ``res{N}``
(a resolution) or ``{DDMMYY}noti{NN}...`` (a news item). Its text is the smallest block around the link
that holds no other document link (a table row, a list item, a news box); when that block is only the
link (an ``<h5>`` heading, a bare ``<p>``), the blocks that follow it up to the next document link are
the entry's subject. The number comes from "N° 54" in the text (else from the link), the date from a
Spanish date ("23 de Diciembre del 2011"; else a news link's DDMMYY). A page whose markup is broken is
read as far as lxml recovers it; the same document linked twice is one publication.

Bounded work whatever the page: libxml2's own limits stay on (no ``huge_tree``: nesting deeper than 256
elements ends the parse there), and only the first ``MAX_LINKS`` links of a page are read.
"""

import dataclasses
import datetime
import itertools
import re
from urllib.parse import urljoin, urlsplit

from lxml import etree, html

KINDS = ("circular", "resolution", "news")
MONTHS = {
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_DOC_PATTERNS = (
    ("circular", re.compile(r"^circu(?:lar)?[_-]?(\d+)", re.IGNORECASE)),
    ("resolution", re.compile(r"^res(?:o|ol)?[_-]?(\d+)", re.IGNORECASE)),
    ("news", re.compile(r"^(\d{6})noti(\d+)", re.IGNORECASE)),
)
_DOC_EXTENSIONS = (".pdf", ".htm", ".html", ".doc", ".docx")
_NUMBER = re.compile(r"\bN(?:ro\.?|[°º˚o]\.?|\.)\s*(\d{1,5})", re.IGNORECASE)
_DATE = re.compile(
    r"(\d{1,2})\s*(?:°|º)?\s+de\s+("
    + "|".join(MONTHS)
    + r")\s*(?:,\s*|\s+)?(?:de[l]?\s+)?(?:año\s+)?(\d{4})",
    re.IGNORECASE,
)
_TITLE_WORDS = re.compile(r"\b(circular|resoluci[oó]n|res\.?\s*ex)", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"^\s*fuente\s*:", re.IGNORECASE)
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "tbody", "thead", "dd", "dt", "dl", "br",
    "h1", "h2", "h3", "h4", "h5", "h6", "article", "section", "blockquote", "hr",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
MAX_FOLLOWING = 4  # sibling blocks read after a bare link
MAX_LINKS = 5000  # links read per page (a year's listing has a few hundred); the rest is ignored
MAX_SUBJECT_CHARS = 2000
MAX_TITLE_CHARS = 300


@dataclasses.dataclass(frozen=True)
class Publication:
    kind: str
    url: str
    number: str = ""
    date: datetime.date | None = None
    title: str = ""
    subject: str = ""

    @property
    def year(self):
        return self.date.year if self.date else None

    def as_dict(self):
        return {
            "kind": self.kind,
            "url": self.url,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "title": self.title,
            "subject": self.subject,
        }


def document_kind(url):
    """``(kind, number from the link)`` of an SII document URL, or ``(None, "")``."""
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    if not name.lower().endswith(_DOC_EXTENSIONS):
        return None, ""
    for kind, pattern in _DOC_PATTERNS:
        match = pattern.match(name)
        if match:
            if kind == "news":  # the day's item: its file name is its identifier
                return kind, name.rsplit(".", 1)[0]
            return kind, match.group(1).lstrip("0") or "0"
    return None, ""


def spanish_date(text):
    """The first Spanish date in ``text`` ("23 de Diciembre del 2011"), or ``None``."""
    for match in _DATE.finditer(text or ""):
        day, month, year = int(match.group(1)), MONTHS[match.group(2).lower()], int(match.group(3))
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None


def _news_link_date(url):
    match = re.search(r"/(\d{2})(\d{2})(\d{2})noti", url)
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime.date(2000 + year, month, day)
    except ValueError:
        return None


def _text_lines(element, separate=()):
    """The element's text as lines: block elements (and the elements of ``separate``) end a line;
    whitespace collapsed."""
    parts = []
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if not isinstance(node.tag, str):  # comments, processing instructions: only their tail
            if event == "end" and node is not element and node.tail:
                parts.append(node.tail)
            continue
        tag = node.tag.lower()
        breaks = tag in _BLOCKS or node in separate
        if event == "start":
            if breaks:
                parts.append("\n")
            if tag not in ("script", "style") and node.text:
                parts.append(node.text)
        else:
            if breaks:
                parts.append("\n")
            if node is not element and node.tail:
                parts.append(node.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


class _Page:
    def __init__(self, text, base_url):
        self.base_url = base_url
        self.root = html.document_fromstring(text) if text and text.strip() else None
        self.links = {}  # anchor element -> (absolute url, kind, number from the link)
        if self.root is None:
            return
        for seen, anchor in enumerate(self.root.iter("a")):
            if seen >= MAX_LINKS:
                break
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith(("#", "mailto:", "javascript:")):
                continue
            url = urljoin(base_url, href)
            kind, number = document_kind(url)
            if kind:
                self.links[anchor] = (url, kind, number)
        # element -> up to two document URLs below it (enough to tell "only mine" from "others too"),
        # computed once bottom-up so that finding an entry's block stays linear in the page
        self._urls_below = {}
        for anchor, (url, _kind, _number) in self.links.items():
            for node in (anchor, *anchor.iterancestors()):
                below = self._urls_below.setdefault(node, set())
                if url in below or len(below) >= 2:
                    break  # this node's ancestors hold its URLs: they already have this one, or two
                below.add(url)

    def _doc_urls(self, element):
        return self._urls_below.get(element, set())

    def container(self, anchor):
        """The largest ancestor of ``anchor`` that links to no other document."""
        url = self.links[anchor][0]
        node = anchor
        while True:
            parent = node.getparent()
            if parent is None or parent.tag in ("body", "html") or self._doc_urls(parent) - {url}:
                return node
            node = parent

    def following_lines(self, node):
        """Lines of the blocks after ``node`` up to the next document link or heading."""
        lines = []
        if node.tail and node.tail.strip():
            lines.append(" ".join(node.tail.split()))
        for sibling in itertools.islice(node.itersiblings(), MAX_FOLLOWING):
            if not isinstance(sibling.tag, str):
                continue
            if self._doc_urls(sibling) or sibling.tag.lower() in _HEADINGS:
                break
            lines.extend(_text_lines(sibling, separate=self.links))
            if sibling.tail and sibling.tail.strip():
                lines.append(" ".join(sibling.tail.split()))
        return lines


def parse_listing(text, base_url):
    """The publications of a listing page (``text``: decoded HTML), in page order, one per document."""
    page = _Page(text, base_url)
    found = {}
    for anchor, (url, kind, link_number) in page.links.items():
        if url in found and found[url].subject:
            continue
        anchor_text = " ".join(anchor.text_content().split())
        node = page.container(anchor)
        lines = _text_lines(node, separate=(anchor,))
        if _is_bare(lines, anchor_text):
            lines = (lines or [anchor_text]) + page.following_lines(node)
        publication = _publication(kind, url, link_number, anchor_text, lines)
        if url not in found or (publication.subject and not found[url].subject):
            found[url] = publication
    return list(found.values())


def _is_bare(lines, anchor_text):
    """True when the block holds the link and hardly anything else (no subject of its own)."""
    rest = " ".join(lines).replace(anchor_text, "")
    rest = _DATE.sub("", _NUMBER.sub("", rest))
    return len(re.findall(r"[^\W\d_]", rest)) < 15


def _publication(kind, url, link_number, anchor_text, lines):
    lines = [line for line in lines if not _SOURCE_LINE.match(line)]
    joined = " ".join(lines)
    number_match = _NUMBER.search(joined) if kind != "news" else None
    number = number_match.group(1).lstrip("0") or "0" if number_match else link_number
    date = spanish_date(joined) or (_news_link_date(url) if kind == "news" else None)
    if kind == "news":
        title = anchor_text or (lines[0] if lines else "")
    else:
        title = next((line for line in lines if _TITLE_WORDS.search(line) or _NUMBER.search(line)), "")
        title = title or anchor_text
    subject = " ".join(line for line in lines if line != title and not _only_date(line))
    return Publication(
        kind=kind,
        url=url,
        number=number,
        date=date,
        title=title[:MAX_TITLE_CHARS],
        subject=subject[:MAX_SUBJECT_CHARS],
    )


def _only_date(line):
    """A line that is only a date (a news item's dateline)."""
    return bool(_DATE.fullmatch(re.sub(r"^(?:del?|el)\s+", "", line.strip(" .,;:-–|()"), flags=re.I)))
