package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code referential_integrity}: every foreign key holds. A constraint PostgreSQL validated
 * during this restore holds for every row: the restore role is no superuser, so it can
 * neither disable the foreign-key triggers nor set session_replication_role. A constraint
 * created {@code NOT VALID} promises nothing for the rows already there, so those are counted
 * row by row, and the orphans named. Runs as the restore role with search_path pg_catalog, pg_temp: the
 * dump's equality functions run, but only as the role that owns the sandbox.
 */
public final class ReferentialIntegrityCheck implements RestoreCheck {

    /**
     * One foreign key and the anti-join that counts its orphans (MATCH SIMPLE: a NULL column
     * exempts the row). Columns are compared with the constraint's own equality operators
     * ({@code conpfeqop}, schema-qualified): for a type of the dump's, PostgreSQL enforced the
     * key with those, and nothing else named {@code =} is ever picked up.
     */
    private static final String FOREIGN_KEYS = """
            SELECT con.conname, con.conrelid::pg_catalog.regclass::pg_catalog.text,
                   con.confrelid::pg_catalog.regclass::pg_catalog.text, con.convalidated,
                   'SELECT pg_catalog.count(*) FROM ONLY ' OPERATOR(pg_catalog.||) con.conrelid::pg_catalog.regclass::pg_catalog.text
                   OPERATOR(pg_catalog.||) ' c WHERE '
                   OPERATOR(pg_catalog.||) pg_catalog.string_agg(pg_catalog.format('c.%I IS NOT NULL', a.attname), ' AND ' ORDER BY k.ord)
                   OPERATOR(pg_catalog.||) ' AND NOT EXISTS (SELECT 1 FROM ONLY '
                   OPERATOR(pg_catalog.||) con.confrelid::pg_catalog.regclass::pg_catalog.text OPERATOR(pg_catalog.||) ' p WHERE '
                   OPERATOR(pg_catalog.||) pg_catalog.string_agg(pg_catalog.format('p.%I OPERATOR(%I.%s) c.%I',
                          fa.attname, opn.nspname, op.oprname, a.attname), ' AND ' ORDER BY k.ord) OPERATOR(pg_catalog.||) ')'
              FROM pg_catalog.pg_constraint con
              CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(con.conkey), pg_catalog.unnest(con.confkey), pg_catalog.unnest(con.conpfeqop)) WITH ORDINALITY AS k(col, fcol, eqop, ord)
              JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) con.conrelid AND a.attnum OPERATOR(pg_catalog.=) k.col
              JOIN pg_catalog.pg_attribute fa ON fa.attrelid OPERATOR(pg_catalog.=) con.confrelid AND fa.attnum OPERATOR(pg_catalog.=) k.fcol
              JOIN pg_catalog.pg_operator op ON op.oid OPERATOR(pg_catalog.=) k.eqop
              JOIN pg_catalog.pg_namespace opn ON opn.oid OPERATOR(pg_catalog.=) op.oprnamespace
             WHERE con.contype OPERATOR(pg_catalog.=) 'f' AND con.conparentid OPERATOR(pg_catalog.=) 0
             GROUP BY con.oid, con.conname, con.conrelid, con.confrelid, con.convalidated
             ORDER BY 2, 1""";

    @Override
    public String id() {
        return CheckId.REFERENTIAL_INTEGRITY.id();
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        int notValid = 0;
        try (Connection c = db.connectForChecks();
                Statement s = c.createStatement()) {
            List<String[]> keys = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(FOREIGN_KEYS)) {
                while (rs.next()) {
                    keys.add(new String[] {
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        Boolean.toString(rs.getBoolean(4)),
                        rs.getString(5)
                    });
                }
            }
            for (String[] k : keys) {
                checked++;
                if (Boolean.parseBoolean(k[3])) {
                    continue;
                }
                notValid++;
                try (ResultSet rs = s.executeQuery(k[4])) {
                    rs.next();
                    long orphans = rs.getLong(1);
                    if (orphans > 0) {
                        broken.add(k[0] + " (" + k[1] + " -> " + k[2] + "): " + orphans + " orphan row"
                                + (orphans == 1 ? "" : "s") + ", constraint NOT VALID");
                    }
                }
            }
        }
        if (!broken.isEmpty()) {
            return CheckResult.failed("Foreign keys violated: " + String.join("; ", broken));
        }
        return CheckResult.passed("Referential integrity verified: " + checked + " foreign keys hold ("
                + (checked - notValid) + " validated by PostgreSQL"
                + (notValid > 0 ? ", " + notValid + " NOT VALID checked row by row" : "")
                + ")");
    }
}
