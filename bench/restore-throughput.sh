#!/usr/bin/env bash
# Times restores of the same database side by side, several runs each, and prints medians
# and ratios: gunzip | psql and pg_restore -j2 (+ ANALYZE) on one PostgreSQL server (the local
# one, PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres), and backup-verifier restore-test
# of the plain dump and the custom archive, into that server (external mode) and into the
# embedded default, with the verifier's restore and checks phases and the whole command, and
# for each whole command its CPU seconds: client (its own processes: gunzip and psql, pg_restore,
# the JVM with the pg_restore it runs) and server (the backends of its database, with their
# parallel and autovacuum workers; bench/cpu-seconds.py). On 2 cores a command cannot take less
# wall time than (client + server) / 2: that floor says whether a ratio is reachable at all.
#
#   bench/restore-throughput.sh [RUNS]     (default 3 runs; generates bench/work/ first if missing;
#                                           bench/make-dump.sh bench/work 0.5 makes a moderate one)
#   BASELINE=/path/to/other/checkout bench/restore-throughput.sh   also times that checkout's
#                                           restore-test (its jar built), in the same runs: before/after
#   MODES="external" KINDS="plain" bench/restore-throughput.sh   only those restore-tests (default
#                                           MODES="external embedded" KINDS="plain custom"): a shorter
#                                           before/after of one path on a busy machine
#
# Targets (issue 14): whole restore-test of the plain dump, every check included, <= 0.8x
# gunzip | psql (restore phase <= 0.6x); whole restore-test of the custom archive <= 1.0x
# pg_restore -j2 + ANALYZE. Ratios of one run side by side, never timed tests.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
modes=${MODES:-external embedded} kinds=${KINDS:-plain custom}
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
work=bench/work
[ -f "$work/bench.sql.gz" ] || bench/make-dump.sh "$work"
[ -f target/backup-verifier.jar ] || mvn -q -B package -DskipTests
logs=$(mktemp -d); trap 'rm -rf "$logs"' EXIT
export VERIFICATION_LOG_DIR="$logs/logs" RESTORE_LOG_DIR="$logs/restore" RESTORE_WORK_DIR="$logs/work" DB_NAME="${DB_NAME:-bv_bench}"

# "wall client server" seconds of a command: wall time, CPU time of its processes, CPU time of the
# backends of the databases matching $1 (bench/cpu-seconds.py): on a shared machine the CPU columns
# say what each side costs when the wall times are noisy
timed() { local db=$1; shift; bench/cpu-seconds.py "$db" "$@" 2>/dev/null || echo "0 0 0"; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR+1)/2; if (NR%2) print a[m]; else print (a[m-0.5]+a[m+0.5])/2}'; }
target="${DB_NAME}_target_$$"
fresh() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $target" -c "CREATE DATABASE $target"; }
external() { TEST_DB_HOST="$PGHOST" TEST_DB_PORT="$PGPORT" TEST_DB_USER="$PGUSER" "$@"; }
embedded() { (unset TEST_DB_HOST; "$@"); }
phases() { # mode backup [checkout] -> "restore_seconds checks_seconds total_seconds client_cpu server_cpu"
  local total
  total=$("$1" timed "${DB_NAME}_test_[0-9_]+" "${3:-.}"/bin/backup-verifier restore-test "$2")
  sqlite3 "$VERIFICATION_LOG_DIR/state/results.db" \
    "SELECT printf('%.2f %.2f', restore_ms / 1000.0, checks_ms / 1000.0) FROM bv_restore ORDER BY tested_at DESC LIMIT 1" \
    | tr '\n' ' '
  echo "$total"
}
cat "$work"/bench.sql.gz "$work"/bench.dump > /dev/null # page cache

