package io.backupverifier.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The SQL lexer splits statements where psql would. */
class SqlLexerTest {

    private static final String[] PIECES = {
        "'a;b'",
        "'it''s'",
        "E'x\\'y;'",
        "\"q;d\"",
        "$$ a; b $$",
        "$t$ $$; $t$",
        "-- line; comment\n",
        "/* c; /* n; */ ; */",
        "ident",
        "42",
        " ",
        "\n",
        "(a; 'b;' (c;))",
        "()",
        ")",
        ",",
        "-",
        "/",
        "*",
        "begin",
        "end",
    };

    /** Splits at the semicolons the lexer reports as statement ends. */
    static List<String> split(String sql) {
        SqlLexer lexer = new SqlLexer();
        List<String> out = new ArrayList<>();
        byte[] b = sql.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            lexer.feed(b[i] & 0xff);
            if (lexer.statementEnded()) {
                out.add(new String(b, start, i + 1 - start, StandardCharsets.UTF_8).strip());
                start = i + 1;
            }
        }
        return out;
    }

    @Test
    void semicolonsInsideQuotesBodiesAndCommentsDoNotEndStatements() {
        assertThat(split("SELECT 'a;b'; SELECT \"x;y\" FROM t;"))
                .containsExactly("SELECT 'a;b';", "SELECT \"x;y\" FROM t;");
        assertThat(split("SELECT 'it''s;'; SELECT 2;")).containsExactly("SELECT 'it''s;';", "SELECT 2;");
        assertThat(split("SELECT E'a\\';b'; SELECT 2;")).containsExactly("SELECT E'a\\';b';", "SELECT 2;");
        assertThat(split("SELECT 'a\\'; SELECT 2;")).containsExactly("SELECT 'a\\';", "SELECT 2;"); // standard strings
        assertThat(split("CREATE FUNCTION f() AS $$ BEGIN; END; $$; SELECT 1;"))
                .containsExactly("CREATE FUNCTION f() AS $$ BEGIN; END; $$;", "SELECT 1;");
        assertThat(split("DO $body$ x; $$; $b$; $body$; SELECT 1;"))
                .containsExactly("DO $body$ x; $$; $b$; $body$;", "SELECT 1;");
        assertThat(split("SELECT 1 -- c;\n; SELECT /* a; /* nested; */ b; */ 2;"))
                .containsExactly("SELECT 1 -- c;\n;", "SELECT /* a; /* nested; */ b; */ 2;");
        assertThat(split("SELECT $1; SELECT a$b; SELECT 3;")).containsExactly("SELECT $1;", "SELECT a$b;", "SELECT 3;");
        assertThat(split("SELECT 'ünï;cødé'; SELECT 2;")).containsExactly("SELECT 'ünï;cødé';", "SELECT 2;");
        assertThat(split("SELECT 8/2; SELECT 4-1;")).containsExactly("SELECT 8/2;", "SELECT 4-1;");
    }

    @Test
    void semicolonsInsideParenthesesDoNotEndStatements() {
        // a multi-action rule, as pg_dump writes it
        assertThat(split(
                        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (NEW.id); INSERT INTO log VALUES (-NEW.id));\n"
                                + "SELECT 1;"))
                .containsExactly(
                        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (NEW.id); INSERT INTO log VALUES (-NEW.id));",
                        "SELECT 1;");
        assertThat(split("SELECT ')'; SELECT (1;")).containsExactly("SELECT ')';"); // psql waits for the ')' too
        assertThat(split("SELECT 1); SELECT 2;"))
                .containsExactly("SELECT 1);", "SELECT 2;"); // a stray ')' does not go negative
    }

    @Test
    void beginAtomicBodiesOfFunctionsAndProceduresAreOneStatement() {
        String f = "CREATE FUNCTION public.f_atomic(a integer) RETURNS integer\n    LANGUAGE sql\n    BEGIN ATOMIC\n"
                + " SELECT (a + 1);\nEND;";
        assertThat(split(f + "\nSELECT 1;")).containsExactly(f, "SELECT 1;");
        String p = "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); "
                + "SELECT CASE WHEN true THEN 1 ELSE 2 END; END;";
        assertThat(split(p + " SELECT 2;")).containsExactly(p, "SELECT 2;");
        // outside CREATE FUNCTION/PROCEDURE, BEGIN is a transaction and ends at its semicolon
        assertThat(split("BEGIN; SELECT 1; END;")).containsExactly("BEGIN;", "SELECT 1;", "END;");
        assertThat(split("CREATE TABLE begin_end (begin int); SELECT 1;"))
                .containsExactly("CREATE TABLE begin_end (begin int);", "SELECT 1;");
        // a plpgsql body is a dollar-quoted string: its BEGIN does not count
        assertThat(split("CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN 1; END$$; SELECT 1;"))
                .containsExactly(
                        "CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN 1; END$$;", "SELECT 1;");
    }

    @RepeatedTest(50)
    void generatedStatementsSplitBackIntoThemselves() {
        Random r = new Random();
        List<String> statements = new ArrayList<>();
        for (int s = 0; s < 1 + r.nextInt(8); s++) {
            StringBuilder st = new StringBuilder("SELECT ");
            for (int p = 0; p < r.nextInt(12); p++) {
                st.append(PIECES[r.nextInt(PIECES.length)]).append(' ');
            }
            statements.add(st.append(';').toString());
        }
        assertThat(split(String.join("\n", statements)))
                .containsExactlyElementsOf(
                        statements.stream().map(String::strip).toList());
    }
}
