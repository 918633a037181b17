package io.backupverifier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The consistency queries file is checked at start-up: each query is one statement that reads, split
 * as the PostgreSQL driver splits what it sends (a string of several statements runs them all).
 */
class ConsistencyQueriesTest {

    @TempDir
    Path dir;

    private Map<String, String> load(String file) throws Exception {
        Path queries = Files.writeString(dir.resolve("consistency.properties"), file);
        return Settings.load(
                        dir.resolve("absent.properties"),
                        dir,
                        Map.of("CONSISTENCY_CHECKS_FILE", queries.toString()),
                        Map.of())
                .consistencyQueries(dir);
    }

    @Test
    void severalStatementsStopStartUpNamingTheKeyAndTheFile() {
        assertThatThrownBy(() -> load(
                        "ok = SELECT 0\n" + "wipe = SET TRANSACTION READ WRITE; DELETE FROM users; COMMIT; SELECT 0\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "CONSISTENCY_CHECKS_FILE (restore.consistency-file): " + dir.resolve("consistency.properties")
                                + ": wipe holds 4 statements: a consistency query is one SELECT, WITH, VALUES or TABLE statement");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT 0; SELECT 1",
                "SELECT 0;DELETE FROM users",
                "SELECT 0; /* a comment */ DELETE FROM users",
                "SELECT 0 -- a comment\n; DELETE FROM users",
                "SELECT $$;$$; DELETE FROM users",
                // with standard_conforming_strings off, a backslash escapes the quote: the driver of such
                // a server sends three statements where one with it on sees one and a comment
                "SELECT 'a\\' -- '; DELETE FROM users; SELECT 1 --'",
            })
    void aSecondStatementIsFoundWhereverItHides(String sql) {
        assertThatThrownBy(() -> ReadOnlyQuery.check(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("statements: a consistency query is one SELECT, WITH, VALUES or TABLE statement");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT count(*) FROM auth_user WHERE email LIKE '%;%'",
                "SELECT count(*) FROM auth_user WHERE email = $q$a;b$q$;",
                "select 0 -- a; comment",
                "/* leading; comment */ WITH x AS (SELECT 1) SELECT count(*) - 1 FROM x",
                "VALUES (0)",
                "TABLE zero_count",
                "SELECT 0;",
                "SELECT 0; -- trailing comment",
                "SELECT \"weird;name\" FROM t",
                "/* a /* nested */ comment */ SELECT 0",
                "/**/SELECT 0",
                "/***/ SELECT 0",
            })
    void oneStatementThatReadsIsAccepted(String sql) {
        ReadOnlyQuery.check(sql);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "DELETE FROM users RETURNING 1",
                "CALL wipe()",
                "-- SELECT\nUPDATE users SET admin = true",
                "(SELECT 0)",
                "COPY users TO PROGRAM 'sh'",
                // for the server "/*/" opens a comment that "*/" closes: the statement is the DELETE
                "/*/ SELECT */ DELETE FROM users",
                "/*/ SELECT /* nested */ */ REINDEX TABLE users",
            })
    void aStatementThatDoesNotBeginByReadingIsRefused(String sql) {
        assertThatThrownBy(() -> ReadOnlyQuery.check(sql))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(": a consistency query is one SELECT, WITH, VALUES or TABLE statement");
    }

    @Test
    void theRuleIsSaidForAQueryThatDoesNotRead() {
        assertThatThrownBy(() -> load("wipe = DELETE FROM users RETURNING 1\n"))
                .hasMessageEndingWith(
                        ": wipe begins with DELETE: a consistency query is one SELECT, WITH, VALUES or TABLE statement");
        assertThatThrownBy(() -> load("blank =\n")).hasMessageContaining(": blank is empty");
    }

    @Test
    void goodQueriesLoadAsWritten() throws Exception {
        assertThat(load("b = SELECT count(*) FROM t;\na = select 0\n"))
                .containsExactly(Map.entry("a", "select 0"), Map.entry("b", "SELECT count(*) FROM t;"));
    }
}
