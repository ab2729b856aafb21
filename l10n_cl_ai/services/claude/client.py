"""The one Claude client of the engine, on the official ``anthropic`` SDK. Plain Python, no odoo.

Every feature goes through ``ClaudeClient.create()``, which in order:

1. finds the model's price row (none -> ``PriceMissing``: never counted at $0);
2. asks the circuit breaker (open -> ``CircuitOpen`` at once, no network);
3. counts the input tokens with the API's count endpoint (a local estimate when that fails) and refuses
   with ``CostCeilingExceeded``, before any Messages request, when the worst case (every prompt token
   plus ``max_tokens`` of output) costs more than ``max_cost_per_request_usd``; then hands that worst
   case to the caller's ``reserve`` callback (the budget's reservation), before EVERY Messages request
   (tool rounds and the repair included), which may refuse it by raising an ``EngineError``;
4. places prompt-cache breakpoints only where the prefix reaches the model's minimum cacheable length;
5. sends with tenacity retries (the SDK's own are off, so every attempt is seen and counted once):
   exponential backoff with jitter on 429, 529, 5xx and connection errors, ``retry-after`` honoured,
   bounded in attempts and time; no retry on other 4xx nor on a spend-limit 429;
6. optionally streams text deltas to a callback (never retried once text was handed over: a retry would
   write the answer twice; a stream cut after the HTTP 200 counts the tokens it had reached), runs a
   bounded tool-use loop with a caller-supplied executor, and asks for JSON through structured outputs
   (``output_config.format``, never a forced ``tool_choice``), validated with jsonschema, with one repair
   request before ``InvalidReply``.

It returns a ``ClaudeResult``; on failure it raises an ``errors`` exception whose ``details`` carry
``attempts``, ``usage``, ``cost_usd``, ``latency_ms``, ``model`` and ``requests`` so the caller can write
a usage row for failures too. It never answers a default result on failure and never logs the API key.
"""

import email.utils
import json
import logging
import random
import time
from dataclasses import dataclass, field

from . import prompt_cache
from .breaker import CircuitBreaker
from .errors import (
    ClaudeRequestError,
    ClaudeUnavailable,
    ConfigurationError,
    CostCeilingExceeded,
    EngineError,
    InvalidReply,
    SpendLimitReached,
)
from .model_catalog import DEFAULT_MODEL, is_deprecated, min_cacheable_tokens
from .pricing import Usage, cost_usd, price_for, worst_case_cost_usd

_logger = logging.getLogger(__name__)

SPEND_LIMIT_CODES = {
    "enforced_spend_limit_reached",
    "contract_spend_limit_reached",
    "linked_organization_spend_limit_reached",
}
REPAIR_INSTRUCTION = (
    "Your previous reply does not match the required JSON schema ({problem}). Reply again with only a JSON "
    "value that matches the schema."
)
_warned_deprecated = set()


class _StreamCut(Exception):
    """A streamed reply broke after its HTTP 200 (connection dropped, ``error`` event); ``emitted``: some
    of its text already went to the caller's ``on_text``."""

    def __init__(self, error, emitted):
        super().__init__(str(error))
        self.error = error
        self.emitted = emitted


@dataclass
class ClaudeSettings:
    """Plain settings, built by the ``l10n_cl_ai.engine`` model from ``ir.config_parameter``."""

    api_key: str = field(repr=False)
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    timeout_s: float = 60.0
    max_cost_per_request_usd: float | None = None
    max_attempts: int = 4
    max_retry_time_s: float = 60.0
    backoff_base_s: float = 1.0
    backoff_max_s: float = 20.0
    count_timeout_s: float = 10.0
    cache_ttl: str = "5m"
    max_tool_rounds: int = 6


@dataclass
class Prompt:
    """A request in the API's prefix order. ``tools`` and ``system`` parts are the stable, cacheable part
    (e.g. instructions first, then knowledge passages); ``messages`` end with the variable user turn."""

    messages: list
    system: list = field(default_factory=list)
    tools: list = field(default_factory=list)


@dataclass
class ToolCall:
    id: str
    name: str
    input: dict
    result: str | None  # None when the caller gave no executor (it runs the calls itself)
    is_error: bool = False


