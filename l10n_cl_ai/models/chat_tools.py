"""``l10n_cl_ai.chat.tools``: which read-only tools the bot offers a user, and how a tool call runs.

A tool runs as the asking user (their access rights, the companies they had selected), never as
superuser, on a cursor of its own that cannot write: a transaction set ``READ ONLY`` in PostgreSQL, and
inside it a savepoint that is always rolled back (in the test registry, where the cursor wraps the
test's transaction, the savepoint alone does it). A buggy or manipulated tool can therefore read only
what the user may read and change nothing. What each call read is written to the audit
(``l10n_cl_ai.chat.read``) on its own committed cursor, like the usage ledger.
"""

import contextlib
import json
import logging

from odoo import api, models, sql_db

from ..services.chat.conversation import tool_result_json
from ..services.plugins import tool_catalog
from .chat_tool_impls import BOOK_TOOLS
from .chat_tool_knowledge import KNOWLEDGE_TOOL, search_knowledge, tool_rows
from .chat_tool_payroll import PAYROLL_TOOLS

_logger = logging.getLogger(__name__)

MAX_ROWS = 50
MAX_RESULT_CHARS = 12000
MANAGER_ONLY = frozenset({"consumo_ia"})
BOOK_TOOLS.update(PAYROLL_TOOLS)  # the payroll expert's tools, same contract (one table, patchable)


class L10nClAiChatTools(models.AbstractModel):
    _name = "l10n_cl_ai.chat.tools"
    _description = "Read-only tools of the Discuss bot"

    @api.model
    def _offered(self, plugin):
        """Tool definitions for ``plugin`` the current user can use: implemented here, on a model they
        may read, manager-only tools for AI managers only."""
        specs = {spec.name: spec for spec in (*plugin.tool_specs, *tool_catalog.CHAT_COMMON)}
        is_manager = self.env.user.has_group("l10n_cl_ai.group_manager")
        offered = []
        for name, spec in specs.items():
            if name not in BOOK_TOOLS or (name in MANAGER_ONLY and not is_manager):
                continue
            if spec.model not in self.env or not self.env[spec.model].has_access("read"):
                continue
            offered.append(spec.to_anthropic())
        return offered

    @api.model
    def _knowledge_offered(self):
        """``[buscar_normativa]`` when the current user may read the knowledge base, else ``[]``."""
        spec = tool_catalog.BUSCAR_NORMATIVA
        return [spec.to_anthropic()] if self.env[spec.model].has_access("read") else []

    @api.model
    def _executor(self, request, offered_names, shared_only=False):
        """``execute(name, input) -> (text, is_error)`` for the Claude client; ``execute.reads`` lists
        ``(model, ids)`` of what the calls read, for the reply's links; ``execute.passages`` the knowledge
        passages ``buscar_normativa`` found, cited like the first ones (``shared_only``: it searches the
        documents shared by every company only)."""
        reads, passages = [], []

        def execute(name, tool_input):
            if name not in offered_names:
                return json.dumps({"error": f"herramienta no disponible: {name}"}), True
            if name == KNOWLEDGE_TOOL:
                return search(tool_input)
            try:
                with self._read_only_env() as env:
                    rows, records = BOOK_TOOLS[name](env, dict(tool_input or {}))
                    env.flush_all()  # a write attempted by the tool reaches the database here, and fails
                    read = [(r._name, r.ids) for r in _recordsets(records) if r]
            except Exception as error:  # noqa: BLE001 - Claude is told the tool failed, the answer goes on
                _logger.info("Discuss bot tool %s failed for user %s: %s", name, self.env.uid, error)
                return json.dumps({"error": _error_text(error)}, ensure_ascii=False), True
            self._audit(request, name, tool_input, read)
            reads.extend(read)
            return tool_result_json(rows, max_rows=MAX_ROWS, max_chars=MAX_RESULT_CHARS), False

        def search(tool_input):
            try:
                hits, documents = search_knowledge(self.env, dict(tool_input or {}), shared_only=shared_only)
            except Exception as error:  # noqa: BLE001 - Claude is told the search failed, the answer goes on
                _logger.info("Discuss bot knowledge search failed for user %s: %s", self.env.uid, error)
                return json.dumps({"error": _error_text(error)}, ensure_ascii=False), True
            self._audit(request, KNOWLEDGE_TOOL, tool_input, [(documents._name, documents.ids)])
            passages.extend(hits)
            return tool_result_json(tool_rows(hits), max_rows=MAX_ROWS, max_chars=MAX_RESULT_CHARS), False

        execute.reads = reads
        execute.passages = passages
        return execute

    @contextlib.contextmanager
    def _read_only_env(self):
        """An environment of the current user and context on a cursor that cannot write; whatever
        happens inside is rolled back."""
        registry = self.env.registry
        cr = registry.cursor()
        try:
            if isinstance(cr, sql_db.Cursor):  # a real connection (not the test registry's wrapper)
                cr.execute("SET TRANSACTION READ ONLY")
            savepoint = cr.savepoint(flush=False)
            env = api.Environment(cr, self.env.uid, dict(self.env.context))
            try:
                yield env
            finally:
                env.invalidate_all(flush=False)
                savepoint.close(rollback=True)
        finally:
            cr.rollback()
            cr.close()

    @api.model
    def _audit(self, request, tool, arguments, reads):
        """One audit row per model read by a tool call, on its own cursor, committed at once."""
        call = {
            "request_id": request.id,
            "user_id": self.env.uid,
            "company_id": request.company_id.id,
            "tool": tool,
            "arguments": json.dumps(arguments or {}, ensure_ascii=False, default=str)[:2000],
        }
        values = [
            dict(call, res_model=model, res_ids=json.dumps(ids), count=len(ids)) for model, ids in reads
        ] or [dict(call, count=0)]
        with self.env.registry.cursor() as cr:
            self.env(cr=cr, su=True)["l10n_cl_ai.chat.read"].create(values)


def _recordsets(records):
    return records if isinstance(records, (tuple, list)) else [records]


def _error_text(error):
    message = getattr(error, "args", None) and str(error.args[0]) or type(error).__name__
    return message[:500]
