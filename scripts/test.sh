#!/usr/bin/env bash
# The whole suite on a fresh test database: engine tests (plain pytest) and Odoo tests (pytest-odoo,
# browser tours included), with the addon's line coverage. Fails when any part fails, when the Odoo
# tests did not run, when a test was skipped, or when coverage is under the floor.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEST_DB="${TEST_DB:-l10n_cl_ai_test}"
COVERAGE_FLOOR="${COVERAGE_FLOOR:-85}"
PY="$ROOT/.venv/bin/python"
ODOO_PATH="${ODOO_PATH:-/opt/odoo19}"
cd "$ROOT"

scripts/setup.sh --no-db
echo "[test] fresh database $TEST_DB"
PGPASSWORD=odoo dropdb -h 127.0.0.1 -U odoo --if-exists "$TEST_DB"
rm -rf "$ROOT/.run/filestore/filestore/$TEST_DB"
DB="$TEST_DB" scripts/setup.sh

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
rm -f .coverage .coverage.*
status=0

echo "[test] engine tests"
"$PY" -m coverage run -p -m pytest -c tests_engine/pytest.ini --rootdir=tests_engine tests_engine \
    -q -p no:cacheprovider -rfEs 2>&1 | tee .run/engine-tests.log || status=1

echo "[test] Odoo tests"
"$PY" -m coverage run -p -m pytest -p no:cacheprovider --odoo-config=.run/odoo.conf \
    --odoo-database="$TEST_DB" --odoo-http --odoo-log-level=warn -q -rfEs l10n_cl_ai/tests 2>&1 \
    | tee .run/odoo-tests.log || status=1

echo "[test] upgrade and uninstall on a copy of $TEST_DB"
UNINSTALL_DB="${TEST_DB}_uninstall"
PGPASSWORD=odoo dropdb -h 127.0.0.1 -U odoo --if-exists "$UNINSTALL_DB"
PGPASSWORD=odoo createdb -h 127.0.0.1 -U odoo -T "$TEST_DB" "$UNINSTALL_DB"
if ! "$PY" "$ODOO_PATH/odoo-bin" -c .run/odoo.conf -d "$UNINSTALL_DB" -u l10n_cl_ai --stop-after-init \
        --log-level=warn > .run/upgrade.log 2>&1 || grep -qE " (ERROR|CRITICAL) " .run/upgrade.log; then
    echo "[test] FAILED: upgrade (see .run/upgrade.log)"; status=1
fi
if ! "$PY" "$ODOO_PATH/odoo-bin" shell -c .run/odoo.conf -d "$UNINSTALL_DB" --log-level=warn \
        < scripts/check_uninstall.py > .run/uninstall.log 2>&1 || grep -qE " (ERROR|CRITICAL) " .run/uninstall.log; then
    echo "[test] FAILED: uninstall (see .run/uninstall.log)"; status=1
fi
grep "^uninstall:" .run/uninstall.log || true
PGPASSWORD=odoo dropdb -h 127.0.0.1 -U odoo --if-exists "$UNINSTALL_DB"

for log in .run/engine-tests.log .run/odoo-tests.log; do
    summary="$(grep -E '^[0-9]+ (passed|failed)|^=+ .*(passed|failed|error)' "$log" | tail -1)"
    if ! grep -qE '[0-9]+ passed' <<<"$summary"; then
        echo "[test] FAILED: no test passed in $log"; status=1
    fi
    if grep -qE '[0-9]+ skipped' <<<"$summary"; then
        echo "[test] FAILED: tests were skipped in $log (a skipped browser tour is a failure)"; status=1
    fi
done

"$PY" -m coverage combine -q
"$PY" -m coverage report --fail-under="$COVERAGE_FLOOR" | tail -3 || status=1
exit $status
