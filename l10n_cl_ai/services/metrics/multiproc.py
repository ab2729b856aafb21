"""prometheus_client's multiprocess mode under Odoo's prefork server, in plain Python.

Every process of a server writes its samples to memory-mapped files in ``PROMETHEUS_MULTIPROC_DIR``
(one directory per server); a scrape, whichever worker serves it, aggregates all of them. The directory
is emptied when the server starts (stale files of a previous run would add to the counters) and the files
of a dead worker's "live" gauges are removed when the server reaps it (``mark_dead``); its counters and
histograms stay, so totals never go down while the server runs.
"""

import contextlib
import glob
import os

from prometheus_client import CollectorRegistry, generate_latest, multiprocess

ENV_VAR = "PROMETHEUS_MULTIPROC_DIR"


def directory():
    """The multiprocess directory of this server, or ``None`` (each process exposes its own samples)."""
    return os.environ.get(ENV_VAR) or None


def ensure_dir():
    """Create the directory when it is set but missing (prometheus_client refuses a missing one)."""
    path = directory()
    if path:
        os.makedirs(path, exist_ok=True)
    return path


def reset_dir():
    """Remove every sample file of a previous run; call once, in the server's main process, at start.
    Returns the number of files removed."""
    path = ensure_dir()
    if not path:
        return 0
    removed = 0
    for name in glob.glob(os.path.join(path, "*.db")):
        with contextlib.suppress(FileNotFoundError):  # another process removed it first
            os.remove(name)
            removed += 1
    return removed


def mark_dead(pid):
    """Forget the live gauges of process ``pid`` (reaped by the server); counters are kept."""
    path = directory()
    if path and os.path.isdir(path):
        multiprocess.mark_process_dead(pid, path)


def exposition(*collectors):
    """Prometheus text of ``collectors`` (read at scrape time) followed by the processes' samples:
    aggregated over every process of the server in multiprocess mode, else this process' own."""
    scrape = CollectorRegistry(auto_describe=False)
    for collector in collectors:
        scrape.register(collector)
    text = generate_latest(scrape).decode()
    if directory():
        processes = CollectorRegistry(auto_describe=False)
        multiprocess.MultiProcessCollector(processes, path=ensure_dir())
        return text + generate_latest(processes).decode()
    from prometheus_client import REGISTRY

    return text + generate_latest(REGISTRY).decode()
