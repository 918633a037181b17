#!/usr/bin/env bash
# How fast the report, the status page and /api/backups answer over many backups (issue 12:
# under 1 s at 20,000).
#
#   bench/report-scale.sh N...            e.g. bench/report-scale.sh 2000 20000
#
# For each N: the same N real backups with sidecars as bench/scale.sh (shared with it under
# bench/work/scale/nN/backups), and an SQLite results store filled directly with SQL as a
# service that has verified them all would have it: two verifications per backup (the latest
# PASSED, every tenth FAILED on gzip_integrity, every tenth never verified), seven checks
# each, a passed restore test for every tenth and a failed one for every twentieth, and the
# watcher's keys, so the service does not verify them again. Then it times:
#   report                     the command, wall seconds and peak RSS (JVM start included)
#   GET /api/backups           the whole list (the service, `run`, already started)
#   GET /api/backups?limit=100 the newest 100, with the totals
#   GET /                      the status page (its first page)
#   GET /api/backups (first)   the first request, which makes the rows the others reuse
#   GET ... after a change     a request after a sidecar changed and the watcher's poll saw it
#                              (the backup directory walked again)
#   idle 60 s                  the service's CPU seconds over a minute with nothing to do (the
#                              watcher lists every file each WATCH_POLL_INTERVAL)
# and checks that the store's rows did not change while it measured. Besides wall seconds it
# prints CPU seconds (the command's, or the service's during the request): on a machine shared
# with other work, wall time says more about the others than about this program.
#
# BV_HOME=/other/checkout bench/report-scale.sh ... times another build (e.g. the one before a change).
set -euo pipefail
export TZ=UTC
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: bench/report-scale.sh N..." >&2; exit 2; }
home=$(cd "${BV_HOME:-.}" && pwd)
bv="$home/bin/backup-verifier"
[ -f "$home/target/backup-verifier.jar" ] || (cd "$home" && mvn -q -B package -DskipTests)
work=${BENCH_WORK:-bench/work/scale}
migration=src/main/resources/io/backupverifier/store/migration/V1__results_store.sql
mkdir -p "$work"
work=$(cd "$work" && pwd)


. bench/backups.sh

fill() { # backups db: the results store of a service that has verified every backup (see above)
  local backups=$1 db=$2 files
  files=$(mktemp)
  # path, category, number (from the name), and the watcher's key: SHA-256 of path|size|mtime in ms
  find "$backups" -name '*.sql.gz' -type f -printf '%p\t%s\t%T@\n' | python3 -c '
import hashlib, re, sys
for line in sys.stdin:
    path, size, mtime = line.rstrip("\n").split("\t")
    ms = int(mtime.replace(".", "")[: len(mtime.split(".")[0]) + 3])
    key = hashlib.sha256(f"{path}|{size}|{ms}".encode()).hexdigest()
    i = int(re.search(r"shop_(\d+)_", path).group(1))
    print("\t".join([path, path.split("/")[-2], str(i), key]))' > "$files"
  mkdir -p "$(dirname "$db")"
  rm -f "$db"
  now=$(date +%s%3N)
  sqlite3 "$db" <<SQL
$(sed 's/^--.*//' "$migration")
CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED (processorName VARCHAR(255), messageId VARCHAR(100), createdAt TIMESTAMP,
    PRIMARY KEY (processorName, messageId));
CREATE TEMP TABLE f (path TEXT, category TEXT, i INTEGER, key TEXT);
.mode tabs
.import $files f
BEGIN;
INSERT INTO CAMEL_MESSAGEPROCESSED SELECT 'watch-backups', key, CURRENT_TIMESTAMP FROM f;
-- every backup but every tenth: one older verification (PASSED) and the latest one
INSERT INTO bv_verification (id, file_path, file_name, kind, category, size_bytes, modified_at, created_at, sha256, status,
    verified_at, duration_ms)
  SELECT 'o' || i, path, replace(path, rtrim(path, replace(path, '/', '')), ''), 'plain', category, $fixture_size, NULL, NULL,
      '$fixture_sha', 'PASSED', $now - 2 * 86400000 - i, 40 FROM f WHERE i % 10 <> 3
  UNION ALL
  SELECT 'n' || i, path, replace(path, rtrim(path, replace(path, '/', '')), ''), 'plain', category, $fixture_size, NULL, NULL,
      '$fixture_sha', CASE WHEN i % 10 = 5 THEN 'FAILED' ELSE 'PASSED' END, $now - 3600000 + i, 40 FROM f WHERE i % 10 <> 3;
WITH c(check_id) AS (VALUES ('size'), ('metadata'), ('checksum'), ('gzip_integrity'), ('extractable'), ('format'),
    ('dump_complete'))
INSERT INTO bv_check (verification_id, check_id, status, message)
  SELECT v.id, c.check_id, CASE WHEN v.status = 'FAILED' AND c.check_id = 'gzip_integrity' THEN 'FAILED' ELSE 'PASSED' END,
      CASE WHEN v.status = 'FAILED' AND c.check_id = 'gzip_integrity' THEN 'truncated gzip stream' ELSE 'ok' END
  FROM bv_verification v, c;
INSERT INTO bv_restore (id, file_path, file_name, kind, category, status, target, tested_at, restore_ms, checks_ms, rows_loaded,
    skipped_statements)
  SELECT 'r' || i, path, 'x', 'plain', category, CASE WHEN i % 20 = 1 THEN 'FAILED' ELSE 'PASSED' END, 'embedded',
      $now - 86400000 + i, 900, 100, 1234, 0 FROM f WHERE i % 10 = 0 OR i % 20 = 1;
COMMIT;
SQL
  rm -f "$files"
}

