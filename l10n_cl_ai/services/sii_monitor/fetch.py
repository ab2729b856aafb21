"""One conditional GET of a listing page: timeout, size cap, ETag / Last-Modified, content hash.

An unchanged page costs nothing downstream: a 304 answer, or a 200 whose bytes hash to the hash of the
previous fetch, is reported as such and not parsed. Failures raise :class:`FetchError` with a stable
``kind`` the Odoo layer turns into a translated warning. The timeout bounds each connect and each read
(requests' semantics), not the whole body: a server that trickles bytes is bounded by the size cap only.
"""

import dataclasses
import hashlib
import logging
import time

import requests

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
USER_AGENT = "l10n_cl_ai-sii-monitor/1.0 (+Odoo; Chilean accounting)"
CHUNK_BYTES = 64 * 1024


class FetchError(Exception):
    """A page could not be fetched. ``kind``: ``unreachable`` (network, timeout), ``http`` (an error
    status, in ``status``) or ``too_large`` (above the size cap)."""

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
):
    """Fetch ``url`` once, conditionally on what the previous fetch returned; see :class:`FetchResult`."""
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    http = session or requests
    started = time.monotonic()
    try:
        with http.get(url, headers=headers, timeout=timeout_s, stream=True, allow_redirects=True) as response:
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
            raw = _read_capped(response, max_bytes, url)
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
    except requests.RequestException as error:
        raise FetchError("unreachable", f"{type(error).__name__} fetching {url}") from error
    finally:
        _logger.info("SII page %s fetched in %s ms", url, _ms(started))


def _read_capped(response, max_bytes, url):
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError("too_large", f"{url} declares {declared} bytes (cap {max_bytes})")
    chunks, size = [], 0
    for chunk in response.iter_content(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("too_large", f"{url} is above {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _ms(started):
    return int((time.monotonic() - started) * 1000)
