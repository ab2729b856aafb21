"""What the benchmarks that commit share: a scratch copy of a database, the demo admin's environment, and
percentiles.

A benchmark that commits (as the crons do) works on ``createdb -T`` of the source database, dropped at the
end once its connections are closed, so the source is never changed.
"""

import contextlib
import os
import subprocess

_PG_ARGS = ["-h", "127.0.0.1", "-U", "odoo"]


def percentile(values, share):
    """The ``share`` (0..1) percentile of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@contextlib.contextmanager
def scratch_registry(source, conf, suffix):
    """The Odoo registry of ``<source>_bench_<suffix>``, a fresh copy of ``source`` (``conf``: odoo.conf)."""
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.sql_db import close_db  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    name = f"{source}_bench_{suffix}"
    env = dict(os.environ, PGPASSWORD="odoo")
    subprocess.run(["dropdb", *_PG_ARGS, "--if-exists", name], check=True, env=env)
    subprocess.run(["createdb", *_PG_ARGS, "-T", source, name], check=True, env=env)
    try:
        config.parse_config(["-c", conf, "-d", name])
        yield Registry(name)
    finally:
        Registry.delete(name)
        close_db(name)  # the copy can be dropped only once its connections are closed
        subprocess.run(["dropdb", *_PG_ARGS, "--if-exists", name], check=False, env=env)


def demo_admin_env(cr):
    """An environment of the demo admin in the demo company (``make setup``'s demo data), the company
    added to the admin's if missing."""
    import odoo  # noqa: PLC0415

    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    company = env.ref("l10n_cl_ai.demo_company")
    admin = env.ref("base.user_admin")
    admin.write({"company_ids": [odoo.Command.link(company.id)], "company_id": company.id})
    return env(user=admin, context={"allowed_company_ids": company.ids})
