package io.backupverifier.restore;

import java.sql.SQLException;

/**
 * Where a {@code --create} dump's database-level statements go ({@code COMMENT ON DATABASE},
 * {@code ALTER DATABASE ... SET}): to the test database, under its own name. The restorer
 * replaces the source database's name with {@link #quotedName()} and calls {@link #apply}.
 */
public interface DatabaseStatements {

    /** The test database's name as an SQL identifier. */
    String quotedName();

    /**
     * Runs {@code COMMENT ON DATABASE <quotedName> IS ...} or {@code ALTER DATABASE <quotedName>
     * SET|RESET ...} as the database's owner (the restore role); refuses anything else.
     */
    void apply(String sql) throws SQLException;
}
