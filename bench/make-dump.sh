#!/usr/bin/env bash
# Generates a realistic plain pg_dump for the benchmarks: a throw-away database filled with
# generate_series (14 tables, foreign keys, indexes) on a PostgreSQL server, dumped with the
# real pg_dump. Nothing generated is committed.
#
#   bench/make-dump.sh OUT_DIR [SCALE]     SCALE 2 (default): about 1.3 GB of SQL, 350 MB gzipped;
#                                          a fraction (0.5) for a moderate dump on a busy machine
#
# Uses PGHOST/PGPORT/PGUSER (default 127.0.0.1:5432, postgres). Writes OUT_DIR/bench.sql.gz
# (gzip -6), OUT_DIR/bench-multi.sql.gz (the same SQL as 8 gzip members), OUT_DIR/bench.dump
# (custom format), OUT_DIR/small.sql.gz (about 10 MB), each with a sidecar.
set -euo pipefail
out=${1:?usage: bench/make-dump.sh OUT_DIR [SCALE]}
scale=${2:-2}
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}" PGPORT="${PGPORT:-5432}"
db=bv_bench_$$
mkdir -p "$out"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $db"
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null' EXIT
n=$(awk -v s="$scale" 'BEGIN { printf "%d", 1000000 * s }')
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
CREATE TABLE customers AS SELECT i AS id, 'customer' || i || '@example.com' AS email,
    initcap(md5(i::text)) AS full_name, timestamptz '2024-01-01' + i * interval '17 seconds' AS created_at
    FROM generate_series(1, $n) i;
ALTER TABLE customers ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX customers_email ON customers (email);
CREATE TABLE customer_profiles AS SELECT id AS customer_id, repeat('Likes tea and long walks. ', 1 + id % 4) AS bio,
    jsonb_build_object('theme', CASE WHEN id % 2 = 0 THEN 'dark' ELSE 'light' END, 'visits', id % 97) AS settings
    FROM customers;
ALTER TABLE customer_profiles ADD PRIMARY KEY (customer_id), ADD FOREIGN KEY (customer_id) REFERENCES customers;
CREATE TABLE categories AS SELECT i AS id, 'Category ' || i AS name FROM generate_series(1, 500) i;
ALTER TABLE categories ADD PRIMARY KEY (id);
CREATE TABLE products AS SELECT i AS id, 1 + i % 500 AS category_id, 'SKU-' || lpad(i::text, 8, '0') AS sku,
    'Product ' || md5((i * 7)::text) AS name, (i * 37) % 100000 AS price_cents FROM generate_series(1, $n / 10) i;
ALTER TABLE products ADD PRIMARY KEY (id), ADD FOREIGN KEY (category_id) REFERENCES categories;
CREATE INDEX products_category ON products (category_id);
CREATE TABLE orders AS SELECT i AS id, 1 + (i::bigint * 7919) % $n AS customer_id,
    (ARRAY['new','paid','shipped','delivered','cancelled'])[1 + i % 5] AS status,
    timestamptz '2024-06-01' + i * interval '11 seconds' AS placed_at FROM generate_series(1, 2 * $n) i;
ALTER TABLE orders ADD PRIMARY KEY (id), ADD FOREIGN KEY (customer_id) REFERENCES customers;
CREATE INDEX orders_customer ON orders (customer_id, placed_at);
CREATE TABLE order_items AS SELECT o.id AS order_id, 1 + (o.id::bigint * k) % ($n / 10) AS product_id, 1 + k AS quantity
    FROM generate_series(1, 2 * $n) o(id), generate_series(1, 2) k;
ALTER TABLE order_items ADD PRIMARY KEY (order_id, product_id, quantity),
    ADD FOREIGN KEY (order_id) REFERENCES orders, ADD FOREIGN KEY (product_id) REFERENCES products;
CREATE TABLE payments AS SELECT id, id AS order_id, round((id % 100000) / 100.0, 2) AS amount, placed_at AS paid_at
    FROM orders WHERE id % 5 <> 0;
ALTER TABLE payments ADD PRIMARY KEY (id), ADD FOREIGN KEY (order_id) REFERENCES orders;
CREATE TABLE shipments AS SELECT id, id AS order_id, (ARRAY['DHL','UPS','FedEx'])[1 + id % 3] AS carrier,
    upper(substr(md5(id::text), 1, 16)) AS tracking FROM orders WHERE id % 5 IN (2, 3);
ALTER TABLE shipments ADD PRIMARY KEY (id), ADD FOREIGN KEY (order_id) REFERENCES orders;
CREATE TABLE reviews AS SELECT i AS id, 1 + i % ($n / 10) AS product_id, 1 + (i::bigint * 31) % $n AS customer_id,
    1 + i % 5 AS rating, 'Review text ' || md5(i::text) || E'\twith a tab' AS body FROM generate_series(1, $n / 2) i;
ALTER TABLE reviews ADD PRIMARY KEY (id), ADD FOREIGN KEY (product_id) REFERENCES products,
    ADD FOREIGN KEY (customer_id) REFERENCES customers;
CREATE TABLE addresses AS SELECT id, id AS customer_id, (id % 999) || ' Main Street' AS line1,
    (ARRAY['London','Paris','Berlin','Zürich'])[1 + id % 4] AS city FROM customers;
ALTER TABLE addresses ADD PRIMARY KEY (id), ADD FOREIGN KEY (customer_id) REFERENCES customers;
CREATE TABLE audit_log AS SELECT i AS id, 'orders' AS table_name,
    jsonb_build_object('id', i, 'status', 'paid', 'hash', md5(i::text)) AS payload FROM generate_series(1, $n) i;
ALTER TABLE audit_log ADD PRIMARY KEY (id);
CREATE TABLE sessions AS SELECT md5(i::text) AS token, 1 + i % $n AS customer_id,
    timestamptz '2025-01-01' + i * interval '3 seconds' AS expires_at FROM generate_series(1, $n) i;
ALTER TABLE sessions ADD PRIMARY KEY (token);
CREATE TABLE settings AS SELECT 'key' || i AS key, 'value ' || i AS value FROM generate_series(1, 100) i;
CREATE TABLE notes AS SELECT i AS id, E'multi\nline\\\\note ' || i AS body FROM generate_series(1, $n / 20) i;
SQL
sidecar() {
  local f=$1
  printf '{"file": "%s", "created_at": "%s", "sha256": "%s", "size_bytes": %s}\n' "$(basename "$f")" \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(sha256sum "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" > "$f.meta.json"
}
pg_dump -d "$db" > "$out/bench.sql"
pg_dump -d "$db" -Fc -f "$out/bench.dump"
gzip -6 -c "$out/bench.sql" > "$out/bench.sql.gz"
split -n 8 -d "$out/bench.sql" "$out/part."
for p in "$out"/part.*; do gzip -6 -c "$p"; done > "$out/bench-multi.sql.gz"
rm -f "$out"/part.*
{ head -c 10000000 "$out/bench.sql"; printf '\n\\.\n\n--\n-- PostgreSQL database dump complete\n--\n\n'; } | gzip -6 > "$out/small.sql.gz"
rm -f "$out/bench.sql"
for f in "$out/bench.sql.gz" "$out/bench-multi.sql.gz" "$out/bench.dump" "$out/small.sql.gz"; do sidecar "$f"; done
ls -l "$out"
