"""Engine tests: plain pytest, no Odoo. `services` and the test `fakes` are importable by name."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai"))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai", "tests"))

import pytest  # noqa: E402 - after the path set-up above

from fakes.fake_anthropic import FakeAnthropic  # noqa: E402


@pytest.fixture
def fake():
    """A fake Anthropic Messages API on 127.0.0.1 (scripted replies), for one test."""
    with FakeAnthropic() as server:
        yield server
