"""A fake Anthropic Messages API on 127.0.0.1, for tests and benchmarks. Plain Python, no odoo.

Real HTTP: the real ``anthropic`` SDK reaches it through ``base_url``. Per test, script a queue of replies
(text, JSON text, ``tool_use`` blocks, HTTP errors with headers, slow replies); with ``"stream": true`` in
the request the same replies come back as server-sent events: all at once, or written one by one with
``event_delay`` seconds between them (chunked transfer encoding), and cut after ``cut_after`` events (the
connection dropped, or an ``error`` event such as the API's mid-stream ``overloaded_error``). An empty
queue answers ``default_reply``.

Usage is computed like the API does it: every request is cut into blocks in prefix order (tools -> system
-> messages); each ``cache_control`` breakpoint whose prefix reaches the model's minimum cacheable length
is written to the cache; the longest prefix already cached (at a breakpoint or up to 20 blocks before
one) is read; only the tokens between it and the last breakpoint are written; shorter prefixes are not
cached at all; ``input_tokens`` is the uncached remainder. Tokens are estimated as
ceil(len(JSON of the block) / 4), the same estimate ``/v1/messages/count_tokens`` returns.

Every request is recorded (method, path, lower-cased headers, JSON body). A request without the API key
(``x-api-key`` or ``Authorization: Bearer``) gets 401.

    with FakeAnthropic() as fake:
        fake.rate_limited(retry_after=1)
        fake.reply_text("Hola")
        client = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.base_url)
"""

import hashlib
import json
import math
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from .loopback_http import LoopbackHttpServer

# The fake's own copy of the API's minimum cacheable prompt lengths (kept apart from the engine's data on
# purpose: the fake plays the API, the engine must get it right on its own).
MIN_CACHEABLE_TOKENS = {
    "claude-sonnet-5-5": 512,
    "claude-haiku-5-5": 512,
    "claude-opus-5-5": 512,
    "claude-opus-5": 512,
    "claude-fable-5": 512,
    "claude-fable-5-1": 512,
    "claude-fable-5-2": 512,
    "claude-mythos-5": 512,
    "claude-mythos-5-1": 512,
    "claude-mythos-5-2": 512,
    "claude-sonnet-5": 1024,
    "claude-opus-4-8": 1024,
    "claude-sonnet-4-6": 1024,
    "claude-sonnet-4-5": 1024,
    "claude-sonnet-4-5-20250929": 1024,
    "claude-opus-4-7": 2048,
    "claude-opus-4-6": 4096,
    "claude-opus-4-5": 4096,
    "claude-haiku-4-5": 4096,
}
DEFAULT_MIN_CACHEABLE_TOKENS = 1024
# Models that answer 400 to a forced tool_choice ("any" / "tool").
FORCED_TOOL_CHOICE_REFUSED = {"claude-sonnet-5-5", "claude-opus-5-5", "claude-haiku-5-5", "claude-fable-5-1"}
MAX_CACHE_BREAKPOINTS = 4
LOOKBACK_BLOCKS = 20  # how far back from a breakpoint the API looks for an earlier cached prefix


def _strip_cache_control(value):
    if isinstance(value, dict):
        return {key: _strip_cache_control(item) for key, item in value.items() if key != "cache_control"}
    if isinstance(value, list):
        return [_strip_cache_control(item) for item in value]
    return value


def estimate_tokens(value):
    """ceil(len(JSON without cache_control) / 4); a string counts its own length."""
    if isinstance(value, str):
        return math.ceil(len(value) / 4)
    return math.ceil(len(json.dumps(_strip_cache_control(value), ensure_ascii=False, sort_keys=True)) / 4)


@dataclass
class Reply:
    """One scripted answer: ``content`` blocks for a 200 reply; ``status`` >= 400 with ``error`` otherwise."""

    status: int = 200
    content: list = field(default_factory=list)
    stop_reason: str = "end_turn"
    error: dict | None = None
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    output_tokens: int | None = None
    # streamed replies: seconds between two events (an unstreamed reply waits as long as its stream would
    # take), characters per text delta, and a failure after ``cut_after`` events: the connection dropped
    # (``cut_with`` None) or an ``error`` event with that error
    event_delay: float = 0.0
    chunk_size: int = 16
    cut_after: int | None = None
    cut_with: dict | None = None


OVERLOADED = {"type": "overloaded_error", "message": "Overloaded"}


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict
    body: object
    at: float
    status: int | None = None  # what the fake answered
    response: object = None  # the JSON answered (the whole message for a streamed reply)
    events_sent: int = 0  # streamed replies: the events written so far
    finished_at: float | None = None  # when the whole answer was written (monotonic)


