#!/usr/bin/env bash
# Round-trips PostgreSQL's own regression database (the hardest known pg_dump input: what pg_upgrade
# and pg_dump's tests use) through restore-test, and compares the result with psql's restore.
#
#   PGHOST=127.0.0.1 PGUSER=postgres scripts/regression-roundtrip.sh
#
# 1. fetches the PostgreSQL source of the server's major version from Debian (deb-src), builds only
#    src/test/regress and runs pg_regress against the server: it leaves the database "regression";
# 2. dumps it (plain, gzip) and runs `restore-test --json` on it, embedded and against the server;
# 3. the oracle: psql restores the same dump as a non-superuser database owner (psql goes on after
#    errors, which are kept), restore-test --verify-only keeps our restore, and
#    `pg_dump --no-owner --no-privileges` (schema, then data) of both are diffed.
# Everything it creates on the server (databases, roles) is dropped at the end; the source and the
# results stay in $WORK (default /tmp/bv-regression) and are never part of the repository.
# Needs: root (apt-get source), a PostgreSQL server where PGUSER is a superuser, its client tools
# (psql, pg_dump, pg_regress's psql in PG_BIN), gcc, make, perl, gzip, Java and Maven (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
work=${WORK:-/tmp/bv-regression}
owner=bv_regress_owner
oracle=regress_psql
mkdir -p "$work"
sql() { psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }

major=$(psql -X -At -d postgres -c "SHOW server_version_num" | cut -c1-2)
pg_bin=${PG_BIN:-/usr/lib/postgresql/$major/bin}
echo "== server: $(psql -X -At -d postgres -c 'SELECT version()')"

