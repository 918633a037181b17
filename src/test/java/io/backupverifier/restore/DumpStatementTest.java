package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backupverifier.restore.DumpStatement.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a restore test does with a statement is decided on its tokens, never on text inside literals. */
class DumpStatementTest {

    private static Kind kind(String sql) {
        return DumpStatement.of(sql).kind();
    }

    @Test
    void ownershipIsTheStatementsStructureNotTextInALiteral() {
        assertThat(kind("ALTER TABLE public.t OWNER TO app;")).isEqualTo(Kind.OWNERSHIP);
        assertThat(kind("ALTER FUNCTION public.f(a integer, b text) OWNER TO \"App Owner\";"))
                .isEqualTo(Kind.OWNERSHIP);
        assertThat(kind("ALTER OPERATOR CLASS public.c USING btree OWNER TO app;"))
                .isEqualTo(Kind.OWNERSHIP);
        assertThat(kind("ALTER LARGE OBJECT 16403 OWNER TO app;")).isEqualTo(Kind.OWNERSHIP);
        assertThat(kind("ALTER TABLE tickets ADD CONSTRAINT c CHECK (action NOT LIKE '%change owner to %') NOT VALID;"))
                .isEqualTo(Kind.OTHER);
        assertThat(kind("ALTER VIEW v ALTER COLUMN action SET DEFAULT 'set owner to me';"))
                .isEqualTo(Kind.OTHER);
        assertThat(kind("ALTER TABLE t /* owner to x */ ALTER COLUMN c SET DEFAULT 1;"))
                .isEqualTo(Kind.OTHER);
        assertThat(kind("SET SESSION AUTHORIZATION 'app';")).isEqualTo(Kind.OWNERSHIP);
    }

    @Test
    void copyProgramIsAKeywordAfterFromOrToNotAColumnName() {
        assertThat(kind("COPY public.courses (id, program) FROM stdin;")).isEqualTo(Kind.COPY_FROM_STDIN);
        assertThat(kind("COPY public.\"program\" (program) FROM stdin;")).isEqualTo(Kind.COPY_FROM_STDIN);
        assertThat(kind("/* x */ COPY t FROM PROGRAM 'touch /tmp/x';")).isEqualTo(Kind.COPY_PROGRAM);
        assertThat(kind("-- c\ncopy t to program 'x';")).isEqualTo(Kind.COPY_PROGRAM);
        assertThat(kind("COPY (SELECT program FROM t) TO PROGRAM 'x';")).isEqualTo(Kind.COPY_PROGRAM);
        assertThat(kind("COPY t FROM '/etc/passwd';")).isEqualTo(Kind.OTHER);
    }

    @Test
    void keysIndexesAndForeignKeysNameTheTablesTheyLock() {
        DumpStatement fk = DumpStatement.of(
                "ALTER TABLE ONLY \"public\".\"Order\" ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES public.customers(id);");
        assertThat(fk.kind()).isEqualTo(Kind.FOREIGN_KEY);
        assertThat(fk.tables()).containsExactly("public.Order", "public.customers");
        DumpStatement pk = DumpStatement.of("ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);");
        assertThat(pk.kind()).isEqualTo(Kind.KEY_OR_INDEX);
        assertThat(pk.tables()).containsExactly("public.t");
        DumpStatement ix = DumpStatement.of("CREATE UNIQUE INDEX i ON ONLY public.p USING btree (lower(name));");
        assertThat(ix.kind()).isEqualTo(Kind.KEY_OR_INDEX);
        assertThat(ix.tables()).containsExactly("public.p");
        assertThat(DumpStatement.of("COPY public.t (a, b) FROM stdin;").tables())
                .containsExactly("public.t");
        assertThat(kind("ALTER TABLE public.t ADD CONSTRAINT c CHECK (x > 0);")).isEqualTo(Kind.OTHER);
    }

