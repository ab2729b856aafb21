"""``bench/answer_quality.py`` without Odoo: without ``ANTHROPIC_API_KEY`` it says so and touches no
database; ``--only``/``--limit`` pick the questions; the totals are the shares and figures it prints."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import answer_quality  # noqa: E402 - after the path set-up above


def test_without_a_key_nothing_is_sent_and_no_database_is_touched(monkeypatch, capsys):
    def no_database(*_args, **_kwargs):
        raise AssertionError("a database was touched")

    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setattr(answer_quality, "scratch_registry", no_database)
    monkeypatch.setattr(sys, "argv", ["answer_quality.py", "--db", "no_such_db"])
    assert answer_quality.main() == 0
    out = capsys.readouterr().out
    assert "set ANTHROPIC_API_KEY" in out
    assert "nothing was sent" in out


def test_with_a_key_the_scratch_copy_is_used(monkeypatch):
    used = []

    class Stop(Exception):
        pass

    def scratch(source, conf, suffix):
        used.append((source, suffix))
        raise Stop

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setattr(answer_quality, "scratch_registry", scratch)
    monkeypatch.setattr(sys, "argv", ["answer_quality.py", "--db", "source_db", "--limit", "1"])
    with pytest.raises(Stop):
        answer_quality.main()
    assert used == [("source_db", "answer_quality")]


def test_only_and_limit_pick_the_questions():
    everything = answer_quality.load_questions()
    assert len(everything) >= 40
    rut = answer_quality.load_questions(only="rut")
    assert rut
    for question in rut:
        slugs = [s for entry in question["documents"] for s in ([entry] if isinstance(entry, str) else entry)]
        assert "rut" in slugs
    assert any(not isinstance(entry, str) for question in rut for entry in question["documents"])
    assert answer_quality.load_questions(limit=3) == everything[:3]
    assert answer_quality.load_questions(only="no-such-document") == []


def _result(all_facts, cites, cost, latency, found=1, total=1):
    return {
        "answer_kind": "answer",
        "all_facts": all_facts,
        "cites_sources": cites,
        "names_sources_in_text": False,
        "facts_found": found,
        "facts_total": total,
        "cost_usd": cost,
        "latency_ms": latency,
        "claude_ms": latency / 2,
    }


def test_totals():
    results = [
        _result(True, True, 0.01, 1000, 2, 2),
        _result(True, False, 0.02, 2000, 1, 1),
        _result(False, True, 0.03, 3000, 0, 1),
        _result(False, False, 0.04, 4000, 1, 2),
    ]
    summary = answer_quality.totals(results)
    assert summary["all_facts"] == 0.5
    assert summary["cites_sources"] == 0.5
    assert summary["both"] == 0.25
    assert summary["facts_found"] == 4 / 6
    assert summary["cost_usd_total"] == pytest.approx(0.10)
    assert summary["cost_usd_mean"] == pytest.approx(0.025)
    assert summary["latency_ms_mean"] == 2500
    assert summary["latency_ms_p95"] == 4000
