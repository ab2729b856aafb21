"""Wire prometheus_client's multiprocess mode into Odoo's server (see services/metrics_multiproc.py).

Imported with the addon. In the server's main process, before any worker exists, the multiprocess directory
is emptied; Odoo's prefork server reaps a dead worker in ``PreforkServer.worker_pop(pid)``, which is wrapped
here to forget that worker's live gauges. The main process imports the addon when it preloads a database
(``-d``/``db_name``, or ``--load=base,web,l10n_cl_ai``): README, deployment.
"""

import logging
import os

from odoo.service import server as odoo_server
from odoo.tools import config

from .services.metrics import multiproc as metrics_multiproc

_logger = logging.getLogger(__name__)


def _wrap_worker_pop():
    prefork = odoo_server.PreforkServer
    if getattr(prefork.worker_pop, "_l10n_cl_ai_metrics", False):
        return
    original = prefork.worker_pop

    def worker_pop(self, pid):
        try:
            return original(self, pid)
        finally:
            metrics_multiproc.mark_dead(pid)

    worker_pop._l10n_cl_ai_metrics = True
    prefork.worker_pop = worker_pop


def _reset_at_server_start():
    """Empty the directory in a starting server's main process only: never in a worker, a shell, a test
    run or an ``--stop-after-init`` upgrade (they may share the directory of a running server)."""
    server = odoo_server.server
    if server is None or config.get("stop_after_init"):
        return
    if not isinstance(server, (odoo_server.PreforkServer, odoo_server.ThreadedServer)):
        return
    if server.pid != os.getpid() or getattr(server, "workers", None):
        return
    removed = metrics_multiproc.reset_dir()
    _logger.info(
        "l10n_cl_ai: metrics directory %s ready (%s stale files removed)",
        metrics_multiproc.directory(),
        removed,
    )


def install():
    metrics_multiproc.ensure_dir()
    _wrap_worker_pop()
    if metrics_multiproc.directory():
        _reset_at_server_start()


install()