    @Test
    void aForeignKeySplitsIntoNotValidAndValidateOfTheSameConstraint() {
        DumpStatement fk =
                DumpStatement.of("ALTER TABLE ONLY \"public\".\"Order\"\n    ADD CONSTRAINT \"Fk\" FOREIGN KEY (c)"
                        + " REFERENCES public.customers(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;");
        DumpStatement.ValidatedLater split = fk.validatedLater().orElseThrow();
        assertThat(split.notValid())
                .isEqualTo(
                        "ALTER TABLE ONLY \"public\".\"Order\"\n    ADD CONSTRAINT \"Fk\" FOREIGN KEY (c)"
                                + " REFERENCES public.customers(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID;");
        assertThat(split.validate())
                .isEqualTo("ALTER TABLE ONLY \"public\".\"Order\"\n    VALIDATE CONSTRAINT \"Fk\";");
        assertThat(split.table()).isEqualTo("public.Order");
        assertThat(DumpStatement.of("ALTER TABLE public.p ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES public.r(id)")
                        .validatedLater()
                        .orElseThrow()
                        .notValid())
                .isEqualTo("ALTER TABLE public.p ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES public.r(id) NOT VALID;");
        // what the dump leaves NOT VALID stays so; two subcommands, or anything but a foreign key, are run as written
        assertThat(DumpStatement.of("ALTER TABLE ONLY public.o ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES public.c(id)"
                                + " NOT VALID;")
                        .validatedLater())
                .isEmpty();
        assertThat(DumpStatement.of(
                                "ALTER TABLE ONLY public.o ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES public.c(id),"
                                        + " ADD CONSTRAINT g FOREIGN KEY (d) REFERENCES public.d(id);")
                        .validatedLater())
                .isEmpty();
        assertThat(DumpStatement.of("ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);")
                        .validatedLater())
                .isEmpty();
    }

    @Test
    void aNotEnforcedForeignKeyIsNotSplit() {
        // PostgreSQL 18: a NOT ENFORCED key is never validated (VALIDATE CONSTRAINT refuses it): run as written
        assertThat(DumpStatement.of(
                                "ALTER TABLE ONLY public.o\n    ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES public.c(id)"
                                        + " NOT ENFORCED;")
                        .validatedLater())
                .isEmpty();
        assertThat(DumpStatement.of("ALTER TABLE ONLY public.o ADD CONSTRAINT f FOREIGN KEY (c) REFERENCES public.c(id)"
                                + " DEFERRABLE NOT ENFORCED;")
                        .validatedLater())
                .isEmpty();
    }

    @Test
    void settingsPrivilegesAndDatabaseStatements() {
        DumpStatement set = DumpStatement.of("SET default_tablespace = '';");
        assertThat(set.kind()).isEqualTo(Kind.SESSION_SETTING);
        assertThat(set.settingName()).isEqualTo("default_tablespace");
        DumpStatement config = DumpStatement.of("SELECT pg_catalog.set_config('search_path', '', false);");
        assertThat(config.kind()).isEqualTo(Kind.SESSION_SETTING);
        assertThat(config.settingName()).isEqualTo("search_path");
        DumpStatement enc = DumpStatement.of("SET client_encoding = 'LATIN1';");
        assertThat(enc.kind()).isEqualTo(Kind.CLIENT_ENCODING);
        assertThat(enc.settingValue()).isEqualTo("LATIN1");
        assertThat(kind("SELECT pg_catalog.setval('public.s', 42, true);")).isEqualTo(Kind.SETVAL);
        // the restore test's own time limits stay: pg_dump's "SET statement_timeout = 0" is not sent
        assertThat(kind("SET statement_timeout = 0;")).isEqualTo(Kind.LIMIT);
        assertThat(kind("SELECT pg_catalog.set_config('lock_timeout', '0', false);"))
                .isEqualTo(Kind.LIMIT);
        assertThat(kind("ALTER DATABASE shop SET statement_timeout TO '0';")).isEqualTo(Kind.LIMIT);
        assertThat(kind("SELECT 'pg_catalog.setval(';")).isEqualTo(Kind.OTHER);
        assertThat(kind("GRANT SELECT ON TABLE public.t TO PUBLIC;")).isEqualTo(Kind.PRIVILEGE);
        assertThat(kind("REVOKE CONNECT ON DATABASE shop FROM PUBLIC;")).isEqualTo(Kind.DATABASE_PROPERTY);
        assertThat(kind("CREATE DATABASE shop WITH TEMPLATE = template0;")).isEqualTo(Kind.DATABASE);
        assertThat(kind("ALTER DATABASE shop SET search_path TO app, public;")).isEqualTo(Kind.DATABASE_PROPERTY);
        assertThat(kind("ALTER DATABASE shop IS_TEMPLATE = true;")).isEqualTo(Kind.DATABASE);
        assertThat(DumpStatement.of("COMMENT ON DATABASE \"Shop\" IS 'the shop';")
                        .onDatabase("\"shop_test_1\""))
                .contains("COMMENT ON DATABASE \"shop_test_1\" IS 'the shop';");
    }

