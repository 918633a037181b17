package io.backupverifier.restore;

import io.backupverifier.checks.CheckResult;
import java.sql.SQLException;

/** One check of a restored PostgreSQL test database (DESIGN.md section 5, restore checks). */
public interface RestoreCheck {

    String id();

    CheckResult run(TestDatabase db) throws SQLException;
}
