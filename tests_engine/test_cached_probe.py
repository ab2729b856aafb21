"""shared_state.CachedProbe: what /health uses so that a hanging Redis is probed once per period."""

import threading

from services.redis_state.shared_state import CachedProbe


class ManualClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_the_probe_runs_once_per_period_and_callers_between_get_its_answer():
    clock = ManualClock()
    answers = iter(["first", "second"])
    probe = CachedProbe(lambda: next(answers), ttl_s=5, clock=clock)
    assert [probe.get() for _ in range(10)] == ["first"] * 10
    clock.now += 4.9
    assert probe.get() == "first" and probe.probes == 1
    clock.now += 0.1
    assert probe.get() == "second" and probe.probes == 2


def test_callers_do_not_wait_behind_a_probe_in_progress():
    started, release = threading.Event(), threading.Event()

    def slow_probe():
        started.set()
        release.wait(30)
        return "late"

    probe = CachedProbe(slow_probe, ttl_s=5, pending="unknown")
    worker = threading.Thread(target=probe.get)
    worker.start()
    assert started.wait(30)
    assert [probe.get() for _ in range(5)] == ["unknown"] * 5  # no second probe, no waiting
    release.set()
    worker.join(30)
    assert probe.get() == "late" and probe.probes == 1
