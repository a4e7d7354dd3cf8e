#!/bin/sh
# Starts the reference receiver on 127.0.0.1 for a demo (docs/api.md, appendix A).
#   run-demo.sh DIR [BUILDDIR]
# DIR keeps the certificates (made on the first run) and the data across runs;
# BUILDDIR is the meson build folder (default: _build in the source tree).
# Environment: SCHALTER_DEMO_PORT (default 8443), SCHALTER_DEMO_TOKEN,
# SCHALTER_DEMO_ADMIN_TOKEN.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 DIR [BUILDDIR]" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
source_root=$(cd "$here/../.." && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)
build=${2:-$source_root/_build}
receiver=$build/tests/receiver/schalter-receiver
port=${SCHALTER_DEMO_PORT:-8443}
token=${SCHALTER_DEMO_TOKEN:-demo-token}
admin_token=${SCHALTER_DEMO_ADMIN_TOKEN:-demo-admin-token}

if [ ! -x "$receiver" ]; then
    echo "$receiver is missing: build first (ninja -C $build)." >&2
    exit 1
fi
if [ ! -f "$dir/certs/server.pem" ]; then
    "$here/make-certs.sh" "$dir/certs"
fi

if [ "$port" = 0 ]; then
    url="(see \"listening on\" below)"
    base=URL
else
    url=https://127.0.0.1:$port
    base=$url
fi

cat <<EOF
Schalter demo receiver
  URL:          $url
  CA file:      $dir/certs/ca.pem
  Token:        $token   (workstation "demo" of office 3203, St. Gallen)
  Admin token:  $admin_token
  Data:         $dir/data
Move a case on, for example:
  curl --cacert $dir/certs/ca.pem -H 'Authorization: Bearer $admin_token' \\
       -H 'Content-Type: application/json' -d '{"status":"in-review"}' \\
       $base/admin/cases/CASE-UUID/status
Stop with Ctrl+C.
EOF

exec "$receiver" --cert "$dir/certs/server.pem" --key "$dir/certs/server.key" \
    --port "$port" --data "$dir/data" \
    --token "3203/demo:$token" --admin-token "$admin_token"
