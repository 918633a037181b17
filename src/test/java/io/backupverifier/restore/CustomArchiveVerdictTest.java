package io.backupverifier.restore;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What pg_restore's exit code and stderr (as pg_restore 15 writes them) make of a restore. */
class CustomArchiveVerdictTest {

    private static final String EVENT_TRIGGER = """
            pg_restore: error: could not execute query: ERROR:  permission denied to create event trigger "noop"
            HINT:  Must be superuser to create an event trigger.
            Command was: CREATE EVENT TRIGGER noop ON ddl_command_end
               EXECUTE FUNCTION public.noop_evt();


            pg_restore: error: could not execute query: ERROR:  event trigger "noop" does not exist
            Command was: COMMENT ON EVENT TRIGGER noop IS 'x';
            """;

    @Test
    void onlySuperuserObjectsFailingIsARestoreWithThemCounted() {
        RestoreOutcome o = CustomArchiveRestorer.verdict(
                1, EVENT_TRIGGER + "pg_restore: warning: errors ignored on restore: 2\n", 5);
        assertThat(o.ok()).isTrue();
        assertThat(o.superuserMessage())
                .isEqualTo("2 statements need superuser and were not restored: "
                        + "CREATE EVENT TRIGGER noop ON ddl_command_end ..., COMMENT ON EVENT TRIGGER noop IS 'x';");
    }

    @Test
    void baseTypesInternalStateAggregatesAndTheirDependentsAreCountedEachTime() {
        // as pg_restore 15 wrote them for PostgreSQL's regression database (scripts/regression-roundtrip.sh)
        String stderr = """
                pg_restore: error: could not execute query: ERROR:  must be superuser to create a base type
                Command was: CREATE TYPE public.city_budget;


                pg_restore: error: could not execute query: ERROR:  aggregate transition data type cannot be internal
                Command was: CREATE AGGREGATE public.test_percentile_disc(double precision ORDER BY anyelement) (
                    SFUNC = ordered_set_transition,
                    STYPE = internal,
                    FINALFUNC = percentile_disc_final,
                    FINALFUNC_EXTRA
                );


                pg_restore: error: could not execute query: ERROR:  permission denied to create access method "heap2"
                HINT:  Must be superuser to create an access method.
                Command was: CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;


                pg_restore: error: could not execute query: ERROR:  type "public.city_budget" does not exist
                LINE 4:     budget public.city_budget
                                   ^
                Command was: CREATE TABLE public.city (
                    name name,
                    budget public.city_budget
                );


                pg_restore: error: could not set default_table_access_method: ERROR:  invalid value for parameter "default_table_access_method": "heap2"
                DETAIL:  Table access method "heap2" does not exist.
                pg_restore: error: could not set default_table_access_method: ERROR:  invalid value for parameter "default_table_access_method": "heap2"
                DETAIL:  Table access method "heap2" does not exist.
                pg_restore: error: could not execute query: ERROR:  relation "public.city" does not exist
                Command was: COPY public.city (name, budget) FROM stdin;
                pg_restore: warning: errors ignored on restore: 7
                """;
        RestoreOutcome o = CustomArchiveRestorer.verdict(1, stderr, 5);
        assertThat(o.ok()).isTrue();
        assertThat(o.superuserMessage())
                .startsWith("7 statements need superuser and were not restored: "
                        + "CREATE TYPE public.city_budget;, CREATE AGGREGATE public.test_percentile_disc");
        // an unknown access method that no refused statement created is the dump's own error
        RestoreOutcome other = CustomArchiveRestorer.verdict(1, """
                pg_restore: error: could not set default_table_access_method: ERROR:  invalid value for parameter "default_table_access_method": "nowhere"
                DETAIL:  Table access method "nowhere" does not exist.
                """, 5);
        assertThat(other.ok()).isFalse();
        assertThat(other.error()).contains("\"nowhere\"");
    }

    @Test
    void anyOtherErrorFailsNamingItsCommand() {
        String stderr = EVENT_TRIGGER + """
                pg_restore: error: COPY failed for table "accounts": ERROR:  invalid input syntax for type integer: "x"
                CONTEXT:  COPY accounts, line 1, column id: "x"
                pg_restore: warning: errors ignored on restore: 3
                """;
        RestoreOutcome o = CustomArchiveRestorer.verdict(1, stderr, 5);
        assertThat(o.ok()).isFalse();
        assertThat(o.error())
                .isEqualTo("pg_restore failed (exit 1): pg_restore: error: COPY failed for table \"accounts\": "
                        + "ERROR:  invalid input syntax for type integer: \"x\"");
    }

    @Test
    void aSuperuserWordInsideAnotherErrorDoesNotHideIt() {
        // permission denied on a table is the dump's (or the environment's) problem, not a superuser-only object
        String stderr = """
                pg_restore: error: could not execute query: ERROR:  permission denied for table accounts
                Command was: INSERT INTO public.accounts VALUES (1);
                """;
        RestoreOutcome o = CustomArchiveRestorer.verdict(1, stderr, 5);
        assertThat(o.ok()).isFalse();
        assertThat(o.error())
                .contains("permission denied for table accounts")
                .contains("(in: INSERT INTO public.accounts VALUES (1);)");
    }

    @Test
    void anArchivePgRestoreCannotReadFails() {
        RestoreOutcome o =
                CustomArchiveRestorer.verdict(1, "pg_restore: error: could not read from input file: end of file\n", 5);
        assertThat(o.ok()).isFalse();
        assertThat(o.error())
                .isEqualTo(
                        "pg_restore failed (exit 1): pg_restore: error: could not read from input file: end of file");
    }
}