@dataclass
class ClaudeResult:
    content: str
    parsed: object
    tool_calls: list
    usage: Usage
    cost_usd: float
    latency_ms: int
    attempts: int  # HTTP attempts on the Messages endpoint, retries, repair and tool rounds included
    outcome: str
    model: str
    stop_reason: str | None = None
    requests: int = 0  # Messages requests that got an answer
    repaired: bool = False
    input_tokens_counted: int = 0
    count_source: str = "api"  # "api" or "estimate"
    cache_breakpoints: int = 0  # markers placed on the first request


class _CallSpend:
    """What one ``create()`` has consumed so far (for the result and for failure details)."""

    def __init__(self, model, cache_ttl):
        self.model = model
        self.cache_ttl = cache_ttl
        self.started = time.monotonic()
        self.attempts = 0
        self.requests = 0
        self.usage = Usage()
        self.cost_usd = 0.0
        self.answered = False  # Claude answered at least once (it is alive)
        self.input_tokens_counted = 0
        self.reserve = None  # the caller's reserve(worst_usd, spent_usd) before each request

    @property
    def latency_ms(self):
        return int((time.monotonic() - self.started) * 1000)

    def add(self, message_usage, price_row):
        usage = Usage(
            input_tokens=message_usage.input_tokens or 0,
            output_tokens=message_usage.output_tokens or 0,
            cache_read_tokens=message_usage.cache_read_input_tokens or 0,
            cache_write_tokens=message_usage.cache_creation_input_tokens or 0,
        )
        self.requests += 1
        self.usage = self.usage + usage
        self.cost_usd = round(self.cost_usd + cost_usd(usage, price_row, self.cache_ttl), 8)

    def details(self):
        return {
            "attempts": self.attempts,
            "requests": self.requests,
            "usage": self.usage,
            "cost_usd": self.cost_usd,
            "latency_ms": self.latency_ms,
            "model": self.model,
            "input_tokens_counted": self.input_tokens_counted,
        }

    def error(self, error_class, message, retry_after=None, **extra):
        return error_class(message, retry_after=retry_after, **{**self.details(), **extra})


def retry_after_seconds(headers):
    """Seconds asked by ``retry-after-ms`` / ``retry-after`` (seconds or HTTP date), or ``None``."""
    if headers is None:
        return None
    for name, factor in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value) * factor, 0.0)
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is not None:
                return max(email.utils.mktime_tz(parsed) - time.time(), 0.0)
    return None


def _is_spend_limit(exc):
    code = getattr(exc, "error_code", None)
    message = getattr(exc, "api_message", None) or ""
    return code in SPEND_LIMIT_CODES or any(name in message for name in SPEND_LIMIT_CODES)


def is_transient(exc):
    """Worth retrying: connection errors and timeouts, 408, 429 (not a spend limit), 5xx incl. 529."""
    import anthropic

    if isinstance(exc, anthropic.APIConnectionError):
        return True
    if isinstance(exc, anthropic.APIStatusError):
        if exc.response.headers.get("x-should-retry") == "false" or _is_spend_limit(exc):
            return False
        return exc.status_code in (408, 429) or exc.status_code >= 500
    return False


def _block_param(block):
    """A response content block as a request block (to send the assistant turn back)."""
    data = block.model_dump(mode="json", exclude_none=True) if hasattr(block, "model_dump") else dict(block)
    data.pop("parsed_output", None)
    return data


def _text_of(message):
    return "".join(block.text for block in message.content if block.type == "text")


def _validate_json(text, schema):
    """(parsed value, None) or (None, what is wrong)."""
    from jsonschema.validators import validator_for

    try:
        value = json.loads(text)
    except ValueError as exc:
        return None, f"not valid JSON: {exc}"
    validator = validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(value), key=lambda error: list(error.absolute_path))
    if errors:
        return None, "; ".join(
            f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
            for error in errors[:5]
        )
    return value, None


