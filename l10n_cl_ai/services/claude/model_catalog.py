"""What the engine knows about each Claude model: label, minimum cacheable prompt length, deprecation.

Prices live in ``pricing.py`` (and, editable, in the ``l10n_cl_ai.model.price`` table); this module holds
the facts that are not money. Model ids are the ones listed in the installed SDK's ``anthropic.types.Model``
literal (anthropic 2.14.0).

Minimum cacheable prompt length (tokens): a ``cache_control`` breakpoint on a shorter prefix is silently
ignored by the API (the request is billed at the full input price). Sources, read 2026-10 through the
documentation search: Anthropic's prompt-caching page as quoted by LiteLLM's docs (last updated
2026-10-07) and DEV Community "Claude's prompt cache fails silently below 1,024 tokens": 512 for Opus 5,
Fable 5 and Mythos 5; 1,024 for Sonnet 5, Opus 4.8, Sonnet 4.6/4.5, Opus 4.1/4; 2,048 for Opus 4.7 (one
source says 4,096: we keep the larger); 4,096 for Opus 4.6, Opus 4.5, Haiku 4.5, Mythos Preview.
NOT CONFIRMED on Anthropic's own page: the 5.1/5.2/5.5 models (Sonnet 5.5, Opus 5.5, Haiku 5.5, Fable and
Mythos 5.1/5.2) are taken as 512 like the rest of the 5.x generation (issue #3). An unknown model gets the
largest known minimum, so a marker is never placed where no model would cache it.
"""

import datetime
import logging
import re
from dataclasses import dataclass

_logger = logging.getLogger(__name__)

DEFAULT_MODEL = "claude-sonnet-5-5"
CHEAP_MODEL = "claude-haiku-5-5"
DEFAULT_MIN_CACHEABLE_TOKENS = 4096


@dataclass(frozen=True)
class ModelInfo:
    model_id: str
    label: str
    min_cacheable_tokens: int


_MODELS = (
    ModelInfo("claude-sonnet-5-5", "Claude Sonnet 5.5", 512),
    ModelInfo("claude-haiku-5-5", "Claude Haiku 5.5", 512),
    ModelInfo("claude-opus-5-5", "Claude Opus 5.5", 512),
    ModelInfo("claude-fable-5-2", "Claude Fable 5.2", 512),
    ModelInfo("claude-fable-5-1", "Claude Fable 5.1", 512),
    ModelInfo("claude-fable-5", "Claude Fable 5", 512),
    ModelInfo("claude-mythos-5-2", "Claude Mythos 5.2", 512),
    ModelInfo("claude-mythos-5-1", "Claude Mythos 5.1", 512),
    ModelInfo("claude-mythos-5", "Claude Mythos 5", 512),
    ModelInfo("claude-opus-5", "Claude Opus 5", 512),
    ModelInfo("claude-sonnet-5", "Claude Sonnet 5", 1024),
    ModelInfo("claude-opus-4-8", "Claude Opus 4.8", 1024),
    ModelInfo("claude-opus-4-7", "Claude Opus 4.7", 4096),
    ModelInfo("claude-opus-4-6", "Claude Opus 4.6", 4096),
    ModelInfo("claude-sonnet-4-6", "Claude Sonnet 4.6", 1024),
    ModelInfo("claude-opus-4-5", "Claude Opus 4.5", 4096),
    ModelInfo("claude-haiku-4-5", "Claude Haiku 4.5", 4096),
    ModelInfo("claude-sonnet-4-5", "Claude Sonnet 4.5", 1024),
    ModelInfo("claude-mythos-preview", "Claude Mythos Preview", 4096),
)
MODELS = {info.model_id: info for info in _MODELS}

# (model id, label) pairs for a settings selection; the current models first.
KNOWN_MODELS = [(info.model_id, info.label) for info in _MODELS]

_DATE_SUFFIX = re.compile(r"-\d{8}$")


def base_model_id(model_id):
    """``claude-haiku-4-5-20251001`` -> ``claude-haiku-4-5`` (dated snapshots share the alias' facts)."""
    return _DATE_SUFFIX.sub("", (model_id or "").strip())


def model_info(model_id):
    """The ``ModelInfo`` of a model id (dated snapshots included), or ``None`` when unknown."""
    return MODELS.get((model_id or "").strip()) or MODELS.get(base_model_id(model_id))


def min_cacheable_tokens(model_id):
    """Shortest prefix (tokens) the API caches for this model; the largest known value for unknown ids."""
    info = model_info(model_id)
    return info.min_cacheable_tokens if info else DEFAULT_MIN_CACHEABLE_TOKENS


def sdk_model_ids():
    """Model ids listed in the installed SDK's ``anthropic.types.Model`` literal (empty if it moved)."""
    try:
        from typing import get_args

        from anthropic.types import Model
    except ImportError:
        return []
    ids = []
    for arg in get_args(Model):
        ids.extend(value for value in get_args(arg) if isinstance(value, str))
    return ids


_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)\b")


def _parse_eol(value):
    """``"November 30th, 2026"`` / ``"2026-11-30"`` -> ``date(2026, 11, 30)``; ``None`` if unparseable."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    text = _ORDINAL.sub(r"\1", value.strip())
    for fmt in ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _deprecated_models():
    try:
        from anthropic._data import DEPRECATED_MODELS
    except Exception:  # noqa: BLE001 - private SDK module: any import problem means "no data"
        _logger.debug("anthropic._data.DEPRECATED_MODELS is not available in this SDK version")
        return {}
    return DEPRECATED_MODELS if isinstance(DEPRECATED_MODELS, dict) else {}


def is_deprecated(model_id):
    """``(True, end_of_life_date_or_None)`` when the SDK lists the model as deprecated, else
    ``(False, None)``.

    Reads the SDK's private ``anthropic._data.DEPRECATED_MODELS`` defensively: a missing module or an
    unparseable date never raises.
    """
    deprecated = _deprecated_models()
    model_id = (model_id or "").strip()
    if model_id in deprecated:
        return True, _parse_eol(deprecated[model_id])
    return False, None
