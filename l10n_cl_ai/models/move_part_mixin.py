"""Records that are part of what a DTE validation looked at (invoice lines, references)."""

from odoo import api, models

KEEP_STATE = "l10n_cl_ai_keep_state"  # context key: do not check the fingerprint (our own writes)


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
        if self.env.context.get(KEEP_STATE) or (watched is not None and not watched.intersection(vals)):
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
