#!/usr/bin/env bash
# A throw-away PostgreSQL for tests.
#   eval "$(scripts/pg_temp.sh start)"   starts one on 127.0.0.1 and a free
#       port, and prints BOTCORE_PG_DIR=... and BOTCORE_TEST_POSTGRES_URL=...
#   scripts/pg_temp.sh stop DIR          stops it and deletes DIR.
# Runs the server as the `postgres` user when started as root.
set -euo pipefail

# The newest installed server; none matching leaves the array empty (a failing
# `ls` would end the script under pipefail before the message below).
shopt -s nullglob
bindirs=(/usr/lib/postgresql/*/bin)
shopt -u nullglob
bindir=""
if [ "${#bindirs[@]}" -gt 0 ]; then
  bindir=$(printf '%s\n' "${bindirs[@]}" | sort -V | tail -n 1)
fi
if [ -z "$bindir" ]; then
  echo "pg_temp: no PostgreSQL server under /usr/lib/postgresql" >&2
  exit 1
fi

as_owner=()
[ "$(id -u)" -eq 0 ] && as_owner=(runuser -u postgres --)

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/botcore-pg.XXXXXX)
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    "${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres botcore_test
    echo "BOTCORE_PG_DIR=$dir"
    echo "BOTCORE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/botcore_test"
    ;;
  stop)
    dir=${2:?usage: pg_temp.sh stop DIR}
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg_temp.sh start | stop DIR" >&2
    exit 2
    ;;
esac
