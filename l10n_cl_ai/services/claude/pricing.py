"""Cost of a Claude usage from a plain price row (USD per million tokens).

No fixed formula: cache multipliers differ per model (a cache hit is 0.1x input on most models, 0.05x on
Sonnet 5.5 and Opus 5.5) and Haiku 5.5 bills every token of a request at a higher tier when its prompt
(input + cache reads + cache writes) is above 100,000 tokens. Price rows are records written by system
administrators (``l10n_cl_ai.model.price``); ``DEFAULT_PRICES`` below are the defaults shipped with the addon.
"""

from dataclasses import asdict, dataclass

from .errors import PriceMissing
from .model_catalog import base_model_id

MILLION = 1_000_000


@dataclass(frozen=True)
class Usage:
    """Tokens of one or more Messages API responses, by kind (``input_tokens`` is the uncached part)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def prompt_tokens(self):
        """Every input token of the request, cached or not (what the long-prompt tier threshold counts)."""
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens

    def __add__(self, other):
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
        )

    def as_dict(self):
        return asdict(self)


@dataclass(frozen=True)
class PriceRow:
    """Prices of one model, USD per million tokens.

    ``long_prompt_threshold``: above this many prompt tokens in one request, every token of that request
    is billed with the multipliers (input-side prices x ``long_input_multiplier``, output x
    ``long_output_multiplier``). ``None`` = no such tier.
    """

    model: str
    input: float
    output: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float
    long_prompt_threshold: int | None = None
    long_input_multiplier: float = 1.0
    long_output_multiplier: float = 1.0
    valid_from: str | None = None

    def cache_write(self, cache_ttl="5m"):
        if cache_ttl == "1h":
            return self.cache_write_1h
        if cache_ttl == "5m":
            return self.cache_write_5m
        raise ValueError(f"unknown cache TTL {cache_ttl!r} (expected '5m' or '1h')")

    def multipliers(self, prompt_tokens):
        """(input-side, output) multipliers that apply to a request with ``prompt_tokens`` prompt tokens."""
        if self.long_prompt_threshold is not None and prompt_tokens > self.long_prompt_threshold:
            return self.long_input_multiplier, self.long_output_multiplier
        return 1.0, 1.0

    def as_dict(self):
        return asdict(self)


def cost_usd(usage, price_row, cache_ttl="5m"):
    """USD cost of ONE request's ``usage`` (the long-prompt tier is decided per request).

    Cache writes are priced at the rate of ``cache_ttl`` (the TTL the request's breakpoints used).
    """
    if price_row is None:
        raise PriceMissing("no price row")
    input_mult, output_mult = price_row.multipliers(usage.prompt_tokens)
    input_side = (
        usage.input_tokens * price_row.input
        + usage.cache_write_tokens * price_row.cache_write(cache_ttl)
        + usage.cache_read_tokens * price_row.cache_read
    )
    total = input_side * input_mult + usage.output_tokens * price_row.output * output_mult
    return round(total / MILLION, 8)


def worst_case_cost_usd(input_tokens, max_tokens, price_row, cache_ttl="5m", caching=False):
    """Most a request with ``input_tokens`` prompt tokens and ``max_tokens`` output can cost.

    With ``caching`` every prompt token may be a cache write, which costs more than plain input.
    """
    input_price = max(price_row.input, price_row.cache_write(cache_ttl)) if caching else price_row.input
    input_mult, output_mult = price_row.multipliers(input_tokens)
    total = input_tokens * input_price * input_mult + max_tokens * price_row.output * output_mult
    return round(total / MILLION, 8)


def price_for(model_id, rows):
    """The row of ``model_id`` among ``rows`` (a mapping model -> row, or an iterable of rows).

    A dated snapshot id (``claude-haiku-4-5-20251001``) falls back to its alias' row. The latest
    ``valid_from`` wins when several rows name the model. No row -> ``PriceMissing``: a call must be
    refused rather than counted at $0.
    """
    row = None
    for wanted in dict.fromkeys((model_id, base_model_id(model_id))):
        if hasattr(rows, "get"):
            row = rows.get(wanted)
        else:
            candidates = [row for row in rows if row.model == wanted]
            row = max(candidates, key=lambda r: r.valid_from or "") if candidates else None
        if row is not None:
            break
    if row is None:
        raise PriceMissing(f"no price for model {model_id!r}", model=model_id)
    return row


# Defaults for the current models, USD per million tokens, read on 2026-11-25 through the documentation
# search (no direct internet access here):
# - Anthropic, "Pricing", https://platform.claude.com/docs/en/about-claude/pricing (model pricing table):
#   Fable 5.1, Mythos 5.1, Fable 5, Mythos 5, Opus 5, Opus 4.8/4.7/4.6/4.5, Opus 4.1; the older snapshot
#   of the same page: Sonnet 4.6/4.5, Haiku 4.5.
# - Anthropic model overview pages, https://platform.claude.com/docs/<lang>/models/<model>/overview:
#   Opus 5.5 ($4 / $5 / $8 / $0.20 / $20), Sonnet 5 ($2 / $2.50 / $4 / $0.20 / $10), Sonnet 5.5 input,
#   output and cache writes ($2 / $2.50 / $4 / $10), Haiku 5.5 "from $0.10 / $0.50".
# NOT CONFIRMED on an Anthropic page (taken from third-party trackers that cite the live pricing page:
# kurofune/claudit v1.9.2 "refresh against the live pricing page on 2026-10-24", TheKrush/PromptFuel
# v1.0.23, apidog "How to use the Claude Haiku 5.5 API", 2026-10-08):
#   - Sonnet 5.5 cache hit $0.10 (cut from $0.20 on 2026-10-07; the overview snapshot still shows $0.20);
#   - Haiku 5.5 cache writes $0.125 / $0.20 and hit $0.01, and its long-prompt tier: above 100,000 prompt
#     tokens every token of the request costs 5x ($0.50 / $0.625 / $1.00 / $0.05 / $2.50).
# Fable 5.2 and Mythos 5.2 have no published price here: they get no default row (calls are refused).
DEFAULT_PRICES = (
    PriceRow("claude-sonnet-5-5", 2.0, 10.0, 2.5, 4.0, 0.10, valid_from="2026-10-07"),
    PriceRow(
        "claude-haiku-5-5",
        0.10,
        0.50,
        0.125,
        0.20,
        0.01,
        long_prompt_threshold=100_000,
        long_input_multiplier=5.0,
        long_output_multiplier=5.0,
        valid_from="2026-10-07",
    ),
    PriceRow("claude-opus-5-5", 4.0, 20.0, 5.0, 8.0, 0.20),
    PriceRow("claude-fable-5-1", 10.0, 50.0, 12.5, 20.0, 0.25),
    PriceRow("claude-mythos-5-1", 10.0, 50.0, 12.5, 20.0, 0.25),
    PriceRow("claude-fable-5", 10.0, 50.0, 12.5, 20.0, 1.0),
    PriceRow("claude-mythos-5", 10.0, 50.0, 12.5, 20.0, 1.0),
    PriceRow("claude-opus-5", 5.0, 25.0, 6.25, 10.0, 0.50),
    PriceRow("claude-sonnet-5", 2.0, 10.0, 2.5, 4.0, 0.20),
    PriceRow("claude-opus-4-8", 5.0, 25.0, 6.25, 10.0, 0.50),
    PriceRow("claude-opus-4-7", 5.0, 25.0, 6.25, 10.0, 0.50),
    PriceRow("claude-opus-4-6", 5.0, 25.0, 6.25, 10.0, 0.50),
    PriceRow("claude-opus-4-5", 5.0, 25.0, 6.25, 10.0, 0.50),
    PriceRow("claude-sonnet-4-6", 3.0, 15.0, 3.75, 6.0, 0.30),
    PriceRow("claude-sonnet-4-5", 3.0, 15.0, 3.75, 6.0, 0.30),
    PriceRow("claude-haiku-4-5", 1.0, 5.0, 1.25, 2.0, 0.10),
)
DEFAULT_PRICES_BY_MODEL = {row.model: row for row in DEFAULT_PRICES}
