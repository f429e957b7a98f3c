#!/usr/bin/env bash
# Extract the UI strings (_("...") in the app's JavaScript) and update every language's catalog.
# Translate the new entries in src/regioatlas/web/locale/<lang>/LC_MESSAGES/messages.po;
# tests/test_i18n.py fails while any string is untranslated.
set -euo pipefail
cd "$(dirname "$0")/.."
loc=src/regioatlas/web/locale
.venv/bin/pybabel extract -F tools/babel.cfg -k _ --no-location --sort-output --omit-header -o "$loc/messages.pot" .
for lang in fi de it fr; do
  if [ -f "$loc/$lang/LC_MESSAGES/messages.po" ]; then
    .venv/bin/pybabel update -i "$loc/messages.pot" -d "$loc" -l "$lang" --no-fuzzy-matching --omit-header
  else
    .venv/bin/pybabel init -i "$loc/messages.pot" -d "$loc" -l "$lang"
  fi
done
