#!/usr/bin/env bash
# A local PostgreSQL server for Scaling Lab's store (tests and single-machine use), run from Debian's
# `postgresql` package binaries with a project-local data directory.
#
#   bash scripts/postgres.sh start [DIR]   initdb DIR (first time), start on a free 127.0.0.1 port, print the URL
#   bash scripts/postgres.sh url [DIR]     print the URL of the running server
#   bash scripts/postgres.sh stop [DIR]    stop the server (fast shutdown)
#
# DIR defaults to $SLAB_POSTGRES_DIR, else .slab/postgres (git-ignored). The URL is
# postgres://slab@127.0.0.1:PORT/slab (trust authentication on the loopback interface only; the port
# is kept in DIR/slab-port and reused). SLAB_POSTGRES_OPTS adds server options, e.g.
# "-c fsync=off" for throw-away test servers. As root the server runs as the `postgres` user
# (PostgreSQL refuses to run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "postgres.sh: $*" >&2; exit 1; }

bin_dir() {
  local found
  # The newest installed major version.
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && [ -x "$found/pg_ctl" ] || die "no PostgreSQL binaries under /usr/lib/postgresql/<version>/bin (apt-get install postgresql)"
  echo "$found"
}

cmd=${1:-}
dir=${2:-${SLAB_POSTGRES_DIR:-.slab/postgres}}
case "$cmd" in start | stop | url) ;; *) die "usage: postgres.sh start|stop|url [DIR]" ;; esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bin=$(bin_dir)

# PostgreSQL will not run as root: run its tools as the `postgres` system user, owning DIR.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_file="$dir/slab-port"
url() { echo "postgres://slab@127.0.0.1:$(cat "$port_file")/slab"; }
running() { [ -f "$port_file" ] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

case "$cmd" in
  url)
    running || die "no server running in $dir (bash scripts/postgres.sh start $dir)"
    url
    ;;
  stop)
    if running; then as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; fi
    ;;
  start)
    if running; then url; exit 0; fi
    if [ "$(id -u)" = 0 ]; then
      chown postgres: "$dir"
      as_pg test -x "$dir" || die "$dir: the postgres user cannot reach it (a parent directory is private); choose a directory it can traverse, e.g. under /tmp"
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$dir/data" -U slab --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || die "initdb failed: $(tail -n 5 "$dir/initdb.log")"
    fi
    if [ ! -s "$port_file" ]; then
      node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})" >"$port_file"
    fi
    port=$(cat "$port_file")
    # The unix socket lives in DIR, not /var/run/postgresql (which may not exist or be writable).
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' ${SLAB_POSTGRES_OPTS:-}" start >/dev/null \
      || die "the server did not start: $(tail -n 5 "$dir/server.log")"
    if ! as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U slab -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'slab'" | grep -q 1; then
      as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U slab slab
    fi
    url
    ;;
esac