@dataclass
class _Block:
    value: dict
    marker: dict | None
    tokens: int


def _request_blocks(body):
    """Blocks of a Messages request in prefix order, with their cache marker (if any)."""
    blocks = []
    for tool in body.get("tools") or []:
        blocks.append(_Block(tool, tool.get("cache_control"), estimate_tokens(tool)))
    system = body.get("system")
    if isinstance(system, str):
        system = [{"type": "text", "text": system}]
    for block in system or []:
        blocks.append(_Block(block, block.get("cache_control"), estimate_tokens(block)))
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        for block in content or []:
            value = {"role": message.get("role"), **block}
            blocks.append(_Block(value, block.get("cache_control"), estimate_tokens(block)))
    if body.get("cache_control") and blocks:  # automatic caching: a breakpoint on the last block
        blocks[-1].marker = blocks[-1].marker or body["cache_control"]
    return blocks


class FakeAnthropic(LoopbackHttpServer):
    """The fake server; see the module docstring."""

    thread_name = "fake-anthropic"

    def __init__(self, api_key="sk-ant-fake-key", host="127.0.0.1"):
        self.api_key = api_key
        self.host = host
        self.default_reply = Reply(content=[{"type": "text", "text": "OK"}])
        self._replies = deque()
        self._count_failures = deque()
        self._requests = []
        self._cache = set()
        self._lock = threading.Lock()

    # -- life cycle ---------------------------------------------------------------------------------
    def _handler_class(self):
        return _Handler

    @property
    def base_url(self):
        return f"http://{self.host}:{self.port}"

    # -- scripting ----------------------------------------------------------------------------------
    def script(self, reply):
        """Queue a ``Reply`` (or a callable ``body -> Reply``) for the next Messages request."""
        with self._lock:
            self._replies.append(reply)
        return reply

    def reply_text(self, text, **options):
        return self.script(Reply(content=[{"type": "text", "text": text}], **options))

    def reply_json(self, value, **options):
        """A text reply whose text is ``value`` serialized as JSON (what structured outputs return)."""
        return self.reply_text(json.dumps(value, ensure_ascii=False), **options)

    def reply_tool_use(self, name, tool_input, tool_id=None, text=None, **options):
        content = [{"type": "text", "text": text}] if text else []
        content.append(
            {
                "type": "tool_use",
                "id": tool_id or f"toolu_{uuid.uuid4().hex[:20]}",
                "name": name,
                "input": tool_input,
            }
        )
        return self.script(Reply(content=content, stop_reason="tool_use", **options))

    def reply_error(
        self, status, error_type, message, retry_after=None, error_code=None, headers=None, delay=0.0
    ):
        error = {"type": error_type, "message": message}
        if error_code:
            error["details"] = {"error_code": error_code}
        headers = dict(headers or {})
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        return self.script(Reply(status=status, error=error, headers=headers, delay=delay))

    def rate_limited(self, retry_after=1, **options):
        return self.reply_error(
            429,
            "rate_limit_error",
            "Number of request tokens has exceeded your per-minute rate limit",
            retry_after=retry_after,
            **options,
        )

    def spend_limit_reached(self, retry_after=None):
        return self.reply_error(
            429,
            "rate_limit_error",
            "enforced_spend_limit_reached: your organization has reached its monthly spend limit",
            retry_after=retry_after,
            error_code="enforced_spend_limit_reached",
        )

    def overloaded(self, **options):
        return self.reply_error(529, "overloaded_error", "Overloaded", **options)

    def server_error(self, status=500, **options):
        return self.reply_error(status, "api_error", "Internal server error", **options)

    def bad_request(self, message="messages: field required", **options):
        return self.reply_error(400, "invalid_request_error", message, **options)

    def fail_count_tokens(self, status=500, times=1):
        """The next ``times`` count_tokens requests fail with ``status``."""
        with self._lock:
            self._count_failures.extend([status] * times)

    def reset_cache(self):
        with self._lock:
            self._cache.clear()

    def clear(self):
        """Forget scripted replies, recorded requests and cached prefixes."""
        with self._lock:
            self._replies.clear()
            self._count_failures.clear()
            self._requests.clear()
            self._cache.clear()

    @property
    def pending(self):
        """How many scripted replies were not consumed yet."""
        return len(self._replies)

    # -- inspection ---------------------------------------------------------------------------------
    @property
    def requests(self):
        with self._lock:
            return list(self._requests)

    @property
    def messages_requests(self):
        return [r for r in self.requests if r.path == "/v1/messages"]

    @property
    def count_requests(self):
        return [r for r in self.requests if r.path == "/v1/messages/count_tokens"]

    # -- behaviour (called from the handler threads) ------------------------------------------------
    def _record(self, request):
        with self._lock:
            self._requests.append(request)

    def _next_reply(self, body):
        with self._lock:
            reply = self._replies.popleft() if self._replies else self.default_reply
        return reply(body) if callable(reply) else reply

    def _next_count_failure(self):
        with self._lock:
            return self._count_failures.popleft() if self._count_failures else None

    def authorized(self, headers):
        return (
            headers.get("x-api-key") == self.api_key
            or headers.get("authorization") == f"Bearer {self.api_key}"
        )

    def count_tokens(self, body):
        return sum(block.tokens for block in _request_blocks(body))

    def usage_for(self, body):
        """Usage of a request, remembering the prefixes it caches."""
        model = body.get("model", "")
        minimum = MIN_CACHEABLE_TOKENS.get(model, DEFAULT_MIN_CACHEABLE_TOKENS)
        blocks = _request_blocks(body)
        total = sum(block.tokens for block in blocks)
        boundaries = []  # (prefix tokens, key) after each block
        eligible = []  # (block index, prefix tokens, key, ttl) of breakpoints long enough to cache
        prefix_tokens, digest = 0, hashlib.sha256(model.encode())
        for index, block in enumerate(blocks):
            prefix_tokens += block.tokens
            digest.update(json.dumps(_strip_cache_control(block.value), sort_keys=True).encode())
            boundaries.append((prefix_tokens, digest.copy().hexdigest()))
            if block.marker and prefix_tokens >= minimum:
                eligible.append((index, prefix_tokens, boundaries[-1][1], block.marker.get("ttl", "5m")))
        with self._lock:
            # like the API: from each breakpoint, look back up to 20 block boundaries for a cached prefix
            read = 0
            for index, _tokens, _key, _ttl in eligible:
                for tokens, key in boundaries[max(0, index - LOOKBACK_BLOCKS + 1) : index + 1]:
                    if key in self._cache:
                        read = max(read, tokens)
            written = {"5m": 0, "1h": 0}
            covered = read
            for _index, tokens, key, ttl in eligible:
                if tokens > covered:
                    written[ttl if ttl in written else "5m"] += tokens - covered
                    covered = tokens
                self._cache.add(key)
        creation = written["5m"] + written["1h"]
        return {
            "input_tokens": total - read - creation,
            "cache_creation_input_tokens": creation,
            "cache_read_input_tokens": read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": written["5m"],
                "ephemeral_1h_input_tokens": written["1h"],
            },
        }

    def validate(self, body):
        """The API's own 400s that matter to us; ``None`` when the body is acceptable."""
        for name in ("model", "max_tokens", "messages"):
            if name not in body:
                return f"{name}: Field required"
        choice = (body.get("tool_choice") or {}).get("type")
        if choice in ("any", "tool") and body["model"] in FORCED_TOOL_CHOICE_REFUSED:
            return f"tool_choice.type '{choice}' is not supported by {body['model']}; use 'auto' or 'none'"
        markers = sum(1 for block in _request_blocks({**body, "cache_control": None}) if block.marker)
        if markers > MAX_CACHE_BREAKPOINTS:
            return (
                f"A maximum of {MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. "
                f"Found {markers}."
            )
        return None


