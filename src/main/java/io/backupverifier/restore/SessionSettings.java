package io.backupverifier.restore;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The session settings a dump has made up to a point ({@code SET ...}, {@code set_config(...)}),
 * as an immutable snapshot: a parallel job runs with the snapshot of its place in the dump,
 * as it would have under psql, whatever the dump sets later.
 */
final class SessionSettings {

    static final SessionSettings NONE = new SessionSettings(Map.of());

    private final Map<String, String> statements; // setting name -> the last statement that set it

    private SessionSettings(Map<String, String> statements) {
        this.statements = statements;
    }

    /** How many settings this snapshot holds. */
    int size() {
        return statements.size();
    }

    /** This snapshot plus one more setting statement. */
    SessionSettings with(String name, String sql) {
        Map<String, String> next = new LinkedHashMap<>(statements);
        next.remove(name); // keep the dump's order of last changes
        next.put(name, sql);
        return new SessionSettings(Collections.unmodifiableMap(next));
    }

    /**
     * What one connection has applied so far; {@link #applyTo} brings it to a snapshot by setting what
     * differs and resetting what the snapshot does not set (to the connection's default, as in psql).
     */
    static final class Applied {
        private final Map<String, String> statements = new HashMap<>();
    }

    void applyTo(Connection c, Applied applied) throws SQLException {
        if (applied.statements.equals(statements)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            for (String name : List.copyOf(applied.statements.keySet())) {
                if (!statements.containsKey(name)) {
                    s.execute("RESET " + TestDatabases.ident(name));
                    applied.statements.remove(name);
                }
            }
            for (Map.Entry<String, String> e : statements.entrySet()) {
                if (!e.getValue().equals(applied.statements.get(e.getKey()))) {
                    s.execute(e.getValue());
                    applied.statements.put(e.getKey(), e.getValue());
                }
            }
        }
    }
}
