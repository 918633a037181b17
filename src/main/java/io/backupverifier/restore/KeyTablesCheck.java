package io.backupverifier.restore;

import io.backupverifier.checks.CheckId;
import io.backupverifier.checks.CheckResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code key_tables}: the configured tables exist (and have rows, if so configured); as the
 * restore role with search_path pg_catalog, pg_temp, names without a schema meaning {@code public}.
 */
public final class KeyTablesCheck implements RestoreCheck {

    private final List<String> tables;
    private final boolean mustHaveRows;

    public KeyTablesCheck(List<String> tables, boolean mustHaveRows) {
        this.tables = tables;
        this.mustHaveRows = mustHaveRows;
    }

    @Override
    public String id() {
        return CheckId.KEY_TABLES.id();
    }

    @Override
    public CheckResult run(TestDatabase db) throws SQLException {
        if (tables.isEmpty()) {
            return CheckResult.skipped("No key tables configured (RESTORE_KEY_TABLES)");
        }
        List<String> missing = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        try (Connection c = db.connectForChecks();
                PreparedStatement exists = c.prepareStatement("SELECT pg_catalog.to_regclass(?)::pg_catalog.text")) {
            for (String t : tables) {
                exists.setString(
                        1, t.contains(".") ? t : "public." + t); // as on the live database, where public is on the path
                try (ResultSet rs = exists.executeQuery()) {
                    rs.next();
                    String regclass = rs.getString(1);
                    if (regclass == null) {
                        missing.add(t);
                    } else if (mustHaveRows) {
                        try (Statement s = c.createStatement();
                                ResultSet any = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + regclass + ")")) {
                            any.next();
                            if (!any.getBoolean(1)) {
                                empty.add(t);
                            }
                        }
                    }
                }
            }
        }
        return evaluate(tables, missing, empty, mustHaveRows);
    }

    static CheckResult evaluate(List<String> tables, List<String> missing, List<String> empty, boolean mustHaveRows) {
        if (!missing.isEmpty()) {
            return CheckResult.failed("Key tables missing: " + String.join(", ", missing));
        }
        if (!empty.isEmpty()) {
            return CheckResult.failed("Key tables empty: " + String.join(", ", empty));
        }
        return CheckResult.passed(
                "Key tables present" + (mustHaveRows ? " and not empty" : "") + ": " + String.join(", ", tables));
    }
}
