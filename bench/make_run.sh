#!/usr/bin/env bash
# Time `make run` until Odoo answers on /web/login, then stop it. Run it twice in a fresh clone:
# the first run is cold (new .venv, new demo database), the second warm (upgrade and serve).
#   bench/make_run.sh [DB] [PORT]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
DB="${1:-l10n_cl_ai_demo}"
PORT="${2:-8069}"
mkdir -p .run
start=$(date +%s.%N)
make run DB="$DB" > .run/make_run_bench.log 2>&1 &
pid=$!
for _ in $(seq 1 1800); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/web/login")" = 200 ]; then
        echo "make run: serving after $(echo "$(date +%s.%N) - $start" | bc) s"
        break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "make run stopped early: see .run/make_run_bench.log"; exit 1; fi
    sleep 1
done
pkill -f "odoo-bin -c .run/odoo.conf -d $DB" 2>/dev/null
wait "$pid" 2>/dev/null
exit 0
