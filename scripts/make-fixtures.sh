#!/usr/bin/env bash
# Regenerates the committed test fixtures and the example backup directory
# from scripts/fixtures/shop.sql with the machine's real PostgreSQL tools.
#
#   PGHOST=127.0.0.1 PGUSER=postgres scripts/make-fixtures.sh
#
# Needs: a PostgreSQL server you may create a database on, psql, pg_dump,
# gzip, tar, sqlite3, sha256sum. Tests never run this: they use its output.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
db=bv_fixture_shop
out=src/test/resources/fixtures
ex=examples/backups
mkdir -p "$out"

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db"' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f scripts/fixtures/shop.sql

# -n: no name or time stamp in the gzip header, so regenerating changes nothing that did not change
pg_dump -d "$db" --format=plain > "$out/shop.sql"
gzip -n -9 -c "$out/shop.sql" > "$out/shop.sql.gz"
pg_dump -d "$db" --format=custom --file="$out/shop.dump"
rm -f "$out/shop.sql"

# SQLite: a real database made by the sqlite3 tool, raw and gzipped
rm -f "$out/shop.sqlite"
sqlite3 "$out/shop.sqlite" <<'SQL'
PRAGMA foreign_keys = ON;
CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total INTEGER);
INSERT INTO customers (email) VALUES ('ada@example.com'), ('grace@example.com');
INSERT INTO orders (customer_id, total) VALUES (1, 100), (2, 250), (1, 75);
SQL
gzip -n -9 -c "$out/shop.sqlite" > "$out/shop.sqlite.gz"

# tar.gz: a dump and a README side by side, as some backup jobs ship them
tmp=$(mktemp -d)
gzip -dc "$out/shop.sql.gz" > "$tmp/shop.sql"
echo "shop database, plain pg_dump" > "$tmp/README"
tar --sort=name --mtime='2025-12-27 12:00:00Z' --owner=0 --group=0 --numeric-owner \
    -C "$tmp" -cf - shop.sql README | gzip -n -9 > "$out/shop.tar.gz"
rm -rf "$tmp"

# ---- examples/backups: what the README's first command verifies ----
sidecar() { # file created_at [category] -> writes file.meta.json
  local f=$1 at=$2 cat=${3:-} name size sum
  name=$(basename "$f"); size=$(stat -c %s "$f"); sum=$(sha256sum "$f" | cut -d' ' -f1)
  {
    printf '{\n  "file": "%s",\n  "created_at": "%s",\n  "sha256": "%s",\n' "$name" "$at" "$sum"
    printf '  "size_bytes": %s,\n  "database": "shop",\n  "database_type": "postgresql"' "$size"
    [ -n "$cat" ] && printf ',\n  "category": "%s"' "$cat"
    printf '\n}\n'
  } > "$f.meta.json"
}
rm -rf "$ex"; mkdir -p "$ex/daily" "$ex/weekly" "$ex/monthly"

good=$ex/daily/backup_20251227_120000.gz
cp "$out/shop.sql.gz" "$good"; sidecar "$good" 2025-12-27T12:00:00Z

# truncated in transit: the sidecar still describes the whole file
cut=$ex/daily/backup_20251226_120000.gz
cp "$out/shop.sql.gz" "$cut"; sidecar "$cut" 2025-12-26T12:00:00Z
truncate -s $(( $(stat -c %s "$cut") * 2 / 3 )) "$cut"

# the dump died half-way, but gzip closed the stream properly
half=$ex/daily/backup_20251225_120000.gz
gzip -dc "$out/shop.sql.gz" > "$half.sql"
head -c $(( $(stat -c %s "$half.sql") / 2 )) "$half.sql" | gzip -n -9 > "$half"; rm "$half.sql"
sidecar "$half" 2025-12-25T12:00:00Z

# one flipped byte inside the deflate data after the checksum was taken
flip=$ex/weekly/backup_20251221_030000.gz
cp "$out/shop.sql.gz" "$flip"; sidecar "$flip" 2025-12-21T03:00:00Z
printf '\x5a' | dd of="$flip" bs=1 seek=600 conv=notrunc status=none

# a custom-format archive, and a weekly one without any sidecar
cp "$out/shop.dump" "$ex/monthly/backup_20251201_040000.dump"
sidecar "$ex/monthly/backup_20251201_040000.dump" 2025-12-01T04:00:00Z monthly
cp "$out/shop.sql.gz" "$ex/weekly/backup_20251214_030000.gz"

echo "fixtures in $out, examples in $ex"
ls -l "$out" "$ex"/*
