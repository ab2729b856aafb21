#!/usr/bin/env bash
# Refresh the addon's translation files from a database where l10n_cl_ai is installed:
#   1. export the terms to l10n_cl_ai/i18n/l10n_cl_ai.pot (Odoo's own exporter, so the
#      "#. odoo-python" / "#: code:..." / "#: model:..." comments Odoo needs are right);
#   2. merge the pot into i18n/es_CL.po (existing translations kept, no fuzzy guesses,
#      entries gone from the pot dropped);
#   3. fill still-untranslated entries from i18n_src/*.po (never overwrites a translation) and
#      rewrite the file with polib, which wraps lines exactly as Odoo's exporter does;
#   4. check the .po with msgfmt and list the entries left untranslated or fuzzy.
# Exit status: 0 when every entry is translated, 1 otherwise (or on any error).
# Usage: scripts/i18n_update.sh [DB]   (default DB: l10n_cl_ai_test)
# Environment: ODOO_PATH (default /opt/odoo19). Needs Debian's gettext (msgmerge, msgfmt).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DB="${1:-l10n_cl_ai_test}"
ODOO_PATH="${ODOO_PATH:-/opt/odoo19}"
PY="$ROOT/.venv/bin/python"
I18N="$ROOT/l10n_cl_ai/i18n"
POT="$I18N/l10n_cl_ai.pot"
PO="$I18N/es_CL.po"

for tool in msgmerge msgfmt msgattrib; do
    command -v "$tool" >/dev/null || { echo "[i18n] $tool missing: apt-get install gettext" >&2; exit 2; }
done

echo "[i18n] exporting the terms of l10n_cl_ai from database $DB"
tmp_pot="$(mktemp --suffix=.pot)"
trap 'rm -f "$tmp_pot"' EXIT
"$PY" "$ODOO_PATH/odoo-bin" i18n export -c "$ROOT/.run/odoo.conf" -d "$DB" -o "$tmp_pot" l10n_cl_ai
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
"$PY" - "$PO" "$ROOT"/i18n_src/*.po <<'EOF'
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
EOF

msgfmt --check --output-file=/dev/null "$PO"
"$PY" - "$PO" <<'EOF'
import sys

import polib

po = polib.pofile(sys.argv[1])
todo = [entry for entry in po if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)]
print(f"[i18n] {sys.argv[1]}: {len(po)} entries, {len(todo)} untranslated or fuzzy")
for entry in todo:
    where = entry.occurrences[0][0] if entry.occurrences else "?"
    print(f"    {'fuzzy' if 'fuzzy' in entry.flags else 'new'}  {entry.msgid!r}  ({where})")
sys.exit(1 if todo else 0)
EOF
