#!/usr/bin/env bash
# Installs the build into a temporary folder and checks that the desktop
# file, the metainfo and the icons carry the application id (….Devel in a
# development build): the shell and the about window look them up by it.
# Usage: check-install.sh BUILD_DIR APP_ID BASE_ID
set -euo pipefail

build="$1"
app_id="$2"
base_id="$3"
dest="$(mktemp -d)"
trap 'rm -rf "$dest"' EXIT

fail() {
  echo "check-install: $*" >&2
  exit 1
}

# The post-install scripts (schema and icon caches) skip a DESTDIR install.
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null

desktop="$(find "$dest" -path '*/share/applications/*.desktop')"
[ "$(basename "$desktop")" = "$app_id.desktop" ] || fail "installed desktop file(s): ${desktop:-none}, not $app_id.desktop"
share="$(dirname "$(dirname "$desktop")")"

grep -qx "Icon=$app_id" "$desktop" || fail "$app_id.desktop names another icon: $(grep '^Icon=' "$desktop")"
grep -qx "Exec=schalter" "$desktop" || fail "$app_id.desktop does not start schalter"
[ -x "$(dirname "$share")/bin/schalter" ] || fail "no executable schalter"
for icon in "scalable/apps/$app_id.svg" "symbolic/apps/$app_id-symbolic.svg"; do
  [ -s "$share/icons/hicolor/$icon" ] || fail "no icon $icon"
done

metainfo="$share/metainfo/$app_id.metainfo.xml"
[ -f "$metainfo" ] || fail "no $app_id.metainfo.xml"
grep -q "<id>$app_id</id>" "$metainfo" || fail "the metainfo has another id"
grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
  fail "the metainfo launches another desktop file"

# Both builds read the same settings.
[ -f "$share/glib-2.0/schemas/$base_id.gschema.xml" ] || fail "no schema $base_id"

echo "check-install: $app_id installs its desktop file, metainfo and icons under its own id"
