#!/usr/bin/env bash
# Times `backup-verifier verify FILE` side by side with the standard tools on the same
# file, in page cache, several runs each, and prints medians, MB/s of compressed input,
# each tool's ratio to `gzip -t`, and the verifier's peak RSS.
#
#   bench/verify-throughput.sh [RUNS]      (default 5 runs; generates bench/work/ first if missing)
#
# Targets (issue 2): verifier <= 0.75x the wall time of gzip -t, >= 1.6x faster than the
# naive sequence, peak RSS under 300 MB and the same for a 10 MB and a large backup.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=bench/work
[ -f "$work/bench.sql.gz" ] || bench/make-dump.sh "$work"
[ -f target/backup-verifier.jar ] || mvn -q -B package -DskipTests
export VERIFICATION_LOG_DIR="$work/logs"    # keep run logs and results out of the way

median() { sort -n | awk '{a[NR]=$1} END {m=(NR+1)/2; if (NR%2) print a[m]; else print (a[m-0.5]+a[m+0.5])/2}'; }
tfile=$(mktemp); trap 'rm -f "$tfile"' EXIT
timeit() { # command -> prints median wall seconds over $runs runs
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e' -o "$tfile" bash -c "$1" >/dev/null 2>&1 || true
    tail -1 "$tfile"
  done | median
}
rss() { # peak RSS in MB of a command (the JVM is exec'd by the launcher, so time sees it)
  /usr/bin/time -v -o "$tfile" bash -c "exec $1" >/dev/null 2>&1 || true
  awk '/Maximum resident set size/ {printf "%.0f", $NF/1024}' "$tfile"
}

report() { # file
  local f=$1 size mb base
  size=$(stat -c %s "$f"); mb=$(echo "$size / 1000000" | bc -l)
  cat "$f" > /dev/null  # into page cache
  echo
  echo "== $(basename "$f"): $(printf '%.0f' "$mb") MB compressed, $runs runs each, median wall time"
  printf '%-44s %9s %9s %12s\n' tool seconds MB/s "vs gzip -t"
  declare -A t
  t[cat]=$(timeit "cat $f")
  t[sha256sum]=$(timeit "sha256sum $f")
  t[gzip -t]=$(timeit "gzip -t $f")
  command -v pigz >/dev/null && t[pigz -t]=$(timeit "pigz -t $f")
  t[naive: gzip -t; sha256sum; zcat|head -c 1M]=$(timeit "gzip -t $f && sha256sum $f && { zcat $f | head -c 1000000 >/dev/null; }")
  t[backup-verifier verify]=$(timeit "bin/backup-verifier verify $f")
  base=${t[gzip -t]}
  for k in cat sha256sum "gzip -t" "pigz -t" "naive: gzip -t; sha256sum; zcat|head -c 1M" "backup-verifier verify"; do
    [ -n "${t[$k]:-}" ] || continue
    printf '%-44s %9.2f %9.1f %11.2fx\n' "$k" "${t[$k]}" "$(echo "$mb / ${t[$k]}" | bc -l)" "$(echo "${t[$k]} / $base" | bc -l)"
  done
  local naive=${t[naive: gzip -t; sha256sum; zcat|head -c 1M]} v=${t[backup-verifier verify]}
  printf 'verifier: %.2fx the wall time of gzip -t (target <= 0.75), %.2fx faster than the naive sequence (target >= 1.6)\n' \
    "$(echo "$v / $base" | bc -l)" "$(echo "$naive / $v" | bc -l)"
  printf 'verifier peak RSS: %s MB (target < 300)\n' "$(rss "bin/backup-verifier verify $f")"
}

bin/backup-verifier verify "$work/small.sql.gz" >/dev/null 2>&1 || true   # first run may prepare the class cache
report "$work/bench.sql.gz"
report "$work/bench-multi.sql.gz"
echo
printf 'peak RSS, 10 MB backup: %s MB; large backup: %s MB\n' \
  "$(rss "bin/backup-verifier verify $work/small.sql.gz")" "$(rss "bin/backup-verifier verify $work/bench.sql.gz")"
