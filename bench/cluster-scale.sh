#!/usr/bin/env bash
# Two nodes against one (issue 12, "several machines"): wall time of the service's first pass
# over N small real backups with CLUSTER_ENABLED on one PostgreSQL, with one `run` process and
# with two on the same backup directory (each its own VERIFICATION_LOG_DIR, as two machines).
#
#   bench/cluster-scale.sh N...          e.g. bench/cluster-scale.sh 500 2000
#
# The backups are made as bench/scale.sh makes them (copies of the pg_dump fixture shop.sql.gz
# with correct sidecars; kept in bench/work/scale, BENCH_WORK overrides). Each pass gets a
# throw-away database bv_cluster_bench_* on PG (default postgresql://postgres@127.0.0.1:5432),
# dropped at the end. Prints seconds until every backup has a result, how many results were
# recorded (each backup once: results = N), and the speed-up of two nodes.
# Both nodes share this machine's cores: on one machine two nodes show the cost of the cluster's
# locking, not the gain of a second machine.
set -euo pipefail
export TZ=UTC
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: bench/cluster-scale.sh N..." >&2; exit 2; }
home=$(cd "${BV_HOME:-.}" && pwd)
bv="$home/bin/backup-verifier"
[ -f "$home/target/backup-verifier.jar" ] || (cd "$home" && mvn -q -B package -DskipTests)
work=${BENCH_WORK:-bench/work/scale}
pg_host=${PG_HOST:-127.0.0.1} pg_port=${PG_PORT:-5432} pg_user=${PG_USER:-postgres}
mkdir -p "$work"
work=$(cd "$work" && pwd)
psql_() { psql -X -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 "$@"; }


. bench/backups.sh

pass() { # N backups runDir nodes: "seconds results" until each of N backups has a result in the store
  local n=$1 backups=$2 run=$3 count=$4 t0 t1 i done=0 # db and pids: global, for the EXIT trap
  db="bv_cluster_bench_$$_${count}_$n"
  psql_ -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  pids=()
  # runs in a subshell of its own: it stops its nodes and drops its database however it ends
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true;
        psql_ -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" > /dev/null 2>&1 || true' EXIT
  rm -rf "$run"; mkdir -p "$run"
  t0=$(date +%s.%N)
  for ((i = 1; i <= count; i++)); do
    BACKUP_DIR="$backups" VERIFICATION_LOG_DIR="$run/node$i" HTTP_PORT=0 WATCH_POLL_INTERVAL=1s \
      RESULTS_DB_URL="jdbc:postgresql://$pg_host:$pg_port/$db" RESULTS_DB_USER="$pg_user" CLUSTER_ENABLED=true \
      "$bv" run > "$run/node$i.out" 2>&1 &
    pids+=($!)
  done
  while kill -0 "${pids[0]}" 2>/dev/null; do
    done=$(psql -X -qtA -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$db" \
      -c 'SELECT count(DISTINCT file_path) FROM bv_verification' 2>/dev/null || echo "$done")
    [ "${done:-0}" -ge "$n" ] && break
    sleep 0.5
  done
  t1=$(date +%s.%N)
  local results
  results=$(psql -X -qtA -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$db" -c 'SELECT count(*) FROM bv_verification')
  [ "${done:-0}" -ge "$n" ] || { echo "FAILED ($done of $n; see $run)"; return; }
  printf '%.2f %s\n' "$(echo "$t1 - $t0" | bc)" "$results"
}

# the launcher prepares its class-data cache on the first run after a build: not part of any figure
generate 1 "$work/n1/backups"
BACKUP_DIR="$work/n1/backups" VERIFICATION_LOG_DIR="$work/n1/warm-up" "$bv" verify --all > /dev/null 2>&1 || true

printf '%-8s %7s %9s %8s %9s\n' nodes N seconds results speed-up
for n in "$@"; do
  backups="$work/n$n/backups"
  generate "$n" "$backups"
  read -r one r1 < <(pass "$n" "$backups" "$work/n$n/cluster_1" 1)
  printf '%-8s %7s %9s %8s %9s\n' 1 "$n" "$one" "${r1:-?}" ""
  read -r two r2 < <(pass "$n" "$backups" "$work/n$n/cluster_2" 2)
  speed=""
  [[ $one =~ ^[0-9.]+$ && $two =~ ^[0-9.]+$ ]] && speed=$(printf '%.2fx' "$(echo "$one / $two" | bc -l)")
  printf '%-8s %7s %9s %8s %9s\n' 2 "$n" "$two" "${r2:-?}" "$speed"
done
