# Developer commands. ODOO_PATH (default /opt/odoo19) points at Odoo 19.0; ODOO_ARCHIVE at a tarball of it.
DB ?= l10n_cl_ai_demo
export ODOO_PATH ?= /opt/odoo19
# the Redis that scripts/setup.sh starts on loopback: every database served by `make run` uses it
RUN_REDIS_URL ?= redis://127.0.0.1:$(or $(REDIS_PORT),6379)/0

.PHONY: run setup test lint

## set up everything (idempotent) and serve Odoo on http://127.0.0.1:8069 (admin/admin)
run: setup
	L10N_CL_AI_REDIS_URL="$${L10N_CL_AI_REDIS_URL:-$(RUN_REDIS_URL)}" \
	    .venv/bin/python $(ODOO_PATH)/odoo-bin -c .run/odoo.conf -d $(DB) --db-filter='^$(DB)$$'

## everything `run` does, without serving: database $(DB) with l10n_cl_ai and its demo data, admin in the
## Chilean demo company and in Spanish (Chile)
setup:
	DB=$(DB) scripts/setup.sh
	.venv/bin/python $(ODOO_PATH)/odoo-bin shell -c .run/odoo.conf -d $(DB) --no-http --log-level=warn \
	    < scripts/first_run.py

## the whole suite on a fresh test database, with the coverage total
test:
	scripts/test.sh

## ruff and pylint-odoo
lint:
	scripts/lint.sh