    @Test
    void superuserOnlyKindsAreRecognised() {
        assertThat(DumpStatement.of("CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION public.f();")
                        .mayNeedSuperuser())
                .isTrue();
        assertThat(DumpStatement.of("CREATE OR REPLACE FUNCTION public.c() RETURNS int LANGUAGE c AS 'lib', 'sym';")
                        .mayNeedSuperuser())
                .isTrue();
        assertThat(DumpStatement.of("CREATE PUBLICATION p FOR ALL TABLES;").mayNeedSuperuser())
                .isTrue();
        assertThat(DumpStatement.of("COMMENT ON EXTENSION plpgsql IS 'x';").mayNeedSuperuser())
                .isTrue();
        assertThat(DumpStatement.of("INSERT INTO t VALUES (1);").mayNeedSuperuser())
                .isFalse();
        assertThat(DumpStatement.of("COPY t FROM stdin;").mayNeedSuperuser()).isFalse();
    }

    @Test
    void excerptsAreShortOneLineAndEscaped() {
        assertThat(DumpStatement.excerpt("SELECT 1;\nSELECT 2;")).isEqualTo("SELECT 1; ...");
        assertThat(DumpStatement.excerpt("SELECT '\u001b[31mred\r';")).isEqualTo("SELECT '\\x1b[31mred\\x0d';");
        assertThat(DumpStatement.excerpt("SELECT '" + "x".repeat(500) + "';"))
                .hasSize(81)
                .endsWith("x ...");
    }

    @Test
    void copyTargetAndFreezeAreTheStatementsOwnTokens() {
        DumpStatement copy = DumpStatement.of("COPY \"Sales\".\"Order Lines\" (id, \"from stdin\") FROM stdin;");
        assertThat(copy.copyTarget()).isEqualTo("\"Sales\".\"Order Lines\"");
        assertThat(DumpStatement.of("COPY public.t FROM stdin;").copyTarget()).isEqualTo("public.t");
        assertThat(DumpStatement.of("COPY (SELECT 1) TO STDOUT;").copyTarget()).isNull();
        assertThat(copy.withFreeze())
                .isEqualTo("COPY \"Sales\".\"Order Lines\" (id, \"from stdin\") FROM stdin (FREEZE);");
        assertThat(DumpStatement.of("COPY public.t (id) FROM stdin WITH (FORMAT csv);")
                        .withFreeze())
                .isNull();
        assertThat(DumpStatement.of("CREATE TABLE t (id int);").withFreeze()).isNull();
    }

    @Test
    void statementsThatMayWriteRowsOrAddTriggersAreKnownByTheirFirstWords() {
        assertThat(DumpStatement.of("INSERT INTO public.t VALUES (1);").mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of("SELECT public.fill();").mayChangeRows()).isTrue();
        assertThat(DumpStatement.of("CREATE TABLE t (note text DEFAULT 'INSERT INTO');")
                        .mayChangeRows())
                .isFalse();
        assertThat(DumpStatement.of(
                                "CREATE TRIGGER a AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.f();")
                        .createsTrigger())
                .isTrue();
        assertThat(DumpStatement.of("CREATE OR REPLACE CONSTRAINT TRIGGER a AFTER INSERT ON public.t FROM public.u"
                                + " FOR EACH ROW EXECUTE FUNCTION public.f();")
                        .createsTrigger())
                .isTrue();
        assertThat(DumpStatement.of("COMMENT ON TRIGGER a ON public.t IS 'CREATE TRIGGER';")
                        .createsTrigger())
                .isFalse();
    }

    @Test
    void aStatementAboutAnExtensionIsToldFromOneNamingAColumnSo() {
        for (String about : List.of(
                "CREATE EXTENSION amcheck WITH SCHEMA public;",
                "CREATE EXTENSION IF NOT EXISTS \"amcheck\";",
                "COMMENT ON EXTENSION amcheck IS 'x';",
                "DROP EXTENSION IF EXISTS amcheck;",
                "ALTER EXTENSION amcheck UPDATE;")) {
            assertThat(DumpStatement.of(about).namesExtension("amcheck"))
                    .as(about)
                    .isTrue();
        }
        for (String other : List.of(
                "CREATE TABLE public.jobs (id int PRIMARY KEY, amcheck boolean);",
                "CREATE EXTENSION pgcrypto;",
                "COMMENT ON COLUMN public.jobs.amcheck IS 'x';")) {
            assertThat(DumpStatement.of(other).namesExtension("amcheck"))
                    .as(other)
                    .isFalse();
        }
    }

