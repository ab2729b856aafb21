"""One conditional GET of a listing page: deadline, size cap, ETag / Last-Modified, content hash.

An unchanged page costs nothing downstream: a 304 answer, or a 200 whose bytes hash to the hash of the
previous fetch, is reported as such and not parsed. Failures raise :class:`FetchError` with a stable
``kind`` the Odoo layer turns into a translated warning.

Limits against a hostile or broken server: ``timeout_s`` is a deadline for the whole fetch (connecting,
redirects and every byte of the body), so a server that trickles bytes is cut off; a compressed body is
inflated here in bounded steps and counted against the size cap as it inflates (a gzip bomb, or one
gzipped twice, never inflates in memory); a redirect is followed only on the same host or to an SII host
(``*.sii.cl``).
"""

import dataclasses
import hashlib
import http.client
import logging
import socket
import time
import zlib
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from urllib3 import exceptions as urllib3_errors

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "l10n_cl_ai-sii-monitor/1.0 (+Odoo; Chilean accounting)"
CHUNK_BYTES = 64 * 1024
MAX_REDIRECTS = 5
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
SII_DOMAIN = "sii.cl"
ACCEPT_ENCODING = "gzip, deflate"  # what _inflate reads in bounded steps (never br or zstd)
_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


class FetchError(Exception):
    """A page could not be fetched. ``kind``: ``unreachable`` (network, deadline), ``http`` (an error
    status, in ``status``), ``too_large`` (above the size cap, before or after inflating), ``redirect``
    (to a host that is neither the page's nor the SII's; the message is the target) or ``malformed``
    (a compressed body that cannot be inflated)."""

    def __init__(self, kind, message, status=None):
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclasses.dataclass(frozen=True)
class FetchResult:
    """``state``: ``not_modified`` (304), ``unchanged`` (same hash) or ``changed`` (``content`` set)."""

    state: str
    status: int
    content: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    duration_ms: int = 0


def content_hash(raw):
    return hashlib.sha256(raw).hexdigest()


