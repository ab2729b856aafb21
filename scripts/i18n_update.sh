#!/usr/bin/env bash
# Refresh the addons' translation files (l10n_cl_ai, then l10n_cl_ai_purchase) from a database where
# both are installed, for each addon:
#   1. export the terms to l10n_cl_ai/i18n/l10n_cl_ai.pot (Odoo's own exporter, so the
#      "#. odoo-python" / "#: code:..." / "#: model:..." comments Odoo needs are right);
#   2. merge the pot into i18n/es_CL.po (existing translations kept, no fuzzy guesses,
#      entries gone from the pot dropped);
#   3. fill still-untranslated entries from i18n_src/*.po (never overwrites a translation) and
#      rewrite the file with polib, which wraps lines exactly as Odoo's exporter does;
#   4. check the .po with msgfmt and list the entries left untranslated or fuzzy.
# Exit status: 0 when every entry of both addons is translated, 1 otherwise (or on any error).
# Usage: scripts/i18n_update.sh [DB] [ADDON...]   (default DB: l10n_cl_ai_test; default: both addons)
# Environment: ODOO_PATH (default /opt/odoo19). Needs Debian's gettext (msgmerge, msgfmt).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB="${1:-l10n_cl_ai_test}"
ODOO_PATH="${ODOO_PATH:-/opt/odoo19}"
PY="$ROOT/.venv/bin/python"

for tool in msgmerge msgfmt msgattrib; do
    command -v "$tool" >/dev/null || { echo "[i18n] $tool missing: apt-get install gettext" >&2; exit 2; }
done

update_addon() {  # ADDON: export its pot, merge into its es_CL.po, fill from i18n_src, check
    local ADDON="$1"
    local I18N="$ROOT/$ADDON/i18n"
    local POT="$I18N/$ADDON.pot"
    local PO="$I18N/es_CL.po"
    local tmp_pot
    echo "[i18n] exporting the terms of $ADDON from database $DB"
    tmp_pot="$(mktemp --suffix=.pot /tmp/l10n_cl_ai_i18n_XXXXXX)"
    "$PY" "$ODOO_PATH/odoo-bin" i18n export -c "$ROOT/.run/odoo.conf" -d "$DB" -o "$tmp_pot" "$ADDON"
    [ -s "$tmp_pot" ] || { echo "[i18n] the export produced no file" >&2; exit 2; }
    mv "$tmp_pot" "$POT"

    if [ ! -f "$PO" ]; then
        echo "[i18n] creating $PO"
        msginit --no-translator --no-wrap --locale=es_CL.UTF-8 --input="$POT" --output-file="$PO" >/dev/null
        sed -i 's/^"Plural-Forms: .*"$/"Plural-Forms: nplurals=2; plural=(n != 1);\\n"/' "$PO"
    fi

    echo "[i18n] merging $POT into $PO"
    msgmerge --quiet --update --no-fuzzy-matching --backup=none "$PO" "$POT"
    msgattrib --no-obsolete --output-file="$PO" "$PO"

    echo "[i18n] reusing translations from i18n_src/*.po for untranslated entries"
    "$PY" - "$PO" "$ROOT"/i18n_src/*.po <<'PYEOF'
import sys

import polib

po_path, sources = sys.argv[1], [path for path in sys.argv[2:] if not path.endswith("*.po")]
known = {}
for path in sources:
    for entry in polib.pofile(path):
        if entry.translated() and not entry.obsolete:
            known.setdefault((entry.msgctxt, entry.msgid), entry.msgstr)
po = polib.pofile(po_path, wrapwidth=78)
filled = 0
for entry in po:
    if not entry.translated() and (entry.msgctxt, entry.msgid) in known and "fuzzy" not in entry.flags:
        entry.msgstr = known[(entry.msgctxt, entry.msgid)]
        filled += 1
po.save(po_path)  # always: gives back Odoo's own line wrapping (msgmerge wraps differently)
print(f"[i18n] {filled} entr{'y' if filled == 1 else 'ies'} filled from i18n_src")
PYEOF

    msgfmt --check --output-file=/dev/null "$PO"
    "$PY" - "$PO" <<'PYEOF'
import sys

import polib

po = polib.pofile(sys.argv[1])
todo = [entry for entry in po if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)]
print(f"[i18n] {sys.argv[1]}: {len(po)} entries, {len(todo)} untranslated or fuzzy")
for entry in todo:
    where = entry.occurrences[0][0] if entry.occurrences else "?"
    print(f"    {'fuzzy' if 'fuzzy' in entry.flags else 'new'}  {entry.msgid!r}  ({where})")
sys.exit(1 if todo else 0)
PYEOF
}

status=0
trap 'rm -f /tmp/l10n_cl_ai_i18n_*.pot' EXIT
addons=("${@:2}")
[ ${#addons[@]} -gt 0 ] || addons=(l10n_cl_ai l10n_cl_ai_purchase)
for addon in "${addons[@]}"; do
    update_addon "$addon" || status=1
done
exit $status
