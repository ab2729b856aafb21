"""Records that are part of what a DTE validation looked at (invoice lines, references)."""

import contextlib
import contextvars

from odoo import api, models

# Set only by the addon's own code around its own writes (posting, storing a result): not a context key,
# which any RPC caller could pass to edit a validated document without resetting its state.
_KEEPING_STATE = contextvars.ContextVar("l10n_cl_ai_keeping_state", default=False)


@contextlib.contextmanager
def keeping_state():
    """Within this block, writes do not compare fingerprints (the addon's own writes)."""
    token = _KEEPING_STATE.set(True)
    try:
        yield
    finally:
        _KEEPING_STATE.reset(token)


def is_keeping_state():
    return _KEEPING_STATE.get()


class L10nClAiMovePartMixin(models.AbstractModel):
    """Creating, editing or deleting a part of a move resets the move's DTE validation state when what
    was validated changed (``account.move._l10n_cl_ai_reset_if_changed`` compares fingerprints)."""

    _name = "l10n_cl_ai.move.part.mixin"
    _description = "Part of a move checked by the DTE validation"

    # fields whose change may matter; None: every field
    _l10n_cl_ai_watched_fields = None

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.move_id._l10n_cl_ai_reset_if_changed()
        return records

    def write(self, vals):
        watched = self._l10n_cl_ai_watched_fields
        if is_keeping_state() or (watched is not None and not watched.intersection(vals)):
            return super().write(vals)
        moves = self.move_id
        result = super().write(vals)
        (moves | self.move_id)._l10n_cl_ai_reset_if_changed()
        return result

    def unlink(self):
        moves = self.move_id
        result = super().unlink()
        moves.exists()._l10n_cl_ai_reset_if_changed()
        return result
