"""``l10n_cl_ai.knowledge.index``: the knowledge base's search index, one per knowledge version.

Indexes are saved under ``<data_dir>/l10n_cl_ai/<db>/knowledge/<source hash>/`` and memory-mapped by
every worker: a worker whose version is stale finds the index another worker saved (no embedding), and
only the first worker after a change embeds, through the shared embedding cache. An edit of the
knowledge base bumps ``l10n_cl_ai.knowledge_version`` (a parameter: its ormcache tells every worker).
"""

import hashlib
import json
import logging
import os
import secrets

from odoo import api, models
from odoo.tools import config

from ..services.worker_cache import WorkerCache

_logger = logging.getLogger(__name__)

_INDEXES = WorkerCache()  # (db, version, embedding model) -> KnowledgeIndex, in this worker
VERSION_PARAM = "l10n_cl_ai.knowledge_version"


class L10nClAiKnowledgeIndex(models.AbstractModel):
    _name = "l10n_cl_ai.knowledge.index"
    _description = "AI knowledge index (per worker, per knowledge version)"

    @api.model
    def _version(self):
        return self.env["ir.config_parameter"].sudo().get_param(VERSION_PARAM) or "0"

    @api.model
    def _bump_version(self):
        """Tell every worker that the knowledge base changed (through the parameter's ormcache).

        The version is ``<count>-<random>``: a count alone repeats after a rollback (a transaction that
        bumped 4 to 5, searched and rolled back leaves 4, and the next edit's 5 would find the index this
        worker built for the rolled-back contents)."""
        params = self.env["ir.config_parameter"].sudo()
        count = (params.get_param(VERSION_PARAM) or "0").split("-")[0]
        version = f"{int(count) + 1 if count.isdigit() else 1}-{secrets.token_hex(4)}"
        params.set_param(VERSION_PARAM, version)
        return version

    @api.model
    def _root(self):
        return os.path.join(config["data_dir"], "l10n_cl_ai", self.env.cr.dbname, "knowledge")

    @api.model
    def _get(self):
        """This worker's index for the current knowledge version, loaded or built once."""
        bundle = self.env["l10n_cl_ai.engine"]._services()
        embedder = bundle.embedder
        key = (self.env.cr.dbname, self._version(), bundle.settings.embedding_model)
        return _INDEXES.get(key, lambda: self._load_or_build(embedder))

    @api.model
    def _load_or_build(self, embedder):
        """The index of the current chunks: the saved copy when there is one, else built and saved."""
        from ..services.knowledge.search import KnowledgeIndex

        chunks = self.env["l10n_cl_ai.knowledge.document"]._index_chunks()
        source_hash = _source_hash(chunks, embedder.model_id)
        root = os.path.join(self._root(), source_hash)
        for content_hash in KnowledgeIndex.saved_hashes(root):
            try:
                return KnowledgeIndex.load(KnowledgeIndex.path_for(root, content_hash), embedder)
            except (OSError, ValueError) as error:  # an older format or a damaged copy: rebuild it
                _logger.warning("l10n_cl_ai: ignoring saved knowledge index %s: %s", content_hash, error)
                KnowledgeIndex.prune(root, keep=())
        index = KnowledgeIndex.build(chunks, embedder)
        index.save(root)
        _logger.info("l10n_cl_ai: knowledge index built (%s chunks, %s)", index.size, index.kind)
        KnowledgeIndex.prune_sources(self._root(), current=source_hash)
        return index


def _source_hash(chunks, model_id):
    """Identifies what an index is built from: the chunks (ids, scopes, texts) and the embedding model."""
    digest = hashlib.sha256(model_id.encode())
    digest.update(json.dumps(chunks, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:32]