class ClaudeClient:
    """One per worker process (built and cached by the engine facade); thread-safe.

    ``prices``: a mapping model -> ``PriceRow`` or an iterable of rows. ``breaker``: a ``CircuitBreaker``
    (shared through Redis); a per-process one by default. ``sleep``: how retries wait (tests inject one).
    """

    def __init__(self, settings, prices, breaker=None, sleep=time.sleep, http_client=None):
        if not settings.api_key:
            raise ConfigurationError("The Claude API key is not set")
        import anthropic

        self.settings = settings
        self.prices = prices
        self.breaker = breaker or CircuitBreaker()
        self._sleep = sleep
        self._sdk = anthropic.Anthropic(
            api_key=settings.api_key,
            base_url=settings.base_url or None,
            timeout=settings.timeout_s,
            max_retries=0,
            http_client=http_client,
        )

    def close(self):
        self._sdk.close()

    # -- public ---------------------------------------------------------------------------------------
    def create(  # pylint: disable=method-required-super
        self,
        prompt,
        *,
        max_tokens=1024,
        model=None,
        json_schema=None,
        on_text=None,
        on_round=None,
        tool_executor=None,
        max_tool_rounds=None,
        prices=None,
        reserve=None,
    ):
        """Send ``prompt`` and return a ``ClaudeResult``.

        ``prices``: price rows for this call (mapping or iterable), instead of the client's own.
        ``reserve(worst_usd, spent_usd)``: called before each Messages request with its worst-case cost
        and what the call's earlier requests really cost; it raises an ``EngineError`` to refuse the
        request (nothing is sent; the exception carries what was spent so far).

        ``json_schema``: ask for JSON matching it (structured outputs) and return it in ``parsed``.
        ``on_text(delta)``: stream the reply, calling it with each text delta; ``on_round(stop_reason)``:
        called after each streamed reply (``tool_use``: the text of that reply came before tool calls,
        it is not the answer).
        ``tool_executor(name, input)``: run the tool calls Claude makes with ``prompt.tools`` and return
        the result text, or ``(text, is_error)``; at most ``max_tool_rounds`` rounds, then Claude must answer.
        """
        model = model or self.settings.model
        call = _CallSpend(model, self.settings.cache_ttl)
        call.reserve = reserve
        self._warn_if_deprecated(model)
        try:
            price_row = price_for(model, self.prices if prices is None else prices)
            self.breaker.acquire()
        except EngineError as exc:
            exc.details.update(call.details())
            raise
        try:
            streaming = (on_text, on_round) if on_text is not None else None
            result = self._run(
                call, prompt, price_row, max_tokens, json_schema, streaming, tool_executor, max_tool_rounds
            )
        except ClaudeUnavailable:
            self.breaker.failure()
            raise
        except BaseException:
            if call.answered:
                self.breaker.success()
            else:
                self.breaker.release()
            raise
        self.breaker.success()
        return result

    # -- steps ----------------------------------------------------------------------------------------
    def _run(
        self, call, prompt, price_row, max_tokens, json_schema, streaming, tool_executor, max_tool_rounds
    ):
        body = self._body(prompt, call.model, max_tokens, json_schema)
        counted, count_source = self._count_tokens(body)
        call.input_tokens_counted = counted
        scale = counted / max(1, prompt_cache.estimate_request_tokens(body))
        max_rounds = self.settings.max_tool_rounds if max_tool_rounds is None else max_tool_rounds
        body, message, tool_calls, breakpoints = self._converse(
            call,
            body,
            counted,
            scale,
            price_row,
            streaming,
            tool_executor if prompt.tools else None,
            max_rounds,
        )
        text = _text_of(message)
        parsed, repaired = None, False
        if json_schema is not None:
            parsed, problem = _validate_json(text, json_schema)
            if problem:
                message, parsed = self._repair(call, body, text, problem, json_schema, scale, price_row)
                text, repaired = _text_of(message), True
        return ClaudeResult(
            content=text,
            parsed=parsed,
            tool_calls=tool_calls,
            usage=call.usage,
            cost_usd=call.cost_usd,
            latency_ms=call.latency_ms,
            attempts=call.attempts,
            outcome="ok",
            model=call.model,
            stop_reason=message.stop_reason,
            requests=call.requests,
            repaired=repaired,
            input_tokens_counted=counted,
            count_source=count_source,
            cache_breakpoints=breakpoints,
        )

    def _converse(self, call, body, counted, scale, price_row, streaming, tool_executor, max_rounds):
        """Send ``body``; with a ``tool_executor``, run the tools Claude asks for and send the results back,
        at most ``max_rounds`` times, then once more with ``tool_choice: none`` so that Claude answers.

        Every request is checked against the cost ceiling and reserved first (``_admit``): the first with
        the API's token count (``counted``), the following ones with the scaled local estimate.
        Returns (last body, last message, tool calls, breakpoints placed on the first request).
        """
        tool_calls, rounds, first_breakpoints = [], 0, None
        while True:
            # the conversation so far is cached only once a tool round makes it a prefix worth reading back
            # (on the first request it would be written at 1.25x and never read when Claude just answers)
            sent, breakpoints = self._with_breakpoints(body, scale, cache_last_message=rounds > 0)
            if first_breakpoints is None:
                first_breakpoints, input_tokens = len(breakpoints), counted
            else:
                input_tokens = round(prompt_cache.estimate_request_tokens(sent) * scale)
            self._admit(call, input_tokens, body["max_tokens"], price_row, caching=bool(breakpoints))
            message = self._send(call, sent, streaming, price_row)
            if message.stop_reason != "tool_use":
                return body, message, tool_calls, first_breakpoints
            if tool_executor is None:  # the caller reads the calls itself
                tool_calls.extend(
                    ToolCall(b.id, b.name, b.input, None) for b in message.content if b.type == "tool_use"
                )
                return body, message, tool_calls, first_breakpoints
            if body.get("tool_choice"):
                raise call.error(InvalidReply, "Claude kept calling tools after the last allowed round")
            body = self._after_tools(body, message, tool_executor, tool_calls)
            rounds += 1
            if rounds >= max_rounds:
                body = {**body, "tool_choice": {"type": "none"}}

    def _repair(self, call, body, text, problem, json_schema, scale, price_row):
        """One more request showing Claude its invalid reply and what is wrong; ``InvalidReply`` if the
        new reply is invalid too. Returns (message, parsed value)."""
        _logger.info("Claude reply does not match the schema (%s); asking for a repair", problem)
        repair_turns = [
            {"role": "assistant", "content": text or "(empty reply)"},
            {"role": "user", "content": REPAIR_INSTRUCTION.format(problem=problem)},
        ]
        repair = {**body, "messages": body["messages"] + repair_turns}
        repair.pop("tool_choice", None)
        sent, breakpoints = self._with_breakpoints(repair, scale, cache_last_message=False)
        estimate = round(prompt_cache.estimate_request_tokens(sent) * scale)
        self._admit(call, estimate, body["max_tokens"], price_row, caching=bool(breakpoints))
        message = self._send(call, sent, None, price_row)
        parsed, problem = _validate_json(_text_of(message), json_schema)
        if problem:
            raise call.error(
                InvalidReply,
                f"Claude's reply does not match the schema: {problem}",
                reply=_text_of(message)[:2000],
            )
        return message, parsed

    def _body(self, prompt, model, max_tokens, json_schema):
        body = {"model": model, "max_tokens": max_tokens, "messages": list(prompt.messages)}
        system = [{"type": "text", "text": part} if isinstance(part, str) else part for part in prompt.system]
        if system:
            body["system"] = system
        if prompt.tools:
            body["tools"] = list(prompt.tools)
        if json_schema is not None:
            from anthropic import transform_schema

            body["output_config"] = {
                "format": {"type": "json_schema", "schema": transform_schema(json_schema)}
            }
        return body

    def _count_tokens(self, body):
        import anthropic

        params = {
            key: body[key] for key in ("model", "messages", "system", "tools", "output_config") if key in body
        }
        try:
            return self._sdk.messages.count_tokens(
                **params, timeout=self.settings.count_timeout_s
            ).input_tokens, "api"
        except anthropic.AnthropicError as exc:
            _logger.info("Token count endpoint failed (%s); using the local estimate", type(exc).__name__)
            return prompt_cache.estimate_request_tokens(body), "estimate"

    def _with_breakpoints(self, body, scale, cache_last_message):
        breakpoints = prompt_cache.choose_breakpoints(
            body, min_cacheable_tokens(body["model"]), scale=scale, cache_last_message=cache_last_message
        )
        return prompt_cache.apply_breakpoints(body, breakpoints, self.settings.cache_ttl), breakpoints

    def _admit(self, call, input_tokens, max_tokens, price_row, caching):
        """Before one Messages request: the cost ceiling, then the caller's reservation of its worst case."""
        worst = worst_case_cost_usd(input_tokens, max_tokens, price_row, self.settings.cache_ttl, caching)
        self._check_ceiling(call, worst, input_tokens, max_tokens)
        if call.reserve is not None:
            try:
                call.reserve(worst, call.cost_usd)
            except EngineError as exc:
                exc.details.update(call.details())
                raise

    def _check_ceiling(self, call, worst, input_tokens, max_tokens):
        ceiling = self.settings.max_cost_per_request_usd
        if ceiling and worst > ceiling:
            raise call.error(
                CostCeilingExceeded,
                f"This request could cost up to {worst:.4f} USD ({input_tokens} input tokens, {max_tokens} "
                f"output tokens at most), above the ceiling of {ceiling:.4f} USD per request",
                estimated_cost_usd=worst,
                max_cost_usd=ceiling,
                input_tokens=input_tokens,
            )

    def _after_tools(self, body, message, tool_executor, tool_calls):
        """``body`` with the assistant's tool calls and their results appended."""
        results = []
        for block in message.content:
            if block.type != "tool_use":
                continue
            outcome = tool_executor(block.name, block.input)
            text, is_error = outcome if isinstance(outcome, tuple) else (outcome, False)
            if not isinstance(text, str):
                text = json.dumps(text, ensure_ascii=False, default=str)
            tool_calls.append(ToolCall(block.id, block.name, block.input, text, bool(is_error)))
            result = {"type": "tool_result", "tool_use_id": block.id, "content": text}
            if is_error:
                result["is_error"] = True
            results.append(result)
        assistant = {"role": "assistant", "content": [_block_param(block) for block in message.content]}
        return {**body, "messages": body["messages"] + [assistant, {"role": "user", "content": results}]}

    # -- one Messages request, with retries -------------------------------------------------------------
    def _send(self, call, body, streaming, price_row):
        """One Messages request with retries; ``streaming``: ``(on_text, on_round)`` or ``None``."""
        import anthropic
        import tenacity

        def attempt():
            call.attempts += 1
            if streaming is None:
                return self._sdk.messages.create(**body)
            return self._stream(call, body, streaming, price_row)

        def worth_retrying(exc):
            if isinstance(exc, _StreamCut):  # text already shown is never written a second time
                return not exc.emitted
            return is_transient(exc)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(worth_retrying),
            wait=self._wait,
            stop=self._stop,
            sleep=self._sleep,
            reraise=True,
            before_sleep=self._log_retry,
        )
        try:
            message = retrying(attempt)
        except _StreamCut as exc:
            call.answered = call.answered or exc.emitted
            raise call.error(
                ClaudeUnavailable,
                f"Claude's streamed answer was cut off ({_cut_reason(exc.error)})",
                interrupted=True,
                partial=exc.emitted,
                cause=_cut_reason(exc.error),
            ) from exc.error
        except anthropic.APIStatusError as exc:
            raise self._status_error(call, exc) from exc
        except anthropic.APIConnectionError as exc:
            kind = "timed out" if isinstance(exc, anthropic.APITimeoutError) else "could not be reached"
            raise call.error(ClaudeUnavailable, f"Claude {kind} after {call.attempts} attempt(s)") from exc
        except anthropic.AnthropicError as exc:  # e.g. a reply the SDK could not parse
            raise call.error(
                ClaudeUnavailable, f"Claude's reply could not be read: {type(exc).__name__}"
            ) from exc
        call.answered = True
        call.add(message.usage, price_row)
        return message

    def _stream(self, call, body, streaming, price_row):
        """One streamed reply: its text deltas to ``on_text``, then its stop reason to ``on_round``. A
        failure once the stream has begun (HTTP 200) raises ``_StreamCut``, its tokens counted so far."""
        on_text, on_round = streaming
        emitted = 0
        with self._sdk.messages.stream(**body) as stream:  # an HTTP error status raises here (retried)
            events = iter(stream)
            while True:
                try:
                    event = next(events, None)
                    if event is None:
                        message = stream.get_final_message()
                        break
                except Exception as exc:  # noqa: BLE001 - connection dropped, ``error`` event, bad data
                    self._count_cut_stream(call, stream, emitted, price_row)
                    raise _StreamCut(exc, emitted=emitted > 0) from exc
                if event.type == "text" and event.text:
                    emitted += len(event.text)
                    on_text(event.text)  # the caller's failures are not the stream's: not caught here
        if on_round is not None:
            on_round(message.stop_reason)
        return message

    @staticmethod
    def _count_cut_stream(call, stream, emitted_chars, price_row):
        """Count the tokens of a stream cut mid-way: its input (``message_start``) and its output so far
        (the SDK's count, at least the text handed over estimated at 4 characters a token)."""
        try:
            usage = stream.current_message_snapshot.usage
        except AssertionError:  # cut before ``message_start``: nothing known to count
            return
        usage = usage.model_copy(
            update={"output_tokens": max(usage.output_tokens or 0, -(-emitted_chars // 4))}
        )
        call.add(usage, price_row)

    def _status_error(self, call, exc):
        status = exc.status_code
        api_message = exc.api_message or str(exc)[:500]
        if (status < 500 and status not in (408, 429)) or _is_spend_limit(exc):
            call.answered = True  # Claude is up: it refused this request
        if _is_spend_limit(exc):
            return call.error(
                SpendLimitReached,
                f"Anthropic spend limit reached: {api_message}",
                status=status,
                error_code=exc.error_code,
            )
        if is_transient(exc):
            return call.error(
                ClaudeUnavailable,
                f"Claude is unavailable (HTTP {status}) after {call.attempts} attempt(s)",
                retry_after=retry_after_seconds(exc.response.headers),
                status=status,
            )
        if status in (401, 403):
            return call.error(
                ConfigurationError,
                f"Claude refused the API key (HTTP {status}): {api_message}",
                status=status,
            )
        return call.error(
            ClaudeRequestError,
            f"Claude refused the request (HTTP {status}): {api_message}",
            status=status,
            error_code=exc.error_code,
        )

    def _wait(self, retry_state):
        exc = retry_state.outcome.exception()
        asked = retry_after_seconds(getattr(getattr(exc, "response", None), "headers", None))
        if asked is not None:
            return asked
        backoff = min(
            self.settings.backoff_max_s, self.settings.backoff_base_s * 2 ** (retry_state.attempt_number - 1)
        )
        return random.uniform(backoff / 2, backoff)  # noqa: S311 - jitter, not cryptography

    def _stop(self, retry_state):
        if retry_state.attempt_number >= self.settings.max_attempts:
            return True
        return (
            retry_state.seconds_since_start + (retry_state.upcoming_sleep or 0)
            > self.settings.max_retry_time_s
        )

    @staticmethod
    def _log_retry(retry_state):
        exc = retry_state.outcome.exception()
        _logger.warning(
            "Claude attempt %s failed (%s); retrying in %.2f s",
            retry_state.attempt_number,
            getattr(exc, "status_code", type(exc).__name__),
            retry_state.upcoming_sleep,
        )

    @staticmethod
    def _warn_if_deprecated(model):
        deprecated, end_of_life = is_deprecated(model)
        if deprecated and model not in _warned_deprecated:
            _warned_deprecated.add(model)
            _logger.warning(
                "Claude model %s is deprecated (end of life %s); choose a current model in the settings",
                model,
                end_of_life or "unknown",
            )


def _cut_reason(error):
    """Why a stream broke, for the failure message: the API's error message, else the exception's name."""
    return getattr(error, "api_message", None) or type(error).__name__
