package io.backupverifier.restore;

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
 * row by row, and the orphans named.
 */
public final class ReferentialIntegrityCheck implements RestoreCheck {

    /** One foreign key and the anti-join that counts its orphans (MATCH SIMPLE: a NULL column exempts the row). */
    private static final String FOREIGN_KEYS = """
            SELECT con.conname, con.conrelid::regclass::text, con.confrelid::regclass::text, con.convalidated,
                   'SELECT count(*) FROM ONLY ' || con.conrelid::regclass || ' c WHERE '
                   || string_agg(format('c.%I IS NOT NULL', a.attname), ' AND ' ORDER BY k.ord)
                   || ' AND NOT EXISTS (SELECT 1 FROM ONLY ' || con.confrelid::regclass || ' p WHERE '
                   || string_agg(format('p.%I = c.%I', fa.attname, a.attname), ' AND ' ORDER BY k.ord) || ')'
              FROM pg_catalog.pg_constraint con
              CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, fcol, ord)
              JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col
              JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.fcol
             WHERE con.contype = 'f' AND con.conparentid = 0
             GROUP BY con.oid, con.conname, con.conrelid, con.confrelid, con.convalidated
             ORDER BY 2, 1""";

    @Override
    public String id() {
        return "referential_integrity";
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        int notValid = 0;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String[]> keys = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(FOREIGN_KEYS)) {
                while (rs.next()) {
                    keys.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
                            Boolean.toString(rs.getBoolean(4)), rs.getString(5)});
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
                        broken.add(k[0] + " (" + k[1] + " -> " + k[2] + "): " + orphans + " orphan row" + (orphans == 1 ? "" : "s")
                                + ", constraint NOT VALID");
                    }
                }
            }
        }
        if (!broken.isEmpty()) {
            return CheckResult.failed("Foreign keys violated: " + String.join("; ", broken));
        }
        return CheckResult.passed("Referential integrity verified: " + checked + " foreign keys hold ("
                + (checked - notValid) + " validated by PostgreSQL" + (notValid > 0 ? ", " + notValid + " NOT VALID checked row by row" : "")
                + ")");
    }
}