    @Test
    void statementsThatMayRunAWritingQueryOrMakeAWritingFunctionMayChangeRows() {
        assertThat(DumpStatement.of("EXPLAIN ANALYZE DELETE FROM public.t;").mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of(
                                "CREATE TABLE public.y AS WITH d AS (DELETE FROM public.t RETURNING id) SELECT id FROM d;")
                        .mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of("CREATE UNLOGGED TABLE public.y AS SELECT public.f();")
                        .mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of("CREATE MATERIALIZED VIEW public.m AS SELECT public.f() AS x WITH DATA;")
                        .mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of("CREATE MATERIALIZED VIEW public.m AS\n SELECT public.f() AS x\n  WITH NO DATA;")
                        .mayChangeRows())
                .isFalse();
        assertThat(DumpStatement.of("CREATE TABLE public.g (a int, b int GENERATED ALWAYS AS (a * 2) STORED);")
                        .mayChangeRows())
                .isFalse();
        // volatile (the default) functions may write; IMMUTABLE, STABLE and trigger functions may not be called to
        assertThat(DumpStatement.of(
                                "CREATE FUNCTION public.w() RETURNS bigint LANGUAGE plpgsql AS $$BEGIN DELETE FROM t;"
                                        + " RETURN 1; END$$;")
                        .mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of(
                                "CREATE OR REPLACE FUNCTION public.w() RETURNS bigint LANGUAGE sql VOLATILE AS 'SELECT 1';")
                        .mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of("CREATE FUNCTION public.shout(t text) RETURNS text\n    LANGUAGE sql IMMUTABLE\n"
                                + "    AS $_$ SELECT upper(t) $_$;")
                        .mayChangeRows())
                .isFalse();
        assertThat(DumpStatement.of(
                                "CREATE FUNCTION public.s() RETURNS TABLE(stable int) LANGUAGE sql STABLE AS 'SELECT 1';")
                        .mayChangeRows())
                .isFalse();
        assertThat(DumpStatement.of("CREATE FUNCTION public.log_change() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
                                + " INSERT INTO a VALUES (1); RETURN NEW; END$$;")
                        .mayChangeRows())
                .isFalse();
        assertThat(DumpStatement.of("CREATE FUNCTION public.z() RETURNS int LANGUAGE sql BEGIN ATOMIC DELETE FROM t;"
                                + " SELECT 1 AS stable; END;")
                        .mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of("ALTER FUNCTION public.shout(text) VOLATILE;")
                        .mayChangeRows())
                .isTrue();
        assertThat(DumpStatement.of("ALTER FUNCTION public.shout(text) OWNER TO x;")
                        .mayChangeRows())
                .isFalse();
    }

    @Test
    void setConfigAndSetvalAreTheirOwnKindOnlyInPgDumpsLiteralForm() {
        assertThat(DumpStatement.of("SELECT pg_catalog.set_config('search_path', '', false);")
                        .kind())
                .isEqualTo(DumpStatement.Kind.SESSION_SETTING);
        assertThat(DumpStatement.of("SELECT pg_catalog.setval('public.s', 42, true);")
                        .kind())
                .isEqualTo(DumpStatement.Kind.SETVAL);
        assertThat(DumpStatement.of("SELECT pg_catalog.setval('public.down', -7, false);")
                        .kind())
                .isEqualTo(DumpStatement.Kind.SETVAL);
        // a call of the dump's functions: run once, in the dump's order, as any other statement
        assertThat(DumpStatement.of("SELECT pg_catalog.set_config('search_path', public.bump(), false);")
                        .kind())
                .isEqualTo(DumpStatement.Kind.OTHER);
        assertThat(DumpStatement.of("SELECT pg_catalog.set_config('search_path', '', false), public.bump();")
                        .kind())
                .isEqualTo(DumpStatement.Kind.OTHER);
        assertThat(DumpStatement.of("SELECT pg_catalog.setval('public.s', public.wipe(), true);")
                        .kind())
                .isEqualTo(DumpStatement.Kind.OTHER);
        assertThat(DumpStatement.of("SELECT pg_catalog.set_config('statement_timeout', public.bump(), false);")
                        .kind())
                .isEqualTo(DumpStatement.Kind.LIMIT);
    }
}
