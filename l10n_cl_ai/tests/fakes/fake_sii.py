"""A fake SII web site on 127.0.0.1, for tests and benchmarks. Plain Python, no odoo.

Serves byte pages by path with an ETag and a Last-Modified date; answers 304 to a matching
``If-None-Match`` (unless ``etags`` is off: then only the content hash can tell an unchanged page);
a path can be made to fail with an HTTP status, to redirect elsewhere, or to trickle its body one byte
at a time; a page can carry extra headers (``Content-Encoding``). Every request is recorded (path, headers).

    with FakeSii() as site:
        site.set_page("/circulares/2026/indcir2026.htm", encoded(circulars_html()))
        url = site.url("/circulares/2026/indcir2026.htm")
"""

import contextlib
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler

from .loopback_http import LoopbackHttpServer

LAST_MODIFIED = "Mon, 02 Mar 2026 12:00:00 GMT"


class FakeSii(LoopbackHttpServer):
    thread_name = "fake-sii"

    def __init__(self, host="127.0.0.1", etags=True):
        self.host = host
        self.etags = etags
        self._pages = {}  # path -> (bytes, content type)
        self._failures = {}  # path -> HTTP status
        self._redirects = {}  # path -> (HTTP status, Location)
        self._trickles = {}  # path -> seconds between two bytes of the body
        self._requests = []
        self._lock = threading.Lock()

    def _handler_class(self):
        return _Handler

    def url(self, path):
        return f"http://{self.host}:{self.port}{path}"

    def set_page(self, path, body, content_type="text/html", headers=None):
        with self._lock:
            self._pages[path] = (body, content_type, dict(headers or {}))
            self._failures.pop(path, None)
            self._redirects.pop(path, None)
            self._trickles.pop(path, None)

    def redirect(self, path, location, status=302):
        with self._lock:
            self._redirects[path] = (status, location)

    def trickle(self, path, every_s):
        """Send the page of ``path`` one byte every ``every_s`` seconds (its length announced at once)."""
        with self._lock:
            self._trickles[path] = every_s

    def fail(self, path, status=500):
        with self._lock:
            self._failures[path] = status

    def clear_requests(self):
        with self._lock:
            self._requests.clear()

    @property
    def requests(self):
        with self._lock:
            return list(self._requests)

    def _answer(self, path, headers):
        with self._lock:
            self._requests.append((path, dict(headers)))
            if path in self._failures:
                return self._failures[path], b"", {}
            if path in self._redirects:
                status, location = self._redirects[path]
                return status, b"", {"Location": location}
            if path not in self._pages:
                return 404, b"Not Found", {}
            body, content_type, headers_out = self._pages[path]
        etag = '"' + hashlib.sha256(body).hexdigest() + '"'
        extra = {"Content-Type": content_type, **headers_out}
        if self.etags:
            extra.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
            if headers.get("if-none-match") == etag:
                return 304, b"", extra
        return 200, body, extra


class _Handler(BaseHTTPRequestHandler):
    fake = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *_args):
        pass

    def do_GET(self):  # noqa: N802 - http.server naming
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, body, extra = self.server_fake._answer(self.path, headers)
        self.send_response(status)
        for key, value in extra.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        every_s = self.server_fake._trickles.get(self.path)
        if not body:
            return
        if every_s is None:
            self.wfile.write(body)
            return
        with contextlib.suppress(OSError):  # the client gave up
            for index in range(len(body)):
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()
                time.sleep(every_s)
