#!/usr/bin/env bash
# Static checks (`make lint`, CI): ruff over the repository, then pylint-odoo over the addon.
# Configuration: pyproject.toml ([tool.ruff]) and .pylintrc. Both tools always run; the exit status
# is non-zero when either reports a finding. Tools come from the project venv (scripts/setup.sh).
#
#   scripts/lint.sh              # whole repository
#   scripts/lint.sh --fix        # let ruff fix what it safely can (import order, ...), then check
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
RUFF="$VENV/bin/ruff"
PYLINT="$VENV/bin/pylint"

for tool in "$RUFF" "$PYLINT"; do
    if [ ! -x "$tool" ]; then
        printf '[lint] ERROR: %s not found; run scripts/setup.sh --no-db first\n' "$tool" >&2
        exit 2
    fi
done

cd "$ROOT" || exit 2
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

ruff_args=(check --no-cache --output-format=concise)
[ "${1:-}" = "--fix" ] && ruff_args+=(--fix)

printf '[lint] ruff %s\n' "$("$RUFF" --version | cut -d' ' -f2)" >&2
"$RUFF" "${ruff_args[@]}" . | tee "$out/ruff"
ruff_rc=${PIPESTATUS[0]}

printf '[lint] pylint-odoo on l10n_cl_ai/ and l10n_cl_ai_purchase/\n' >&2
"$PYLINT" --rcfile="$ROOT/.pylintrc" l10n_cl_ai l10n_cl_ai_purchase | tee "$out/pylint"
pylint_rc=${PIPESTATUS[0]}

# "<n> finding(s)" when the tool reported some, "ok" when it passed, the exit code when it crashed.
status() {
    local rc=$1 n=$2
    if [ "$rc" -eq 0 ]; then echo ok; elif [ "$n" -gt 0 ]; then echo "$n finding(s)"; else echo "error (exit $rc)"; fi
}
ruff_n=$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: [A-Z]+[0-9]+ ' "$out/ruff")
pylint_n=$(grep -cE '^[^ ]+:[0-9]+: \[[A-Z][0-9]+\(' "$out/pylint")
printf 'lint: ruff %s, pylint-odoo %s\n' "$(status $ruff_rc "$ruff_n")" "$(status $pylint_rc "$pylint_n")"
[ $ruff_rc -eq 0 ] && [ $pylint_rc -eq 0 ]