measure() { # out-file command...: wall seconds, peak RSS (MB) and CPU seconds of one command
  local out=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$out.time" "$@" > "$out" 2>&1 || true
  awk 'END {printf "%s %.0f %.2f\n", $1, $2 / 1024, $3 + $4}' "$out.time"
}

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; } # pid: CPU time in clock ticks

get() { # pid url: seconds to the whole answer, HTTP status, size, and the service's CPU seconds meanwhile
  local c0 c1 answer
  c0=$(cpu "$1")
  answer=$(curl -s -o /dev/null --max-time 600 -w '%{time_total} %{http_code} %{size_download}' "$2")
  c1=$(cpu "$1")
  echo "$answer $(echo "scale=2; ($c1 - $c0) / $(getconf CLK_TCK)" | bc)"
}

rows() { sqlite3 "$1" 'SELECT (SELECT count(*) FROM bv_verification) || " " || (SELECT count(*) FROM bv_restore)'; }

# the launcher prepares its class-data cache on the first run after a build: not part of any figure
generate 1 "$work/n1/backups"
BACKUP_DIR="$work/n1/backups" VERIFICATION_LOG_DIR="$work/n1/warm-up" "$bv" verify --all > /dev/null 2>&1 || true

printf '%-28s %7s %9s %s\n' what N seconds "detail"
# what the command costs before it looks at a backup (JVM and Camel start): compare report's figures with this
read -r s m c < <(BACKUP_DIR="$work/n1/backups" VERIFICATION_LOG_DIR="$work/n1/warm-up" measure "$work/n1/report.out" "$bv" report)
printf '%-28s %7s %9s %s\n' "report (start-up only)" 1 "$s" "CPU ${c} s, peak RSS ${m} MB"
for n in "$@"; do
  backups="$work/n$n/backups"
  generate "$n" "$backups"
  run="$work/n$n/report"
  rm -rf "$run"; mkdir -p "$run"
  db="$run/logs/state/results.db"
  fill "$backups" "$db"
  before=$(rows "$db")

  read -r s m c < <(BACKUP_DIR="$backups" VERIFICATION_LOG_DIR="$run/logs" measure "$run/report.out" "$bv" report)
  printf '%-28s %7s %9s %s\n' "report" "$n" "$s" "CPU ${c} s, peak RSS ${m} MB; $(grep -m1 -o '[0-9]* of [0-9]* backups verified.*' "$run/report.out" || tail -1 "$run/report.out")"

  port=$((20000 + RANDOM % 20000))
  BACKUP_DIR="$backups" VERIFICATION_LOG_DIR="$run/logs" HTTP_PORT=$port HTTP_HOST=127.0.0.1 "$bv" run > "$run/run.out" 2>&1 &
  pid=$!
  for ((t = 0; t < 1200; t++)); do # until the routes answer (the HTTP server answers 404 before)
    code=$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/api/backups?limit=1" || true)
    [ "$code" != 000 ] && [ "$code" != 404 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  # the first request warms the service's code up (and makes the rows the next ones may reuse)
  read -r s code size c < <(get "$pid" "http://127.0.0.1:$port/api/backups")
  printf '%-28s %7s %9s %s\n' "GET /api/backups (first)" "$n" "$s" "CPU ${c} s (service), HTTP $code, $size bytes"
  for path in "/api/backups" "/api/backups" "/api/backups?limit=100" "/api/backups?limit=100&offset=10000" "/" "/"; do
    read -r s code size c < <(get "$pid" "http://127.0.0.1:$port$path")
    printf '%-28s %7s %9s %s\n' "GET $path" "$n" "$s" "CPU ${c} s (service), HTTP $code, $size bytes"
  done
  # a sidecar changes (same content, new time): once a whole watcher poll (10 s) has seen it, the next
  # request walks the directory again
  touch "$(find "$backups" -name '*.meta.json' -print -quit)"
  sleep 25
  read -r s code size c < <(get "$pid" "http://127.0.0.1:$port/?limit=100")
  printf '%-28s %7s %9s %s\n' "GET / after a change" "$n" "$s" "CPU ${c} s (service), HTTP $code, $size bytes"
  c0=$(cpu "$pid")
  sleep 60
  c1=$(cpu "$pid")
  printf '%-28s %7s %9s %s\n' "idle 60 s" "$n" "60" "CPU $(echo "scale=2; ($c1 - $c0) / $(getconf CLK_TCK)" | bc) s (service, watcher polling)"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  after=$(rows "$db")
  [ "$before" = "$after" ] || echo "WARNING: the store changed while measuring (verifications, restores: $before -> $after)"
done
