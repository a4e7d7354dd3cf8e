#!/usr/bin/env bash
# Checks that every language of po/LINGUAS translates the current sources:
# a template is made afresh from po/POTFILES.in and merged into each .po file,
# and any message left untranslated or fuzzy fails, as does a .po file that
# msgfmt --check refuses, or an "ß" in a German translation (Swiss spelling
# writes "ss"). Works in a temporary folder; the source tree is not touched.
# Usage: check-po-complete.sh [SOURCE_ROOT]
set -euo pipefail

cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The keywords and flags of meson's "glib" gettext preset, which po/meson.build
# uses, so that this template has the messages and flags of schalter.pot.
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' po/POTFILES.in >"$tmp/POTFILES"
xgettext --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
  --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format \
  --files-from="$tmp/POTFILES" --output="$tmp/schalter.pot"

# Prints the msgids of a catalog, one per line, for the report.
list_msgids() {
  msgcat --no-wrap "$1" | awk '
    /^msgid / { id = substr($0, 8, length($0) - 8); in_id = 1; next }
    in_id && /^"/ { id = id substr($0, 2, length($0) - 2); next }
    in_id { if (id != "") print "    " id; in_id = 0 }'
}

status=0
for lang in $(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' po/LINGUAS); do
  po="po/$lang.po"
  if [ ! -f "$po" ]; then
    echo "$po is missing, though po/LINGUAS lists $lang." >&2
    status=1
    continue
  fi

  if ! msgfmt --check --output-file=/dev/null "$po"; then
    echo "$po: msgfmt --check failed." >&2
    status=1
  fi

  msgmerge --quiet --output-file="$tmp/$lang.po" "$po" "$tmp/schalter.pot"
  # The flags of the fresh template may ask more of a translation than the file knew.
  if ! msgfmt --check --output-file=/dev/null "$tmp/$lang.po"; then
    echo "$po: msgfmt --check failed after merging the current template." >&2
    status=1
  fi

  msgattrib --untranslated --no-obsolete --output-file="$tmp/$lang.untranslated.po" "$tmp/$lang.po"
  if [ -s "$tmp/$lang.untranslated.po" ]; then
    echo "$po has untranslated messages:" >&2
    list_msgids "$tmp/$lang.untranslated.po" >&2
    status=1
  fi

  msgattrib --only-fuzzy --no-obsolete --output-file="$tmp/$lang.fuzzy.po" "$tmp/$lang.po"
  if [ -s "$tmp/$lang.fuzzy.po" ]; then
    echo "$po has fuzzy messages (changed in the sources or marked for review):" >&2
    list_msgids "$tmp/$lang.fuzzy.po" >&2
    status=1
  fi

  if [ "$lang" = de ]; then
    msggrep --msgstr --regexp='ß' --output-file="$tmp/sharp-s.po" "$po"
    if [ -s "$tmp/sharp-s.po" ]; then
      echo "$po uses “ß”, which Swiss German writes “ss”, in:" >&2
      list_msgids "$tmp/sharp-s.po" >&2
      status=1
    fi
  fi
done

exit "$status"
