"""Exceptions raised by the engine.

Every exception carries a ``kind``: the Odoo layer turns it into a translated message for users
(``models/engine_messages.py``) and into the ``outcome`` of the usage row. ``retry_after`` (seconds)
is set where waiting helps; ``None`` means waiting will not help.
"""


class EngineError(Exception):
    """Base class of every engine failure."""

    kind = "error"

    def __init__(self, message="", retry_after=None, **details):
        super().__init__(message or self.kind)
        self.retry_after = retry_after
        self.details = details


class ConfigurationError(EngineError):
    """A setting is missing or invalid (API key, Redis URL, model id...). Fix the settings."""

    kind = "configuration"


class PriceMissing(ConfigurationError):
    """The model has no price row: calls are refused instead of being counted at $0."""

    kind = "price_missing"


class RateLimited(EngineError):
    """Our own limiter refused the call; ``retry_after`` says when a slot frees up."""

    kind = "rate_limited"


class BudgetExceeded(EngineError):
    """The company's daily or monthly budget is spent and ``budget_hard_stop`` is on."""

    kind = "budget_exceeded"


class CostCeilingExceeded(EngineError):
    """The worst-case cost of the request is above ``max_cost_per_request_usd``: nothing was sent."""

    kind = "cost_ceiling"


class CircuitOpen(EngineError):
    """Claude failed too often recently; calls are refused until the cool-down ends."""

    kind = "circuit_open"


class ClaudeUnavailable(EngineError):
    """Claude could not be reached or kept failing (429/529/5xx/timeouts) until retries ran out."""

    kind = "unavailable"


class ClaudeRequestError(EngineError):
    """Claude refused the request itself (4xx): retrying the same request cannot succeed."""

    kind = "bad_request"


class SpendLimitReached(ClaudeRequestError):
    """The Anthropic organisation's spend limit is reached (429 ``enforced_spend_limit_reached``)."""

    kind = "spend_limit"


class InvalidReply(EngineError):
    """Claude's reply did not match the requested JSON schema, even after one repair attempt."""

    kind = "invalid_reply"
