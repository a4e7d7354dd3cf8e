#!/usr/bin/env bash
# Checks po/POTFILES.in against the sources: every file under src/ with
# translatable strings (_(), N_(), C_(), NC_(), the g_d*gettext() calls,
# ngettext(), translatable="yes") must be
# listed, and every listed file must exist. Usage: check-potfiles.sh [SOURCE_ROOT]
set -euo pipefail

cd "${1:-$(dirname "${BASH_SOURCE[0]}")/..}"

potfiles="po/POTFILES.in"
listed="$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$potfiles" | sort -u)"
status=0

for file in $listed; do
  if [ ! -f "$file" ]; then
    echo "$potfiles lists $file, which does not exist." >&2
    status=1
  fi
done

translatable="$(
  { grep -rlE --include='*.c' --include='*.h' \
      '\b((N|C|NC)?_|g_dcgettext|g_dngettext|g_dpgettext2|ngettext) ?\(' src || true
    grep -rl --include='*.ui' 'translatable="yes"' src || true
  } | sort -u
)"
for file in $translatable; do
  if ! grep -qxF "$file" <<<"$listed"; then
    echo "$file has translatable strings but is missing from $potfiles." >&2
    status=1
  fi
done

# The data files always carry translatable text.
for file in data/desktop/*.desktop.in data/desktop/*.metainfo.xml.in data/desktop/*.gschema.xml; do
  if ! grep -qxF "$file" <<<"$listed"; then
    echo "$file is missing from $potfiles." >&2
    status=1
  fi
done

exit "$status"
