package io.backupverifier.restore;

/**
 * What of a restored database is the dump's own, as catalog SQL (every operator
 * schema-qualified, as the checks run with a pinned search_path): the one definition of
 * "user schema" and "user table" the restore checks share.
 */
final class UserObjects {

    /** The schema {@code n} (pg_namespace) is the dump's: not a system, TOAST or temporary schema. */
    static final String USER_SCHEMA =
            "n.nspname OPERATOR(pg_catalog.<>) ALL (ARRAY['pg_catalog', 'information_schema'])"
                    + " AND n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_toast%' AND n.nspname OPERATOR(pg_catalog.!~~) 'pg\\_temp%'";

    /** Joins the schema {@code n} of the relation {@code c} (pg_class). */
    static final String SCHEMA_OF_C = " JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace";

    /** FROM and WHERE over the dump's tables {@code c} (ordinary and partitioned) in schemas {@code n}. */
    static final String TABLES = " FROM pg_catalog.pg_class c" + SCHEMA_OF_C
            + " WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::pg_catalog.\"char\"[])"
            + " AND " + USER_SCHEMA;

    private UserObjects() {}
}