declare -A t
add() { t[$1]+="$2 "; }
m() { echo "${t[$1]}" | tr ' ' '\n' | grep -v '^$' | median; }
ratio() { printf '%5.2fx' "$(echo "$1 / $2" | bc -l)"; }
row() { # label seconds [cpu key]: the CPU columns of a whole command (client = its processes, server = its backends)
  local cc=- cs=-
  [ -z "${3:-}" ] || { cc=$(printf '%.1f' "$(m "$3-cc")"); cs=$(printf '%.1f' "$(m "$3-cs")"); }
  printf '| %-58s | %7.1f | %6s | %6s | %s | %s |\n' "$1" "$2" "$cc" "$cs" "$(ratio "$2" "$psql_s")" "$(ratio "$2" "$j2a_s")"
}
table() { # the medians of the runs so far
  psql_s=$(m psql); j2_s=$(m j2); j2a_s=$(m j2a)

  echo "== restore of $(du -h "$work/bench.sql.gz" | cut -f1) gzipped plain dump / $(du -h "$work/bench.dump" | cut -f1) custom archive;"
  echo "   PostgreSQL $(psql -X -Atq -d postgres -c 'SHOW server_version' | cut -d' ' -f1) at $PGHOST:$PGPORT and the embedded default; $(nproc) cores; median of $run of $runs runs"
  echo
  printf '| %-58s | %7s | %6s | %6s | %6s | %6s |\n' "" seconds "CPU-s client" "CPU-s server" "vs gunzip \| psql" \
    "vs pg_restore -j2 + ANALYZE"
  echo '|---|---|---|---|---|---|'
  row "\`gunzip -c | psql\` (restore only, no checks)" "$psql_s" psql
  row "\`pg_restore -j2\` (custom archive, restore only)" "$j2_s" j2
  row "\`pg_restore -j2\` + \`ANALYZE\`" "$j2a_s" j2a
  for mode in $modes; do
    label=$([ "$mode" = external ] && echo "PostgreSQL at $PGHOST:$PGPORT" || echo "embedded")
    for kind in $kinds; do
      for p in "" base-; do
        [ -z "$p" ] || [ -n "${BASELINE:-}" ] || continue
        b=$([ -z "$p" ] || echo " (baseline)")
        row "\`restore-test\`$b $kind, $label: restore phase" "$(m "$p$mode-$kind-r")"
        row "\`restore-test\`$b $kind, $label: checks phase" "$(m "$p$mode-$kind-c")"
        row "\`restore-test\`$b $kind, $label: **whole command**" "$(m "$p$mode-$kind-w")" "$p$mode-$kind"
      done
    done
  done
}
for run in $(seq "$runs"); do
  fresh; read -r w cc cs <<<"$(timed "$target" bash -c "gunzip -c $work/bench.sql.gz | psql -X -q -v ON_ERROR_STOP=1 -d $target")"
  add psql "$w"; add psql-cc "$cc"; add psql-cs "$cs"
  fresh; read -r w cc cs <<<"$(timed "$target" pg_restore --no-owner --no-acl -j 2 -d "$target" "$work/bench.dump")"
  add j2 "$w"; add j2-cc "$cc"; add j2-cs "$cs"
  read -r aw acc acs <<<"$(timed "$target" psql -X -q -d "$target" -c ANALYZE)"
  add j2a "$(echo "$w + $aw" | bc -l)"; add j2a-cc "$(echo "$cc + $acc" | bc -l)"; add j2a-cs "$(echo "$cs + $acs" | bc -l)"
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $target"
  for mode in $modes; do
    for kind in $kinds; do
      f=$work/bench.sql.gz; [ "$kind" = custom ] && f=$work/bench.dump
      read -r r c w cc cs <<<"$(phases "$mode" "$f")"
      add "$mode-$kind-r" "$r"; add "$mode-$kind-c" "$c"; add "$mode-$kind-w" "$w"
      add "$mode-$kind-cc" "$cc"; add "$mode-$kind-cs" "$cs"
      if [ -n "${BASELINE:-}" ]; then
        read -r r c w cc cs <<<"$(phases "$mode" "$PWD/$f" "$BASELINE")"
        add "base-$mode-$kind-r" "$r"; add "base-$mode-$kind-c" "$c"; add "base-$mode-$kind-w" "$w"
        add "base-$mode-$kind-cc" "$cc"; add "base-$mode-$kind-cs" "$cs"
      fi
    done
  done
  echo "run $run of $runs done" >&2
  [ "$run" = "$runs" ] || table >&2 # what a run stopped early would have shown
done
table
