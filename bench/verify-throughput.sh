#!/usr/bin/env bash
# Times `backup-verifier verify FILE` side by side with the standard tools on the same file,
# in page cache, and the whole command on a tiny backup (start-up). Runs are interleaved
# (run 1 of every tool, then run 2, ...) so a machine that gets busier mid-way hurts all
# columns alike. Prints medians of wall time and of CPU time (user+sys: steadier than wall
# time on a shared machine), MB/s of compressed input, each ratio to `gzip -t`, and the peak
# RSS (/usr/bin/time -v) of every run.
#
#   bench/verify-throughput.sh [RUNS]      (default 3 runs; generates bench/work/ first if missing)
#   BASELINE=DIR bench/verify-throughput.sh   also times DIR/bin/backup-verifier (another build, e.g.
#                                             the previous release) in the same interleaved runs
#
# Targets (issue 14): whole verify of the large file <= 0.5x the wall time of gzip -t; a tiny
# backup's whole verify <= 0.6 s; peak RSS under 300 MB, the same for 10 MB and a large backup.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
work=bench/work
[ -f "$work/bench.sql.gz" ] || bench/make-dump.sh "$work"
[ -f target/backup-verifier.jar ] || mvn -q -B package -DskipTests
export VERIFICATION_LOG_DIR="$work/logs"    # keep run logs and results out of the way
tiny=examples/backups/daily/backup_20251227_120000.gz
large=$work/bench.sql.gz
multi=$work/bench-multi.sql.gz
small=$work/small.sql.gz

names=("cat" "sha256sum" "gzip -t")
cmds=("cat $large" "sha256sum $large" "gzip -t $large")
if command -v pigz >/dev/null; then names+=("pigz -t"); cmds+=("pigz -t $large"); fi
names+=("verify (large)")
cmds+=("bin/backup-verifier verify $large")
if [ -f "$multi" ]; then names+=("verify (8 gzip members)"); cmds+=("bin/backup-verifier verify $multi"); fi
if [ -f "$small" ]; then names+=("verify (10 MB)"); cmds+=("bin/backup-verifier verify $small"); fi
names+=("verify (tiny: start-up)")
cmds+=("bin/backup-verifier verify $tiny")
if [ -n "${BASELINE:-}" ]; then
  names+=("baseline verify (large)" "baseline verify (tiny)")
  cmds+=("$BASELINE/bin/backup-verifier verify $large" "$BASELINE/bin/backup-verifier verify $tiny")
  "$BASELINE/bin/backup-verifier" verify "$tiny" >/dev/null 2>&1 || true
fi

cat "$large" "$multi" "$small" > /dev/null 2>&1 || true    # into page cache
bin/backup-verifier verify "$tiny" >/dev/null 2>&1 || true  # the first run after a build records the class-data archive

out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for r in $(seq "$runs"); do
  for i in "${!cmds[@]}"; do
    # the launcher execs the JVM, so time measures the JVM itself
    /usr/bin/time -v -o "$out/$i.$r" bash -c "exec ${cmds[$i]}" >/dev/null 2>&1 || true
  done
done

median() { sort -n | awk '{a[NR]=$1} END {m=(NR+1)/2; if (NR%2) print a[m]; else print (a[m-0.5]+a[m+0.5])/2}'; }
field() { # label, file -> the value after the label's last ": " (labels hold parentheses and colons)
  awk -v l="$1" 'index($0, l) { n = split($0, p, ": "); print p[n] }' "$2"
}
wall() { # "h:mm:ss" or "m:ss.ss" -> seconds
  awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'
}
declare -A W C R
for i in "${!cmds[@]}"; do
  W[$i]=$(for r in $(seq "$runs"); do field "Elapsed (wall clock) time" "$out/$i.$r" | wall; done | median)
  C[$i]=$(for r in $(seq "$runs"); do
    echo "$(field "User time" "$out/$i.$r") + $(field "System time" "$out/$i.$r")" | bc -l; done | median)
  R[$i]=$(for r in $(seq "$runs"); do field "Maximum resident set size" "$out/$i.$r"; done | sort -n | tail -1)
done

mb=$(echo "$(stat -c %s "$large") / 1000000" | bc -l)
base=
for i in "${!names[@]}"; do [ "${names[$i]}" = "gzip -t" ] && base=${W[$i]}; done
echo
printf '== %s: %.0f MB compressed; %d interleaved runs, medians; load average %s\n' "$(basename "$large")" "$mb" "$runs" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-28s %9s %9s %9s %11s %9s\n' tool "wall s" "cpu s" "MB/s" "vs gzip -t" "peak RSS"
for i in "${!names[@]}"; do
  case "${names[$i]}" in *tiny*|*10\ MB*) rate=-; ratio=-;; *)
    rate=$(printf '%.0f' "$(echo "$mb / ${W[$i]}" | bc -l)"); ratio=$(printf '%.2fx' "$(echo "${W[$i]} / $base" | bc -l)");; esac
  printf '%-28s %9.2f %9.2f %9s %11s %6.0f MB\n' "${names[$i]}" "${W[$i]}" "${C[$i]}" "$rate" "$ratio" "$(echo "${R[$i]} / 1024" | bc -l)"
done
echo
for i in "${!names[@]}"; do
  case "${names[$i]}" in
    "verify (large)") printf 'verify of the large file: %.2fx the wall time of gzip -t (target <= 0.5)\n' "$(echo "${W[$i]} / $base" | bc -l)";;
    "baseline verify (large)") printf 'baseline, large file: %.2fx gzip -t\n' "$(echo "${W[$i]} / $base" | bc -l)";;
    "baseline verify (tiny)") printf 'baseline, tiny backup: %.2f s wall, %.2f s CPU\n' "${W[$i]}" "${C[$i]}";;
    "verify (tiny: start-up)") printf 'verify of a tiny backup: %.2f s wall (target <= 0.6 s), %.2f s CPU\n' "${W[$i]}" "${C[$i]}";;
  esac
done