def _error_body(error_type, message, error_code=None):
    error = {"type": error_type, "message": message}
    if error_code:
        error["details"] = {"error_code": error_code}
    return {"type": "error", "error": error, "request_id": f"req_{uuid.uuid4().hex[:24]}"}


def _sse(event, data):
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _chunks(text, size=16):
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_fake = None  # set by FakeAnthropic.start on a subclass
    recorded = None  # the RecordedRequest being answered

    def setup(self):
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *_args):
        pass

    def _send(self, status, payload, headers=None, content_type="application/json", recorded=None):
        if self.recorded is not None:
            self.recorded.status = status
            self.recorded.response = payload if recorded is None else recorded
        data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("request-id", f"req_{uuid.uuid4().hex[:24]}")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self._headers_buffer.append(b"\r\n" + data)  # headers and body in one write
            self.flush_headers()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): nothing to answer
            self.close_connection = True

    def do_GET(self):  # noqa: N802 - http.server naming
        self._read_and_record()
        self._send(404, _error_body("not_found_error", f"Not found: {self.path}"))

    def do_POST(self):  # noqa: N802 - http.server naming
        fake = self.server_fake
        headers, body = self._read_and_record()
        if not fake.authorized(headers):
            return self._send(401, _error_body("authentication_error", "invalid x-api-key"))
        if not isinstance(body, dict):
            return self._send(400, _error_body("invalid_request_error", "request body is not valid JSON"))
        path = self.path.split("?")[0]
        if path == "/v1/messages/count_tokens":
            status = fake._next_count_failure()
            if status:
                return self._send(status, _error_body("api_error", "count_tokens failed"))
            return self._send(200, {"input_tokens": fake.count_tokens(body)})
        if path != "/v1/messages":
            return self._send(404, _error_body("not_found_error", f"Not found: {path}"))
        problem = fake.validate(body)
        if problem:
            return self._send(400, _error_body("invalid_request_error", problem))
        reply = fake._next_reply(body)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.status >= 400:
            error = reply.error or {"type": "api_error", "message": "error"}
            return self._send(
                reply.status,
                {"type": "error", "error": error, "request_id": f"req_{uuid.uuid4().hex[:24]}"},
                reply.headers,
            )
        usage = fake.usage_for(body)
        usage["output_tokens"] = reply.output_tokens or max(1, estimate_tokens(reply.content))
        message = {
            "id": f"msg_{uuid.uuid4().hex[:24]}",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": reply.content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": usage,
        }
        if body.get("stream"):
            events = self._events(message, reply.chunk_size)
            if reply.event_delay or reply.cut_after is not None:
                return self._stream(events, reply, message)
            self._send(
                200, "".join(events), reply.headers, "text/event-stream; charset=utf-8", recorded=message
            )
        else:
            if reply.event_delay:  # the same reply unstreamed takes as long as its stream
                time.sleep(reply.event_delay * (len(self._events(message, reply.chunk_size)) - 1))
            self._send(200, message, reply.headers)
        self.recorded.finished_at = time.monotonic()
        return None

    def _stream(self, events, reply, message):
        """Write ``events`` one by one (chunked), ``reply.event_delay`` apart, cut as the reply says."""
        self.recorded.status, self.recorded.response = 200, message
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", f"req_{uuid.uuid4().hex[:24]}")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        try:
            self.end_headers()
            for index, event in enumerate(events):
                if reply.cut_after is not None and index >= reply.cut_after:
                    if reply.cut_with is None:  # dropped: no last chunk, the connection closes
                        self.close_connection = True
                        return None
                    self._write_chunk(_sse("error", {"type": "error", "error": reply.cut_with}))
                    break
                if index and reply.event_delay:
                    time.sleep(reply.event_delay)
                self._write_chunk(event)
                self.recorded.events_sent += 1
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return None
        self.recorded.finished_at = time.monotonic()
        return None

    def _write_chunk(self, text):
        data = text.encode()
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _read_and_record(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.recorded = RecordedRequest(
            self.command, self.path.split("?")[0], headers, body, time.monotonic()
        )
        self.server_fake._record(self.recorded)
        return headers, body

    @staticmethod
    def _events(message, chunk_size=16):
        """The server-sent events of ``message`` (a list of strings), text cut in ``chunk_size`` deltas."""
        usage = message["usage"]
        start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
        parts = [
            _sse("message_start", {"type": "message_start", "message": start}),
            _sse("ping", {"type": "ping"}),
        ]
        for index, block in enumerate(message["content"]):
            if block["type"] == "tool_use":
                opening = {**block, "input": {}}
                deltas = [
                    {"type": "input_json_delta", "partial_json": chunk}
                    for chunk in _chunks(json.dumps(block["input"], ensure_ascii=False))
                ]
            else:
                opening = {"type": "text", "text": ""}
                deltas = [
                    {"type": "text_delta", "text": chunk}
                    for chunk in _chunks(block.get("text", ""), chunk_size)
                ]
            parts.append(
                _sse(
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": opening},
                )
            )
            parts.extend(
                _sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
                for delta in deltas
            )
            parts.append(_sse("content_block_stop", {"type": "content_block_stop", "index": index}))
        parts.append(
            _sse(
                "message_delta",
                {
                    "type": "message_delta",
                    "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                    "usage": {"output_tokens": usage["output_tokens"]},
                },
            )
        )
        parts.append(_sse("message_stop", {"type": "message_stop"}))
        return parts