kept=""
cleanup() {
  set +e
  if [ -n "$kept" ]; then
    sql -c "DROP DATABASE IF EXISTS \"$kept\" WITH (FORCE)" -c "DROP ROLE IF EXISTS \"bv_restore_$kept\""
  fi
  sql -c "DROP DATABASE IF EXISTS $oracle WITH (FORCE)" -c "DROP DATABASE IF EXISTS regression WITH (FORCE)" \
      -c "DROP ROLE IF EXISTS $owner"
  # roles the regression tests leave behind (some tests end before dropping theirs)
  for r in $(psql -X -At -d postgres -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'regress\_%'"); do
    sql -c "DROP ROLE IF EXISTS \"$r\"" || echo "could not drop role $r" >&2
  done
}
trap cleanup EXIT

# ---- 1. the regression database ----
src_dir=$(ls -d "$work"/src/postgresql-"$major".*/ 2>/dev/null | head -1 || true)
if [ -z "$src_dir" ]; then
  if ! apt-cache showsrc "postgresql-$major" >/dev/null 2>&1 || [ -z "$(apt-cache showsrc "postgresql-$major" 2>/dev/null)" ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > /etc/apt/sources.list.d/bv-debian-src.sources
    apt-get update -qq
  fi
  mkdir -p "$work/src"
  # the newest source version first; a security update's source may be missing from the mirror,
  # then an older minor release of the same major does (its regression tests build the same database)
  ok=""
  for v in $(apt-cache showsrc "postgresql-$major" | sed -n 's/^Version: //p' | sort -rV | uniq); do
    if (cd "$work/src" && apt-get source -qq --download-only "postgresql-$major=$v" >/dev/null 2>&1); then ok=$v; break; fi
  done
  [ -n "$ok" ] || { echo "no source of postgresql-$major could be downloaded" >&2; exit 1; }
  echo "== source: postgresql-$major $ok"
  (cd "$work/src" && tar xjf postgresql-"$major"_"${ok%%-*}".orig.tar.bz2)
  src_dir=$(ls -d "$work"/src/postgresql-"$major".*/ | head -1)
fi
regress=$src_dir/src/test/regress
if [ ! -x "$regress/pg_regress" ]; then
  (cd "$src_dir" && ./configure --without-readline --without-icu --without-zlib --prefix="$work/inst" >"$work/configure.log" 2>&1)
  make -j2 -C "$regress" >"$work/make.log" 2>&1
fi
# the server process writes COPY TO files into results/
rm -rf "$regress/results" && mkdir -p "$regress/results" && chmod 777 "$regress/results"
echo "== pg_regress (failures from a client/test minor-version skew still leave the database)"
(cd "$regress" && ./pg_regress --inputdir=. --bindir="$pg_bin" --dlpath=. --max-concurrent-tests=20 \
    --schedule=./parallel_schedule --host="$PGHOST" --port="$PGPORT" --user="$PGUSER" --dbname=regression \
    >"$work/pg_regress.log" 2>&1) || grep -E 'FAILED|failed' "$regress/regression.out" || true

# ---- 2. dump it, restore-test it ----
dump=$work/regression.sql.gz
pg_dump -d regression | gzip -n > "$dump"
bdir=$work/backups
rm -rf "$bdir" && mkdir -p "$bdir" && cp "$dump" "$bdir/backup_20251227_120000.gz"
mvn -B -o -q package -DskipTests
run() { RESTORE_MIN_TABLES=1 bin/backup-verifier restore-test --json --dir "$bdir" "$@" "$bdir/backup_20251227_120000.gz"; }
echo "== restore-test, embedded PostgreSQL"
run > "$work/restore-embedded.json" 2> "$work/restore-embedded.err" || true
grep '"message"' "$work/restore-embedded.json" || cat "$work/restore-embedded.err"
echo "== restore-test, $PGHOST:$PGPORT"
TEST_DB_HOST=$PGHOST TEST_DB_PORT=$PGPORT TEST_DB_USER=$PGUSER run > "$work/restore-server.json" 2> "$work/restore-server.err" || true
grep '"message"' "$work/restore-server.json" || cat "$work/restore-server.err"
echo "== restore-test of a custom archive (pg_restore), $PGHOST:$PGPORT"
pg_dump -Fc -d regression -f "$work/regression.dump"
cdir=$work/backups-custom
rm -rf "$cdir" && mkdir -p "$cdir" && cp "$work/regression.dump" "$cdir/backup_20251227_120000.dump"
RESTORE_MIN_TABLES=1 TEST_DB_HOST=$PGHOST TEST_DB_PORT=$PGPORT TEST_DB_USER=$PGUSER bin/backup-verifier restore-test --json \
    --dir "$cdir" "$cdir/backup_20251227_120000.dump" > "$work/restore-custom.json" 2> "$work/restore-custom.err" || true
grep '"message"' "$work/restore-custom.json" || cat "$work/restore-custom.err"

# ---- 3. the oracle: psql as a non-superuser owner, against our kept restore ----
sql -c "DROP DATABASE IF EXISTS $oracle WITH (FORCE)" -c "DROP ROLE IF EXISTS $owner" -c "CREATE ROLE $owner LOGIN CREATEDB"
sql -c "CREATE DATABASE $oracle OWNER $owner"
# -f -: psql names the line of each error
gunzip -c "$dump" | psql -X -q -U "$owner" -d "$oracle" -f - >"$work/psql.out" 2>"$work/psql.err" || true
echo "== psql: $(grep -c ERROR "$work/psql.err" || true) errors ($work/psql.err), by message:"
grep ERROR "$work/psql.err" | sed 's/.*ERROR: *//; s/"[^"]*"/"X"/g' | sort | uniq -c | sort -rn | head -20
# the statements psql failed on, ownership aside: what restore-test should name as superuser-only
gunzip -c "$dump" > "$work/regression.sql"
sed -n 's/^psql:<stdin>:\([0-9]*\): ERROR: .*/\1/p' "$work/psql.err" | sort -un > "$work/psql-error-lines.txt"
awk 'NR == FNR { want[$1] = 1; next }
     /^[A-Z]/ && !inside { inside = 1; head = $0 }
     FNR in want { print FNR ": " head }
     /;[[:space:]]*$/ { inside = 0 }' "$work/psql-error-lines.txt" "$work/regression.sql" \
  | grep -v ' OWNER TO ' > "$work/psql-failed-statements.txt" || true
rm -f "$work/regression.sql"
echo "== psql failed on $(wc -l < "$work/psql-failed-statements.txt") statements other than OWNER TO ($work/psql-failed-statements.txt)"
TEST_DB_HOST=$PGHOST TEST_DB_PORT=$PGPORT TEST_DB_USER=$PGUSER run --verify-only > "$work/restore-kept.json" 2> "$work/restore-kept.err" || true
kept=$(sed -n 's/.*Test database kept: .* -d \([^ ]*\) .*/\1/p' "$work/restore-kept.err" | head -1)
[ -n "$kept" ] || { echo "restore-test --verify-only kept no database: see $work/restore-kept.err" >&2; exit 1; }
status=0
for part in schema data; do
  flag=-s; [ $part = data ] && flag=-a
  for d in "$oracle" "$kept"; do
    pg_dump --no-owner --no-privileges $flag -d "$d" | grep -v '^\\\(un\)\?restrict ' > "$work/$part-$d.sql"
  done
  if diff "$work/$part-$oracle.sql" "$work/$part-$kept.sql" > "$work/$part.diff"; then
    echo "== $part: no difference against psql"
  else
    echo "== $part: $(grep -c '^[<>]' "$work/$part.diff") lines differ from psql ($work/$part.diff)"
    status=1
  fi
done
exit $status
