"""Upgrade steps of 19.0.1.2.0 (one queue, one id style for the scheduled actions, the knowledge
documents' corpus), as functions the migration script and its test call on a cursor."""

CRON_XMLIDS = {
    "cron_build_knowledge_index": "ir_cron_build_knowledge_index",
    "cron_check_budgets": "ir_cron_check_budgets",
}


def rename_cron_xmlids(cr):
    """Give the scheduled actions their new XML ids, so the upgrade updates them instead of creating
    twins and deleting the old ones (with their schedule and settings)."""
    for old, new in CRON_XMLIDS.items():
        cr.execute(
            "UPDATE ir_model_data SET name = %s WHERE module = 'l10n_cl_ai' AND name = %s "
            "AND NOT EXISTS (SELECT 1 FROM ir_model_data WHERE module = 'l10n_cl_ai' AND name = %s)",
            (new, old, new),
        )


def rename_validation_counter(cr):
    """The rate-limit passes of a validation were stored in ``attempts``: they are its ``deferrals``."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'l10n_cl_ai_validation' AND column_name IN ('attempts', 'deferrals')"
    )
    columns = {row[0] for row in cr.fetchall()}
    if "attempts" in columns and "deferrals" not in columns:
        cr.execute("ALTER TABLE l10n_cl_ai_validation RENAME COLUMN attempts TO deferrals")


def rename_knowledge_corpus(cr):
    """A knowledge document's corpus was stored as ``plugin``: keep its value under ``corpus``."""
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'l10n_cl_ai_knowledge_document' AND column_name IN ('plugin', 'corpus')"
    )
    columns = {row[0] for row in cr.fetchall()}
    if "plugin" in columns and "corpus" not in columns:
        cr.execute("ALTER TABLE l10n_cl_ai_knowledge_document RENAME COLUMN plugin TO corpus")
