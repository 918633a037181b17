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
        RestoreOutcome o = CustomArchiveRestorer.verdict(1, EVENT_TRIGGER + "pg_restore: warning: errors ignored on restore: 2\n", 5);
        assertThat(o.ok()).isTrue();
        assertThat(o.superuserMessage()).isEqualTo("2 statements need superuser and were not restored: "
                + "CREATE EVENT TRIGGER noop ON ddl_command_end ..., COMMENT ON EVENT TRIGGER noop IS 'x';");
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
        assertThat(o.error()).isEqualTo("pg_restore failed (exit 1): pg_restore: error: COPY failed for table \"accounts\": "
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
        assertThat(o.error()).contains("permission denied for table accounts").contains("(in: INSERT INTO public.accounts VALUES (1);)");
    }

    @Test
    void anArchivePgRestoreCannotReadFails() {
        RestoreOutcome o = CustomArchiveRestorer.verdict(1, "pg_restore: error: could not read from input file: end of file\n", 5);
        assertThat(o.ok()).isFalse();
        assertThat(o.error()).isEqualTo("pg_restore failed (exit 1): pg_restore: error: could not read from input file: end of file");
    }
}
