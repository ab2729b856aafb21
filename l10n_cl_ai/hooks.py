def uninstall_hook(env):
    """Keep the demo companies and partners as business data when the addon is removed.

    They carry journal entries, which must outlive the addon: without their XML ids Odoo leaves them
    alone instead of failing to delete them (what l10n_cl does by naming its demo company in ``base``).
    """
    env["ir.model.data"].search([
        ("module", "=", "l10n_cl_ai"), ("model", "in", ("res.company", "res.partner")),
    ]).unlink()
