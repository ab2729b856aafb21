"""Model catalog: ids the installed SDK knows, deprecation from the SDK, minimum cacheable lengths."""

import datetime

from services.claude.model_catalog import (
    CHEAP_MODEL,
    DEFAULT_MIN_CACHEABLE_TOKENS,
    DEFAULT_MODEL,
    KNOWN_MODELS,
    is_deprecated,
    min_cacheable_tokens,
    sdk_model_ids,
)


def test_default_and_cheap_models_are_listed_by_the_installed_sdk():
    ids = sdk_model_ids()
    assert DEFAULT_MODEL == "claude-sonnet-5-5" and DEFAULT_MODEL in ids
    assert CHEAP_MODEL == "claude-haiku-5-5" and CHEAP_MODEL in ids
    assert {model_id for model_id, _label in KNOWN_MODELS} <= set(ids)


def test_deprecation_comes_from_the_sdk_with_a_parsed_end_of_life():
    assert is_deprecated("claude-sonnet-4-5-20250929") == (True, datetime.date(2026, 11, 30))
    assert is_deprecated(DEFAULT_MODEL) == (False, None)
    assert is_deprecated(CHEAP_MODEL) == (False, None)
    assert is_deprecated("") == (False, None)
    assert is_deprecated(None) == (False, None)


def test_minimum_cacheable_length_per_model():
    assert min_cacheable_tokens("claude-sonnet-5-5") == 512
    assert min_cacheable_tokens("claude-haiku-5-5") == 512
    assert min_cacheable_tokens("claude-sonnet-4-6") == 1024
    assert min_cacheable_tokens("claude-haiku-4-5-20251001") == 4096  # dated snapshot of an alias
    assert min_cacheable_tokens("claude-new-thing") == DEFAULT_MIN_CACHEABLE_TOKENS == 4096
