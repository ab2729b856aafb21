"""Where to put prompt-cache breakpoints (``cache_control``) in a Messages API request body.

The API caches the prefix of a request up to a breakpoint, in the order tools -> system -> messages, but
only when that prefix reaches the model's minimum cacheable length; a shorter prefix is billed at the full
price without any error. So a breakpoint goes only where the prefix is long enough, at most four per
request, and only at the end of a part that stays stable between calls (the tool list, a system part, the
conversation history), never on the variable last turn unless the caller continues the conversation (a
tool loop), where the next round reads what this round wrote.
"""

import copy
import json
import math
from dataclasses import dataclass

MAX_BREAKPOINTS = 4
CHARS_PER_TOKEN = 4


def _without_cache_control(value):
    if isinstance(value, dict):
        return {key: _without_cache_control(item) for key, item in value.items() if key != "cache_control"}
    if isinstance(value, list):
        return [_without_cache_control(item) for item in value]
    return value


def estimate_tokens(value):
    """Local token estimate of a block, a list of blocks or a string: ~4 characters of its JSON per token."""
    if isinstance(value, str):
        return math.ceil(len(value) / CHARS_PER_TOKEN)
    text = json.dumps(_without_cache_control(value), ensure_ascii=False, sort_keys=True)
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def message_blocks(message):
    """The content blocks of a message (a string content becomes one text block)."""
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return list(content or [])


def estimate_request_tokens(body):
    """Local estimate of all input tokens of a request body (tools, system, messages)."""
    return sum(tokens for _kind, _index, tokens in _blocks_in_prefix_order(body))


def _system_blocks(system):
    if not system:
        return []
    if isinstance(system, str):
        return [{"type": "text", "text": system}]
    return list(system)


def _blocks_in_prefix_order(body):
    """(kind, index, estimated tokens) of every cacheable block, in the API's prefix order."""
    for index, tool in enumerate(body.get("tools") or []):
        yield "tool", index, estimate_tokens(tool)
    for index, block in enumerate(_system_blocks(body.get("system"))):
        yield "system", index, estimate_tokens(block)
    for index, message in enumerate(body.get("messages") or []):
        yield "message", index, sum(estimate_tokens(block) for block in message_blocks(message))


@dataclass(frozen=True)
class Breakpoint:
    """A placed ``cache_control`` marker: on ``kind`` number ``index`` (its last block for a message)."""

    kind: str
    index: int
    prefix_tokens: int


def _candidates(body, cache_last_message):
    """Ends of stable parts, with the estimated length of the prefix they close."""
    tools = body.get("tools") or []
    messages = body.get("messages") or []
    wanted = set()
    if tools:
        wanted.add(("tool", len(tools) - 1))
    wanted.update(("system", index) for index in range(len(_system_blocks(body.get("system")))))
    if len(messages) >= 2:
        wanted.add(("message", len(messages) - 2))
    if cache_last_message and messages:
        wanted.add(("message", len(messages) - 1))
    prefix = 0
    for kind, index, tokens in _blocks_in_prefix_order(body):
        prefix += tokens
        if (kind, index) in wanted:
            yield kind, index, prefix


def choose_breakpoints(
    body, min_tokens, scale=1.0, cache_last_message=False, max_breakpoints=MAX_BREAKPOINTS
):
    """Breakpoints for ``body``: ends of stable parts whose prefix reaches ``min_tokens``.

    ``scale`` corrects the local estimate (the API's count of the request / our estimate of it). With more
    eligible places than ``max_breakpoints``, the earliest ones (most stable, reusable when later parts
    change) and the last one (longest cached prefix) are kept.
    """
    eligible = [
        Breakpoint(kind, index, round(prefix * scale))
        for kind, index, prefix in _candidates(body, cache_last_message)
        if prefix * scale >= min_tokens
    ]
    if len(eligible) > max_breakpoints:
        eligible = eligible[: max_breakpoints - 1] + eligible[-1:]
    return eligible


def apply_breakpoints(body, breakpoints, ttl="5m"):
    """A copy of ``body`` with only the given ``cache_control`` markers (the caller's own are removed)."""
    marker = {"type": "ephemeral"} if ttl == "5m" else {"type": "ephemeral", "ttl": ttl}
    result = _without_cache_control(copy.deepcopy(body))
    if isinstance(result.get("system"), str):
        result["system"] = _system_blocks(result["system"])
    for point in breakpoints:
        if point.kind == "tool":
            result["tools"][point.index]["cache_control"] = dict(marker)
        elif point.kind == "system":
            result["system"][point.index]["cache_control"] = dict(marker)
        else:
            message = result["messages"][point.index]
            blocks = message_blocks(message)
            blocks[-1] = {**blocks[-1], "cache_control": dict(marker)}
            message["content"] = blocks
    return result
