"""Bytes of a listing page -> text. The SII's encoding is not confirmed: trust the HTTP header's charset,
then the page's ``<meta>`` charset, then fall back to cp1252, then ISO-8859-1 (which decodes any byte).
Never guess UTF-8 first: a Latin-1 page that happens to be valid UTF-8 in places would be garbled."""

import codecs
import re

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
SNIFF_BYTES = 4096
# WHATWG: pages labelled Latin-1 are decoded as windows-1252 (its superset for 0x80-0x9F)
_LATIN1_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"}


def _codec(label):
    if not label:
        return None
    label = label.strip().lower()
    if label in _LATIN1_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type):
    match = _HEADER_CHARSET.search(content_type or "")
    return _codec(match.group(1)) if match else None


def meta_charset(raw):
    match = _META_CHARSET.search(raw[:SNIFF_BYTES])
    return _codec(match.group(1).decode("ascii", "replace")) if match else None


def decode(raw, content_type=None):
    """``(text, encoding used)``. Each declared charset is tried strictly; the first that decodes wins."""
    for encoding in (header_charset(content_type), meta_charset(raw), "cp1252"):
        if not encoding:
            continue
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("iso-8859-1"), "iso8859-1"
