#!/bin/sh
# First start: initdb into $PGDATA (superuser $POSTGRES_USER, password $POSTGRES_PASSWORD, scram over TCP),
# then create $POSTGRES_DB in single-user mode (no temporary server, so "ready" is logged once, by the real one).
# Every start: run the server in the foreground, sockets in /tmp (the root filesystem may be read-only).
set -eu
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
    initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    printf "listen_addresses = '*'\nunix_socket_directories = '/tmp'\n" >> "$PGDATA/postgresql.conf"
    printf 'host all all all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
    if [ "$POSTGRES_DB" != "postgres" ]; then
        echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\";" \
            | postgres --single -D "$PGDATA" -c unix_socket_directories=/tmp postgres >/dev/null
    fi
fi
exec postgres -D "$PGDATA" "$@"
