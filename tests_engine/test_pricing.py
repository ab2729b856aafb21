"""Cost of a usage from a price row: per-model cache multipliers, TTLs, Haiku 5.5's long-prompt tier."""

import pytest

from services.claude.errors import PriceMissing
from services.claude.model_catalog import CHEAP_MODEL, DEFAULT_MODEL, KNOWN_MODELS
from services.claude.pricing import (
    DEFAULT_PRICES,
    DEFAULT_PRICES_BY_MODEL,
    PriceRow,
    Usage,
    cost_usd,
    price_for,
    worst_case_cost_usd,
)

SONNET_55 = DEFAULT_PRICES_BY_MODEL["claude-sonnet-5-5"]
HAIKU_55 = DEFAULT_PRICES_BY_MODEL["claude-haiku-5-5"]


def test_cost_counts_every_kind_of_token_at_its_own_price():
    usage = Usage(input_tokens=1000, output_tokens=500, cache_read_tokens=2000, cache_write_tokens=3000)
    # Sonnet 5.5: 2 input, 10 output, 2.50 5m write, 0.10 hit per MTok
    assert cost_usd(usage, SONNET_55) == pytest.approx((1000 * 2 + 500 * 10 + 2000 * 0.10 + 3000 * 2.5) / 1e6)
    assert cost_usd(usage, SONNET_55, cache_ttl="1h") == pytest.approx(
        (1000 * 2 + 500 * 10 + 2000 * 0.10 + 3000 * 4.0) / 1e6
    )
    with pytest.raises(ValueError):
        cost_usd(usage, SONNET_55, cache_ttl="10m")


@pytest.mark.parametrize(
    "model, hit_ratio",
    [
        ("claude-sonnet-5-5", 0.05),
        ("claude-opus-5-5", 0.05),
        ("claude-haiku-5-5", 0.1),
        ("claude-haiku-4-5", 0.1),
        ("claude-opus-4-8", 0.1),
        ("claude-fable-5-1", 0.025),
    ],
)
def test_cache_hit_multiplier_differs_per_model(model, hit_ratio):
    row = DEFAULT_PRICES_BY_MODEL[model]
    read = cost_usd(Usage(cache_read_tokens=1_000_000), row)
    plain = cost_usd(Usage(input_tokens=1_000_000), row)
    assert read == pytest.approx(plain * hit_ratio)


def test_cached_call_is_cheaper_than_the_same_call_uncached_but_the_write_costs_more():
    cold = Usage(input_tokens=50, output_tokens=300, cache_write_tokens=5000)
    warm = Usage(input_tokens=50, output_tokens=300, cache_read_tokens=5000)
    uncached = Usage(input_tokens=5050, output_tokens=300)
    for row in (SONNET_55, HAIKU_55, DEFAULT_PRICES_BY_MODEL["claude-opus-4-6"]):
        assert cost_usd(warm, row) < cost_usd(uncached, row) < cost_usd(cold, row)


def test_haiku_5_5_bills_every_token_at_the_long_tier_above_100k_prompt_tokens():
    at_threshold = Usage(input_tokens=60_000, cache_read_tokens=40_000, output_tokens=1000)
    above = Usage(input_tokens=60_001, cache_read_tokens=40_000, output_tokens=1000)
    assert cost_usd(at_threshold, HAIKU_55) == pytest.approx(
        (60_000 * 0.10 + 40_000 * 0.01 + 1000 * 0.50) / 1e6
    )
    assert cost_usd(above, HAIKU_55) == pytest.approx((60_001 * 0.50 + 40_000 * 0.05 + 1000 * 2.50) / 1e6)
    # Sonnet 5.5 has no such tier
    assert cost_usd(above, SONNET_55) == pytest.approx((60_001 * 2 + 40_000 * 0.10 + 1000 * 10) / 1e6)


def test_worst_case_assumes_max_tokens_and_cache_writes_when_caching():
    assert worst_case_cost_usd(10_000, 2000, SONNET_55) == pytest.approx((10_000 * 2 + 2000 * 10) / 1e6)
    assert worst_case_cost_usd(10_000, 2000, SONNET_55, caching=True) == pytest.approx(
        (10_000 * 2.5 + 2000 * 10) / 1e6
    )
    assert worst_case_cost_usd(200_000, 1000, HAIKU_55) == pytest.approx((200_000 * 0.5 + 1000 * 2.5) / 1e6)


def test_missing_price_is_refused_not_counted_as_zero():
    with pytest.raises(PriceMissing) as missing:
        price_for("claude-fable-5-2", DEFAULT_PRICES)
    assert missing.value.kind == "price_missing"
    assert missing.value.details["model"] == "claude-fable-5-2"
    with pytest.raises(PriceMissing):
        price_for("claude-unknown", DEFAULT_PRICES_BY_MODEL)
    with pytest.raises(PriceMissing):
        cost_usd(Usage(input_tokens=1), None)


def test_price_lookup_dated_snapshot_and_latest_valid_from():
    assert price_for("claude-haiku-4-5-20251001", DEFAULT_PRICES).model == "claude-haiku-4-5"
    old = PriceRow("claude-sonnet-5-5", 2.0, 10.0, 2.5, 4.0, 0.20, valid_from="2026-09-01")
    assert price_for("claude-sonnet-5-5", [old, SONNET_55]).cache_read == 0.10
    assert price_for("claude-sonnet-5-5", [SONNET_55, old]).cache_read == 0.10


def test_default_and_cheap_models_have_prices_and_every_row_is_a_known_model():
    known = {model_id for model_id, _label in KNOWN_MODELS}
    assert DEFAULT_MODEL in DEFAULT_PRICES_BY_MODEL and CHEAP_MODEL in DEFAULT_PRICES_BY_MODEL
    assert {row.model for row in DEFAULT_PRICES} <= known
    for row in DEFAULT_PRICES:
        assert 0 < row.cache_read < row.input < row.cache_write_5m < row.cache_write_1h, row.model
        assert row.output > row.input, row.model
