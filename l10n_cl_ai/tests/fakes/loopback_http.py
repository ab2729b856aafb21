"""The life cycle the fake HTTP services share: a free port of 127.0.0.1, served by a daemon thread."""

import threading
from http.server import ThreadingHTTPServer


class LoopbackHttpServer:
    """Start, stop and address a fake HTTP service; usable as a context manager.

    A subclass sets ``self.host`` and implements ``_handler_class()``: a ``BaseHTTPRequestHandler`` class,
    given the fake as its ``server_fake`` attribute."""

    thread_name = "fake-http"
    _server = None
    _thread = None

    def _handler_class(self):
        raise NotImplementedError

    def start(self):
        handler = type("Handler", (self._handler_class(),), {"server_fake": self})
        self._server = ThreadingHTTPServer((self.host, 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=self.thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._server.server_address[1]
