#!/usr/bin/env bash
# Regenerates the hostile restore-test fixtures (src/test/resources/fixtures/hostile/) from
# scripts/fixtures/hostile.sql with the machine's real PostgreSQL tools:
#
#   PGHOST=127.0.0.1 PGUSER=postgres scripts/make-hostile-fixtures.sh
#
# hostile.sql.gz / hostile.dump: functions and operators that shadow what a check might call
#   unqualified; each springs a trap (COPY ... TO PROGRAM 'touch /tmp/bv_hostile_marker',
#   CREATE ROLE bv_hostile_evil SUPERUSER) if a superuser ever runs it.
# slow-index.dump: an index over a function that sleeps for an hour (pg_restore's time limit).
# superuser-objects.dump: a custom archive with an event trigger (harmless: it only raises a
#   notice) and its comment: pg_restore as the restore role cannot create them; the rest restores.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
out=src/test/resources/fixtures/hostile
mkdir -p "$out"
db=bv_fixture_hostile
slow=bv_fixture_slow
su=bv_fixture_su
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $slow" -c "DROP DATABASE IF EXISTS $su" -c "DROP ROLE IF EXISTS bv_fixture_builder"' EXIT

# built by a role without superuser, so that no trap springs here either
builder=bv_fixture_builder
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS $builder" \
    -c "CREATE ROLE $builder NOSUPERUSER" -c "CREATE DATABASE $db OWNER $builder"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "SET ROLE $builder" -f scripts/fixtures/hostile.sql
pg_dump -d "$db" --format=plain --no-owner | gzip -n -9 > "$out/hostile.sql.gz"
pg_dump -d "$db" --format=custom --no-owner --file="$out/hostile.dump"

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $slow" -c "CREATE DATABASE $slow"
psql -X -q -v ON_ERROR_STOP=1 -d "$slow" <<'SQL'
CREATE TABLE public.t (id integer);
INSERT INTO public.t VALUES (1);
CREATE FUNCTION public.slow(integer) RETURNS integer IMMUTABLE LANGUAGE sql AS 'SELECT $1';
CREATE INDEX t_slow ON public.t (public.slow(id));
-- the body the restore gets: building the index sleeps an hour per row
CREATE OR REPLACE FUNCTION public.slow(integer) RETURNS integer IMMUTABLE LANGUAGE plpgsql
    AS $$BEGIN PERFORM pg_catalog.pg_sleep(3600); RETURN $1; END$$;
SQL
pg_dump -d "$slow" --format=custom --no-owner --file="$out/slow-index.dump"

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $su" -c "CREATE DATABASE $su"
psql -X -q -v ON_ERROR_STOP=1 -d "$su" <<'SQL'
CREATE TABLE public.accounts (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.entries (id integer PRIMARY KEY, account_id integer NOT NULL REFERENCES public.accounts (id));
INSERT INTO public.accounts VALUES (1, 'ada'), (2, 'grace');
INSERT INTO public.entries VALUES (1, 1), (2, 2);
CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$BEGIN RAISE NOTICE 'ddl'; END$$;
CREATE EVENT TRIGGER note_ddl ON ddl_command_end EXECUTE FUNCTION public.note_ddl();
COMMENT ON EVENT TRIGGER note_ddl IS 'only a superuser can create this';
SQL
pg_dump -d "$su" --format=custom --no-owner --file="$out/superuser-objects.dump"
