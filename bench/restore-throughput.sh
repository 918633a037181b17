#!/usr/bin/env bash
# Times restores of the same database side by side on one PostgreSQL server (the local one,
# PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres): gunzip | psql, pg_restore -j1,
# pg_restore -j2, and backup-verifier restore-test (external mode on that server) for the
# plain dump and the custom archive; the verifier's restore and checks phases separately.
#
#   bench/restore-throughput.sh        (generates bench/work/ first if missing)
#
# Targets (issue 3): the verifier's restore phase <= 0.7x gunzip | psql for the plain dump,
# within 1.1x of pg_restore -j2 for the custom archive.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
work=bench/work
[ -f "$work/bench.sql.gz" ] || bench/make-dump.sh "$work"
[ -f target/backup-verifier.jar ] || mvn -q -B package -DskipTests
logs=$(mktemp -d); trap 'rm -rf "$logs"' EXIT
export VERIFICATION_LOG_DIR="$logs/logs" RESTORE_LOG_DIR="$logs/restore" RESTORE_WORK_DIR="$logs/work"
export TEST_DB_HOST="$PGHOST" TEST_DB_PORT="$PGPORT" TEST_DB_USER="$PGUSER" DB_NAME=bvbench

secs() { local s=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc -l; }
fresh() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS bv_bench_target" -c "CREATE DATABASE bv_bench_target"; }
cat "$work"/bench.sql.gz "$work"/bench.dump > /dev/null

fresh; psql_s=$(secs bash -c "gunzip -c $work/bench.sql.gz | psql -X -q -v ON_ERROR_STOP=1 -d bv_bench_target")
fresh; j1_s=$(secs pg_restore --no-owner --no-acl -j 1 -d bv_bench_target "$work/bench.dump")
fresh; j2_s=$(secs pg_restore --no-owner --no-acl -j 2 -d bv_bench_target "$work/bench.dump")
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS bv_bench_target"

phases() { # backup -> "restore_seconds checks_seconds total_seconds"
  local total
  total=$(secs bin/backup-verifier restore-test "$1")
  sqlite3 "$VERIFICATION_LOG_DIR/state/results.db" \
    "SELECT printf('%.2f %.2f', restore_ms / 1000.0, checks_ms / 1000.0) FROM bv_restore ORDER BY tested_at DESC LIMIT 1" \
    | tr '\n' ' '
  echo "$total"
}
read -r plain_r plain_c plain_t <<<"$(phases "$work/bench.sql.gz")"
read -r custom_r custom_c custom_t <<<"$(phases "$work/bench.dump")"

echo "== restore of $(du -h "$work/bench.sql.gz" | cut -f1) gzipped plain dump / $(du -h "$work/bench.dump" | cut -f1) custom archive into PostgreSQL at $PGHOST:$PGPORT ($(nproc) cores)"
printf '%-52s %9s\n' tool seconds
printf '%-52s %9.1f\n' "gunzip -c | psql -X -v ON_ERROR_STOP=1" "$psql_s"
printf '%-52s %9.1f\n' "pg_restore -j1 (custom)" "$j1_s"
printf '%-52s %9.1f\n' "pg_restore -j2 (custom)" "$j2_s"
printf '%-52s %9.1f   (checks %.1f, whole command %.1f)\n' "backup-verifier restore-test plain: restore phase" "$plain_r" "$plain_c" "$plain_t"
printf '%-52s %9.1f   (checks %.1f, whole command %.1f)\n' "backup-verifier restore-test custom: restore phase" "$custom_r" "$custom_c" "$custom_t"
printf 'plain: restore phase %.2fx the time of gunzip | psql (target <= 0.7)\n' "$(echo "$plain_r / $psql_s" | bc -l)"
printf 'custom: restore phase %.2fx the time of pg_restore -j2 (target <= 1.1)\n' "$(echo "$custom_r / $j2_s" | bc -l)"
