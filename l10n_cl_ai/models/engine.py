"""``l10n_cl_ai.engine``: the single place that reads engine settings and builds service objects.

Service objects are cached per worker process, keyed on the database and on a fingerprint of the
settings. ``ir.config_parameter.get_param`` is an ``ormcache`` that Odoo invalidates in every worker
through its registry cache signalling when any worker calls ``set_param``: the next request of another
worker reads the new values, gets a new fingerprint and rebuilds its services. No restart needed.
"""

import logging
import threading

from odoo import api, models

from ..services import settings as engine_settings
from ..services.service_bundle import ServiceBundle

_logger = logging.getLogger(__name__)

_BUNDLES = {}
_BUNDLES_LOCK = threading.Lock()


class L10nClAiEngine(models.AbstractModel):
    _name = "l10n_cl_ai.engine"
    _description = "Chilean AI engine (settings and services)"

    @api.model
    def _read_settings(self):
        """Engine settings from ``ir.config_parameter`` (the only reader of those parameters)."""
        params = self.env["ir.config_parameter"].sudo()
        raw = {
            name: params.get_param(engine_settings.param_key(name))
            for name in engine_settings.FIELD_NAMES
        }
        return engine_settings.from_params(raw)

    @api.model
    def _knowledge_version(self):
        return self.env["ir.config_parameter"].sudo().get_param("l10n_cl_ai.knowledge_version") or "0"

    @api.model
    def _services(self):
        """This worker's :class:`ServiceBundle` for the current settings, built on first use."""
        settings = self._read_settings()
        key = (self.env.cr.dbname, settings.fingerprint())
        bundle = _BUNDLES.get(key)
        if bundle is None:
            with _BUNDLES_LOCK:
                bundle = _BUNDLES.get(key)
                if bundle is None:
                    stale = [k for k in _BUNDLES if k[0] == key[0]]
                    for old_key in stale:
                        _BUNDLES.pop(old_key).close()
                    bundle = ServiceBundle(settings)
                    _BUNDLES[key] = bundle
                    _logger.info("l10n_cl_ai: engine services built for database %s", key[0])
        return bundle

    @api.model
    def _bump_knowledge_version(self):
        """Tell every worker that the knowledge base changed (through the parameter's ormcache)."""
        params = self.env["ir.config_parameter"].sudo()
        version = int(params.get_param("l10n_cl_ai.knowledge_version") or 0) + 1
        params.set_param("l10n_cl_ai.knowledge_version", str(version))
        return version
