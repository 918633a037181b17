#!/usr/bin/env bash
# How backup-verifier scales with the number of backups on one machine (issue 12).
#
#   bench/scale.sh N...            e.g. bench/scale.sh 300 1000 3000 10000
#
# For each N: generates N small real backups (copies of the committed pg_dump fixture
# shop.sql.gz under new names, each with a correct sidecar), spread over the daily, weekly
# and monthly categories, then times on a fresh results store each:
#   verify --all, verify --all --report, and the service's first pass (`run` until every
#   backup has a result in the store),
# and prints wall seconds, peak RSS and the growth ratio against the previous N.
# Targets: time linear (1,000 vs 10,000 within 12x), peak RSS under 400 MB.
#
# BV_HOME=/other/checkout bench/scale.sh ... times another build (e.g. the one before a change).
# Generated files go to bench/work/scale (BENCH_WORK overrides); they are kept between runs.
set -euo pipefail
export TZ=UTC
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: bench/scale.sh N..." >&2; exit 2; }
home=$(cd "${BV_HOME:-.}" && pwd)
bv="$home/bin/backup-verifier"
[ -f "$home/target/backup-verifier.jar" ] || (cd "$home" && mvn -q -B package -DskipTests)
work=${BENCH_WORK:-bench/work/scale}
mkdir -p "$work"
work=$(cd "$work" && pwd)


. bench/backups.sh

measure() { # out-file command...: wall seconds and peak RSS (MB) of one command
  local out=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %M' -o "$out.time" "$@" > "$out" 2>&1 || true
    awk 'END {printf "%s %.0f\n", $1, $2 / 1024}' "$out.time"
  else # bash's clock; peak RSS unknown without GNU time
    local t0 t1; t0=$(date +%s.%N); "$@" > "$out" 2>&1 || true; t1=$(date +%s.%N)
    echo "$(echo "$t1 - $t0" | bc) ?"
  fi
}

first_pass() { # N backups runDir: seconds until the service has a result for each of N backups, and its peak RSS
  local n=$1 backups=$2 run=$3 pid t0 done=0 rss=0 db
  db="$run/logs/state/results.db"
  t0=$(date +%s.%N)
  BACKUP_DIR="$backups" VERIFICATION_LOG_DIR="$run/logs" HTTP_PORT=0 WATCH_POLL_INTERVAL=1s \
    "$bv" run > "$run/run.out" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo "$rss")
    if [ -f "$db" ]; then
      done=$(sqlite3 -cmd '.timeout 5000' "$db" 'SELECT count(DISTINCT file_path) FROM bv_verification' 2>/dev/null || echo "$done")
      [ "${done:-0}" -ge "$n" ] && break
    fi
    sleep 0.5
  done
  local t1; t1=$(date +%s.%N)
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ "${done:-0}" -ge "$n" ] || { echo "FAILED ($done of $n; see $run/run.out)"; return; }
  printf '%.2f %.0f\n' "$(echo "$t1 - $t0" | bc)" "$(echo "$rss / 1024" | bc)"
}

# the launcher prepares its class-data cache on the first run after a build: not part of any figure
generate 1 "$work/n1/backups"
BACKUP_DIR="$work/n1/backups" VERIFICATION_LOG_DIR="$work/n1/warm-up" "$bv" verify --all > /dev/null 2>&1 || true

declare -A secs rss
printf '%-26s %7s %9s %8s %14s\n' command N seconds "RSS MB" "growth (xN)"
prev=""
for n in "$@"; do
  backups="$work/n$n/backups"
  generate "$n" "$backups"
  for what in "verify --all" "verify --all --report" "service first pass"; do
    run="$work/n$n/$(echo "$what" | tr -c 'a-z\n' '_')"
    rm -rf "$run"; mkdir -p "$run"
    case $what in
      "service first pass") read -r s m < <(first_pass "$n" "$backups" "$run") ;;
      *) read -r s m < <(BACKUP_DIR="$backups" VERIFICATION_LOG_DIR="$run/logs" measure "$run/out" "$bv" $what) ;;
    esac
    growth=""
    if [ -n "$prev" ] && [[ ${secs[$what,$prev]:-} =~ ^[0-9.]+$ ]] && [[ $s =~ ^[0-9.]+$ ]]; then
      growth=$(printf '%.1fx (%.1fx)' "$(echo "$s / ${secs[$what,$prev]}" | bc -l)" "$(echo "$n / $prev" | bc -l)")
    fi
    secs[$what,$n]=$s; rss[$what,$n]=${m:-?}
    printf '%-26s %7s %9s %8s %14s\n' "$what" "$n" "$s" "${m:-?}" "$growth"
  done
  prev=$n
done
