"""The per-worker cache: built once per key, even by threads racing on a miss; a new key of the same
database replaces (and drops) the old value; other databases keep theirs."""

import threading

from services.worker_cache import WorkerCache


def test_one_build_per_key_even_when_threads_race_on_the_miss():
    cache, built, start = WorkerCache(), [], threading.Barrier(8)

    def build():
        built.append(1)
        return object()

    values = []

    def worker():
        start.wait()
        values.append(cache.get(("db", 1), build))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and len({id(value) for value in values}) == 1


def test_a_new_key_of_a_database_drops_its_old_value_only():
    dropped = []
    cache = WorkerCache(on_drop=dropped.append)
    old = cache.get(("db", 1), lambda: "v1")
    other = cache.get(("other", 1), lambda: "o1")
    assert cache.get(("db", 2), lambda: "v2") == "v2"
    assert dropped == [old] and cache.get(("other", 1), lambda: "rebuilt") == other
    assert len(cache) == 2
    cache.clear()
    assert not cache