def fetch(
    url,
    *,
    etag="",
    last_modified="",
    previous_hash="",
    timeout_s=DEFAULT_TIMEOUT_S,
    max_bytes=DEFAULT_MAX_BYTES,
    session=None,
    allowed_domains=(SII_DOMAIN,),
):
    """Fetch ``url`` once, conditionally on what the previous fetch returned; see :class:`FetchResult`.
    ``timeout_s`` bounds the whole fetch; ``max_bytes`` the body as received and as inflated;
    ``allowed_domains``: where a redirect may lead besides the page's own host (and their subdomains)."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    deadline = started + timeout_s
    try:
        with _get(session or requests, url, headers, deadline, allowed_domains) as response:
            if response.status_code == 304:
                return FetchResult(
                    "not_modified",
                    304,
                    etag=response.headers.get("ETag", etag),
                    last_modified=response.headers.get("Last-Modified", last_modified),
                    content_hash=previous_hash,
                    duration_ms=_ms(started),
                )
            if response.status_code >= 400:
                raise FetchError(
                    "http", f"HTTP {response.status_code} from {url}", status=response.status_code
                )
            raw = _read_capped(response, max_bytes, url, deadline)
            new_hash = content_hash(raw)
            return FetchResult(
                "unchanged" if previous_hash and new_hash == previous_hash else "changed",
                response.status_code,
                content=raw,
                content_type=response.headers.get("Content-Type", ""),
                etag=response.headers.get("ETag", ""),
                last_modified=response.headers.get("Last-Modified", ""),
                content_hash=new_hash,
                duration_ms=_ms(started),
            )
    except (requests.RequestException, OSError, http.client.HTTPException, urllib3_errors.HTTPError) as error:
        if isinstance(error, (requests.Timeout, socket.timeout, urllib3_errors.TimeoutError)):
            raise FetchError("unreachable", f"Timeout ({timeout_s:g} s) fetching {url}") from error
        raise FetchError("unreachable", f"{type(error).__name__} fetching {url}") from error
    finally:
        _logger.info("SII page %s fetched in %s ms", url, _ms(started))


def redirect_allowed(origin, target, allowed_domains=(SII_DOMAIN,)):
    """A redirect from ``origin`` may go to the same host (any port, http or https) or to a host of
    ``allowed_domains`` (the SII's by default)."""
    parts = urlsplit(target)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return False
    same_host = host == (urlsplit(origin).hostname or "").lower()
    return same_host or any(host == domain or host.endswith("." + domain) for domain in allowed_domains)


def _get(http, url, headers, deadline, allowed_domains=(SII_DOMAIN,)):
    """The streamed response of ``url``, its redirects followed by hand (only where ``redirect_allowed``)."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        response = http.get(
            current, headers=headers, timeout=_remaining(deadline), stream=True, allow_redirects=False
        )
        location = response.headers.get("Location")
        if response.status_code not in REDIRECT_STATUSES or not location:
            return response
        response.close()
        target = urljoin(current, location)
        if not redirect_allowed(url, target, allowed_domains):
            parts = urlsplit(target)  # shown without the target's credentials or query
            shown = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
            raise FetchError("redirect", shown)
        current = target
    raise requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")


def _remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise requests.Timeout("deadline reached")
    return left


def _read_capped(response, max_bytes, url, deadline):
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"{url} declares {declared} bytes (cap {max_bytes})")
    encodings = [
        name.strip().lower()
        for name in response.headers.get("Content-Encoding", "").split(",")
        if name.strip().lower() not in ("", "identity")
    ]
    unknown = [name for name in encodings if name not in _WBITS]
    if unknown:
        raise FetchError("malformed", f"Content-Encoding {', '.join(unknown)} from {url}")
    pieces = _received(response, max_bytes, url, deadline)
    for name in reversed(encodings):  # the last encoding applied is the first undone
        pieces = _inflate(pieces, name, url)
    chunks, size = [], 0
    for piece in pieces:
        size += len(piece)
        if size > max_bytes:
            raise FetchError("too_large", f"{url} is above {max_bytes} bytes")
        chunks.append(piece)
    return b"".join(chunks)


def _received(response, max_bytes, url, deadline):
    """The body's bytes as they come (not inflated), each socket read bounded by what is left of the
    deadline, so that neither a silent nor a trickling server outlives it."""
    raw = response.raw
    read_once = _one_socket_read(raw)
    size = 0
    while True:
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        left = _remaining(deadline)
        if sock is not None:
            sock.settimeout(left)
        chunk = read_once(CHUNK_BYTES)
        if not chunk:
            return
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large", f"{url} is above {max_bytes} bytes")
        yield chunk


def _one_socket_read(raw):
    """``read(size)`` returning what one socket read gives, undecoded (``read`` would wait for ``size``)."""
    if hasattr(raw, "read1"):  # urllib3 >= 2
        return lambda size: raw.read1(size, decode_content=False)
    return raw._fp.read1  # urllib3 1.26: the http.client response it wraps


def _inflate(pieces, encoding, url):
    """Inflate one content-coding layer of ``pieces``, yielding at most ``CHUNK_BYTES`` at a time (the
    caller stops at the size cap long before a bomb is inflated). Like urllib3: concatenated gzip
    members are read, bytes after a complete stream are ignored, a truncated stream gives what it has."""
    inflater, later_member = zlib.decompressobj(_WBITS[encoding]), False
    try:
        for piece in pieces:
            data = piece
            while data:
                if inflater.eof:
                    if encoding == "deflate":
                        return
                    inflater, later_member = zlib.decompressobj(_WBITS[encoding]), True
                try:
                    out = inflater.decompress(data, CHUNK_BYTES)
                except zlib.error:
                    if later_member:
                        return  # trailing bytes after a complete gzip stream
                    raise
                data = inflater.unused_data if inflater.eof else inflater.unconsumed_tail
                if out:
                    yield out
        while not inflater.eof:  # output held back by the bound once all input is in
            out = inflater.decompress(b"", CHUNK_BYTES)
            if not out:
                return
            yield out
    except zlib.error as error:
        raise FetchError("malformed", f"{encoding} body of {url} cannot be inflated ({error})") from error


def _ms(started):
    return int((time.monotonic() - started) * 1000)
