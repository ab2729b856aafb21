"""Run inside `odoo-bin shell` by `make setup` / `make run`: the demo database opens as its users will use it.

Admin works in the Chilean demo company (not "YourCompany"), in Spanish (Chile). Idempotent; does nothing
on a database without the addon's demo data. The addon's own terms are in es_CL; Odoo's own Spanish terms
come with a full Odoo checkout (the vendored archive keeps only zh_CN).
"""
# ruff: noqa: F821 - `env` is provided by odoo-bin shell

company = env.ref("l10n_cl_ai.demo_company", raise_if_not_found=False)
admin = env.ref("base.user_admin")
if company and (admin.company_id, admin.lang) != (company, "es_CL"):
    env["res.lang"]._activate_lang("es_CL")
    env["ir.module.module"].search([("state", "=", "installed")])._update_translations(["es_CL"])
    admin.write(
        {
            "company_ids": [(4, company.id)],
            "company_id": company.id,
            "lang": "es_CL",
            "tz": "America/Santiago",
        }
    )
    env.cr.commit()
    print(f"first run: admin works in {company.name}, in {admin.lang}")  # noqa: T201 - a script's report
