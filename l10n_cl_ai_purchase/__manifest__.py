{
    "name": "Chile - AI assistant: purchase order matching of vendor bills",
    "summary": "Vendor bills linked to purchase orders: Odoo's matcher first (801/HES/HEM references, "
    "vendor and total), then line matching by product and description, then Claude (queued); three-way "
    "findings (price, quantity, missing or already billed order) on the bill's DTE check.",
    "version": "19.0.1.0.0",
    "category": "Accounting/Localizations",
    "license": "LGPL-3",
    "author": "l10n_cl_ai developers",
    "website": "https://github.com/l10n-cl-ai/l10n_cl_ai",
    "depends": ["l10n_cl_ai", "purchase"],
    "data": [
        "security/ir.model.access.csv",
        "security/security.xml",
        "data/ir_cron_data.xml",
        "views/account_move_views.xml",
    ],
    "demo": ["demo/demo_purchase.xml"],
    "auto_install": True,
    "installable": True,
    "application": False,
}
