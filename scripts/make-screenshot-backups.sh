#!/usr/bin/env bash
# Makes a directory of real small backups to look at the reports and the terminal as a person
# would (docs/screenshots/): a throw-away copy of scripts/fixtures/shop.sql that grows by a
# few dozen customers a day, dumped with the real pg_dump once per simulated day, newest now.
#
#   PGHOST=127.0.0.1 PGUSER=postgres scripts/make-screenshot-backups.sh DIR [N]
#
# N (default 50) backups, 70% daily, 20% weekly, 10% monthly, interleaved as a schedule makes them, each with a correct
# sidecar; then, as a person would meet them, a few broken on purpose: one truncated, one with
# a flipped byte, one without its sidecar, and one daily dump that lost most of its data.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/make-screenshot-backups.sh DIR [N]}
n=${2:-50}
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}" TZ=UTC
db=bv_screenshots_$$
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f scripts/fixtures/shop.sql >/dev/null
rm -rf "$dir"; mkdir -p "$dir/daily" "$dir/weekly" "$dir/monthly"
sidecar() { # FILE CREATED_AT CATEGORY
  printf '{\n  "file": "%s",\n  "created_at": "%s",\n  "sha256": "%s",\n  "size_bytes": %s,\n  "database": "shop",\n  "category": "%s"\n}\n' \
    "$(basename "$1")" "$2" "$(sha256sum "$1" | cut -d' ' -f1)" "$(stat -c %s "$1")" "$3" > "$1.meta.json"
}

printf -v now '%(%s)T' -1
daily=$(( n * 7 / 10 )); weekly=$(( n * 2 / 10 )); monthly=$(( n - daily - weekly ))
plan=() # "time category", interleaved as a real schedule makes them
for ((k = 0; k < daily; k++)); do plan+=("$((now - 86400 * k - 3600)) daily"); done
for ((k = 0; k < weekly; k++)); do plan+=("$((now - 86400 * (7 * k + 2) - 7200)) weekly"); done
for ((k = 0; k < monthly; k++)); do plan+=("$((now - 86400 * (30 * k + 5) - 10800)) monthly"); done
mapfile -t plan < <(printf '%s\n' "${plan[@]}" | sort -n)
prev=
for p in "${plan[@]}"; do # oldest first: the database grows by 5 customers a day
  t=${p% *}; cat=${p#* }
  grow=$(( prev ? (t - prev) * 5 / 86400 : 2000 )); prev=$t # 2,000 before the first
  psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "INSERT INTO customers (email, full_name)
      SELECT 'c${t}_' || g || '@example.com', initcap(md5('${t}_' || g)) FROM generate_series(1, $grow) g" >/dev/null
  printf -v stamp '%(%Y%m%d_%H%M%S)T' "$t"; printf -v at '%(%Y-%m-%dT%H:%M:%SZ)T' "$t"
  f="$dir/$cat/shop_$stamp.sql.gz"
  pg_dump -d "$db" --no-owner | gzip -6 > "$f"
  sidecar "$f" "$at" "$cat"
  touch -d "@$t" "$f" "$f.meta.json"
done

# broken on purpose, the way backups break (each keeps its modification time)
mapfile -t d < <(ls "$dir"/daily/*.sql.gz | sort)
for f in "${d[-3]}" "${d[-6]}" "${d[-9]}" "${d[-12]}"; do cp -p "$f" "$f.orig"; done
truncate -s 2000 "${d[-3]}"                                             # the disk filled up
printf '\x00' | dd of="${d[-6]}" bs=1 seek=1500 conv=notrunc status=none # a flipped byte on disk
rm "${d[-9]}.meta.json"                                                 # the sidecar went missing
# the job dumped a database that had lost its customers, and wrote a correct sidecar for it
at=$(sed -n 's/.*"created_at": "\(.*\)".*/\1/p' "${d[-12]}.meta.json")
zcat "${d[-12]}.orig" | sed '/^COPY public.customers /,/^\\\.$/{/^COPY/!{/^\\\.$/!d}}' | gzip > "${d[-12]}"
sidecar "${d[-12]}" "$at" daily
for f in "${d[-3]}" "${d[-6]}" "${d[-9]}" "${d[-12]}"; do touch -r "$f.orig" "$f"; rm "$f.orig"; done
echo "$n backups in $dir"
