#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: DATABASE_URL points at it while the command runs,
# and the cluster is stopped and deleted afterwards, whatever the command's outcome.
#   scripts/with-postgres.sh swift test
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

bindir=$(pg_bindir)
ensure_pg_user
dir=$(mktemp -d /tmp/wagate-pg.XXXXXX)
chmod 0755 "$dir"
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$WAGATE_PG_USER" -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown "$WAGATE_PG_USER" "$dir"

cleanup() {
  run_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

super=$(id -un)
run_pg "$bindir/initdb" -D "$dir/data" -U "$super" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
run_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
export DATABASE_URL="postgresql:///postgres?host=$dir&user=$super"
export WAGATE_TEST_PG_BINDIR="$bindir"
log "PostgreSQL running for this command: $DATABASE_URL"
set +e
"$@"
status=$?
exit $status
