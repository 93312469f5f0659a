#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: Debian's postgresql binaries, initdb into a temporary folder, a free
# port, a Unix socket in that folder, no system service. Sourced by test.sh:
#   source scripts/postgres.sh; postgres_start   (sets OTPWALL_TEST_POSTGRES to an Npgsql connection string)
#   postgres_stop                                (stops it and deletes the folder)
# As root the cluster runs as the `postgres` user (initdb refuses root); otherwise as the caller.

postgres_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }; done
  return 1
}

postgres_start() {
  local bin
  if ! bin=$(postgres_bin); then
    if [ "$(id -u)" = 0 ]; then
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql) >/dev/null 2>&1 || true
    fi
    bin=$(postgres_bin) || { echo "PostgreSQL is missing: run as root once (it installs the postgresql package)." >&2; return 1; }
  fi
  POSTGRES_DIR=$(mktemp -d /tmp/otpwall-postgres.XXXXXX)
  POSTGRES_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local as=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$POSTGRES_DIR"
    as=(setpriv --reuid=postgres --regid=postgres --clear-groups --)
  fi
  "${as[@]}" "$bin/initdb" -D "$POSTGRES_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$POSTGRES_DIR/initdb.log" 2>&1 \
    || { cat "$POSTGRES_DIR/initdb.log" >&2; return 1; }
  # Throwaway data: no fsync. Enough connections for the tests' parallel hosts.
  "${as[@]}" "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/server.log" -w -t 30 start \
    -o "-p $POSTGRES_PORT -k $POSTGRES_DIR -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null \
    || { cat "$POSTGRES_DIR/server.log" >&2; return 1; }
  POSTGRES_CTL=("${as[@]}" "$bin/pg_ctl" -D "$POSTGRES_DIR/data")
  export OTPWALL_TEST_POSTGRES="Host=127.0.0.1;Port=$POSTGRES_PORT;Username=postgres;Maximum Pool Size=20"
}

postgres_stop() {
  [ -n "${POSTGRES_DIR:-}" ] || return 0
  "${POSTGRES_CTL[@]}" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$POSTGRES_DIR"
  POSTGRES_DIR=""
}
