"""``WorkerCache``: one value per database in this worker process (the engine's services, the knowledge
index), built once on first use under a lock (double-checked: the common path takes no lock) and
replaced when its key changes (a setting, the knowledge version); the value it replaces is dropped."""

import threading


class WorkerCache:
    def __init__(self, on_drop=None):
        self._values = {}  # (database name, *version) -> value
        self._lock = threading.Lock()
        self._on_drop = on_drop  # called with a value that a newer key of its database replaced

    def get(self, key, build):
        """The value of ``key`` (a tuple whose first item is the database name), ``build()`` on a miss;
        the values of the same database under other keys are dropped then."""
        value = self._values.get(key)
        if value is not None:
            return value
        with self._lock:
            value = self._values.get(key)
            if value is None:
                for old_key in [k for k in self._values if k[0] == key[0]]:
                    dropped = self._values.pop(old_key)
                    if self._on_drop:
                        self._on_drop(dropped)
                value = build()
                self._values[key] = value
        return value

    def clear(self):
        with self._lock:
            self._values.clear()

    def __len__(self):
        return len(self._values)
