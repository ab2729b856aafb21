"""Run inside `odoo-bin shell`: uninstall l10n_cl_ai and check nothing of it is left (exit 1 otherwise)."""
# ruff: noqa: F821 - `env` is provided by odoo-bin shell
import sys

module = env["ir.module.module"].search([("name", "=", "l10n_cl_ai")])
module.button_immediate_uninstall()
env.cr.execute("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'l10n_cl_ai%%'")
tables = env.cr.fetchone()[0]
env.cr.execute("SELECT count(*) FROM ir_model_data WHERE module = 'l10n_cl_ai'")
xmlids = env.cr.fetchone()[0]
state = env["ir.module.module"].search([("name", "=", "l10n_cl_ai")]).state
print(f"uninstall: state={state} tables={tables} xmlids={xmlids}")
sys.exit(0 if (state, tables, xmlids) == ("uninstalled", 0, 0) else 1)
