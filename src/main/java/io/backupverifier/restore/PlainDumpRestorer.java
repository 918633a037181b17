package io.backupverifier.restore;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * Restores a plain pg_dump through JDBC, the way psql would but faster and safer.
 *
 * <ul>
 *   <li>Safe: psql meta-commands other than the ones pg_dump writes ({@code \connect} to the
 *       dump's own database, {@code restrict} and {@code unrestrict}) are refused and nothing
 *       of them runs; {@code COPY ... PROGRAM} is refused before it reaches the server (which
 *       would refuse it too: the restore role is no superuser). Ownership and privilege
 *       statements are skipped and counted, like {@code pg_restore --no-owner --no-acl}.</li>
 *   <li>Parallel, in pg_dump's dependency order: the schema runs on one connection; each
 *       table's COPY data is spooled to a temporary file as the dump streams by and loaded on
 *       a pool of connections; primary keys, unique constraints and indexes are then built in
 *       parallel, then foreign keys. Any other statement waits for everything before it.</li>
 * </ul>
 */
public final class PlainDumpRestorer {

    /** Makes a connection as the restore role to the test database. */
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private static final Pattern OWNER_OR_ACL = Pattern.compile(
            "(?is)^(ALTER\\s+.*\\s+OWNER\\s+TO\\s+.*|GRANT\\s+.*|REVOKE\\s+.*|ALTER\\s+DEFAULT\\s+PRIVILEGES\\s+.*"
                    + "|(SET|RESET)\\s+SESSION\\s+AUTHORIZATION.*|SECURITY\\s+LABEL\\s+.*)");
    private static final Pattern DATABASE_LEVEL = Pattern.compile("(?is)^(CREATE|DROP|ALTER)\\s+DATABASE\\s+.*");
    private static final Pattern SESSION_SETTING = Pattern.compile(
            "(?is)^(SET\\s+(?!SESSION\\s+AUTHORIZATION).*|SELECT\\s+pg_catalog\\.set_config\\s*\\(.*)");
    private static final Pattern SETVAL = Pattern.compile("(?is)^SELECT\\s+pg_catalog\\.setval\\s*\\(.*");
    private static final Pattern KEY_OR_INDEX = Pattern.compile(
            "(?is)^(CREATE\\s+(UNIQUE\\s+)?INDEX\\s+.*|ALTER\\s+TABLE\\s+(ONLY\\s+)?\\S+\\s+ADD\\s+CONSTRAINT\\s+\\S+\\s+(PRIMARY\\s+KEY|UNIQUE|EXCLUDE)\\b.*)");
    private static final Pattern FOREIGN_KEY = Pattern.compile(
            "(?is)^ALTER\\s+TABLE\\s+(ONLY\\s+)?\\S+\\s+ADD\\s+CONSTRAINT\\s+\\S+\\s+FOREIGN\\s+KEY\\b.*");
    private static final Pattern COPY_PROGRAM = Pattern.compile("(?is)^COPY\\s+.*\\bPROGRAM\\b.*");
    private static final String DEADLOCK = "40P01";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PlainDumpRestorer.class);

    private enum Kind { COPY, KEY_OR_INDEX, FOREIGN_KEY }

    /** A job of the data or post-data section, with the tables it locks. */
    private record Job(Kind kind, java.util.Set<String> tables, Task task) { }

    /** The table of a {@code COPY table (columns) FROM stdin}. */
    static String copyTable(String copySql) {
        String rest = copySql.strip().substring(4).strip();
        int end = 0;
        boolean quoted = false;
        while (end < rest.length() && (quoted || !Character.isWhitespace(rest.charAt(end)) && rest.charAt(end) != '(')) {
            quoted ^= rest.charAt(end) == '"';
            end++;
        }
        return rest.substring(0, end);
    }

    private interface Task {
        Object run() throws Exception;
    }

    private static final Pattern TABLE_NAMES = Pattern.compile(
            "(?is)(?:ALTER\\s+TABLE\\s+(?:ONLY\\s+)?|\\bON\\s+(?:ONLY\\s+)?|REFERENCES\\s+)([\\w.\"]+)");

    /** The tables a CREATE INDEX or ALTER TABLE ... ADD CONSTRAINT statement locks. */
    static java.util.Set<String> tablesOf(String sql) {
        java.util.Set<String> tables = new java.util.HashSet<>();
        java.util.regex.Matcher m = TABLE_NAMES.matcher(sql);
        while (m.find()) {
            tables.add(m.group(1).replace("\"", "").toLowerCase(Locale.ROOT));
        }
        return tables;
    }

    private final Connector connector;
    private final int parallelism;
    private final Path spoolDir;

    public PlainDumpRestorer(Connector connector, int parallelism, Path spoolDir) {
        this.connector = connector;
        this.parallelism = Math.max(1, parallelism);
        this.spoolDir = spoolDir;
    }

    public RestoreOutcome restore(InputStream dump) {
        long started = System.currentTimeMillis();
        try (Run run = new Run()) {
            String error = null;
            try {
                new DumpParser(new BufferedInputStream(dump, 1 << 16)).parse(run);
                run.barrier();
            } catch (RestoreRefusedException e) {
                error = e.getMessage();
            } catch (Failed e) {
                error = e.getMessage();
            } catch (DumpFormatException e) {
                error = "Dump is not valid: " + e.getMessage();
            } catch (Exception e) {
                error = run.failure.get() != null ? run.failure.get() : "Restore failed: " + e.getMessage();
            }
            if (error == null && run.failure.get() != null) {
                error = run.failure.get();
            }
            return new RestoreOutcome(error, run.statements.get(), run.copyBlocks.get(), run.rows.get(), run.skipped.get(),
                    System.currentTimeMillis() - started);
        }
    }

    /** A failure already described, with its line. */
    private static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    /** One restore: the main connection, the worker pool and what they have done. */
    private final class Run implements DumpParser.Handler, AutoCloseable {
        private final AtomicLong statements = new AtomicLong();
        private final AtomicLong copyBlocks = new AtomicLong();
        private final AtomicLong rows = new AtomicLong();
        private final AtomicLong skipped = new AtomicLong();
        private final AtomicReference<String> failure = new AtomicReference<>();
        private final List<String> sessionSettings = new CopyOnWriteArrayList<>();
        private final List<Connection> connections = new CopyOnWriteArrayList<>();
        private final ThreadLocal<Connection> workerConnection = new ThreadLocal<>();
        private final ThreadLocal<int[]> appliedSettings = ThreadLocal.withInitial(() -> new int[1]);
        private final ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "bv-restore");
            t.setDaemon(true);
            return t;
        });
        private final Scheduler scheduler = new Scheduler();
        private Connection main;
        private String database;
        private final long started = System.currentTimeMillis();

        @Override
        public void metaCommand(String command, long line) throws Exception {
            String[] words = command.split("\\s+");
            String name = words[0];
            switch (name) {
                case "\\restrict", "\\unrestrict" -> { }
                case "\\connect", "\\c" -> {
                    String db = connectTarget(words);
                    if (database == null || db == null || db.equals(database) || db.equals("-")) {
                        database = database == null ? db : database;
                        return;
                    }
                    throw new RestoreRefusedException("Line " + line + ": the dump connects to a second database ('" + db
                            + "', as pg_dumpall output does); restore one database per backup");
                }
                default -> throw new RestoreRefusedException("Line " + line + ": psql meta-command " + name
                        + " refused: a restore test never runs " + (name.equals("\\!") ? "shell commands" : "psql commands")
                        + " from a dump (nothing of it was executed)");
            }
        }

        private static String connectTarget(String[] words) {
            for (int i = 1; i < words.length; i++) {
                String w = words[i].replace("\"", "");
                if (w.startsWith("-reuse-previous")) {
                    continue;
                }
                if (w.startsWith("dbname=")) {
                    return w.substring("dbname=".length()).replace("'", "");
                }
                return w.replace("'", "");
            }
            return null;
        }

        @Override
        public void statement(String sql, long line) throws Exception {
            checkFailure();
            if (OWNER_OR_ACL.matcher(sql).matches() || DATABASE_LEVEL.matcher(sql).matches()) {
                skipped.incrementAndGet();
                return;
            }
            if (COPY_PROGRAM.matcher(sql).matches()) {
                throw new RestoreRefusedException("Line " + line + ": COPY ... PROGRAM refused: a restore test never runs "
                        + "programs on the server (nothing of it was executed)");
            }
            if (SESSION_SETTING.matcher(sql).matches()) {
                sessionSettings.add(sql);
            }
            Kind kind = KEY_OR_INDEX.matcher(sql).matches() ? Kind.KEY_OR_INDEX
                    : FOREIGN_KEY.matcher(sql).matches() ? Kind.FOREIGN_KEY : null;
            if (kind != null) {
                scheduler.submit(new Job(kind, tablesOf(sql), () -> execute(worker(), sql, line)));
                return;
            }
            if (!SETVAL.matcher(sql).matches()) {
                barrier(); // everything else keeps the dump's order (setval touches only its sequence)
            }
            execute(main(), sql, line);
        }

        @Override
        public void copy(String copySql, long line, InputStream data) throws Exception {
            checkFailure();
            if (COPY_PROGRAM.matcher(copySql).matches()) {
                throw new RestoreRefusedException("Line " + line + ": COPY ... PROGRAM refused (nothing of it was executed)");
            }
            Path spool = Files.createTempFile(spoolDir, "copy-", ".dat");
            try (OutputStream out = Files.newOutputStream(spool)) {
                byte[] chunk = new byte[1 << 16];
                int n;
                while ((n = data.read(chunk)) >= 0) {
                    out.write(chunk, 0, n);
                }
            } catch (Exception e) {
                Files.deleteIfExists(spool);
                throw e;
            }
            scheduler.submit(new Job(Kind.COPY, tablesOf("ALTER TABLE " + copyTable(copySql)), () -> {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(spool), 1 << 16)) {
                    Connection c = worker();
                    long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, in);
                    rows.addAndGet(n);
                    copyBlocks.incrementAndGet();
                    statements.incrementAndGet();
                } catch (SQLException e) {
                    fail(line, copySql, e);
                } finally {
                    Files.deleteIfExists(spool);
                }
                return null;
            }));
        }

        void barrier() throws Exception {
            scheduler.await();
            checkFailure();
        }

        /**
         * Runs the data and post-data jobs as pg_restore -j does: a table's indexes and keys once
         * its data is loaded, a foreign key once both its tables have their data and keys, never
         * two jobs on the same table at once (they would only wait for each other's locks, and two
         * foreign keys between the same tables can deadlock), at most one job per connection.
         */
        private final class Scheduler {
            private final List<Job> pending = new ArrayList<>();
            private final java.util.Set<String> locked = new java.util.HashSet<>();
            private final Map<String, Integer> copiesLeft = new java.util.HashMap<>();
            private final Map<String, Integer> keysLeft = new java.util.HashMap<>();
            private int running;

            synchronized void submit(Job job) {
                if (job.kind() == Kind.COPY) {
                    job.tables().forEach(t -> copiesLeft.merge(t, 1, Integer::sum));
                } else if (job.kind() == Kind.KEY_OR_INDEX) {
                    job.tables().forEach(t -> keysLeft.merge(t, 1, Integer::sum));
                }
                pending.add(job);
                dispatch();
            }

            private boolean ready(Job job) {
                if (!java.util.Collections.disjoint(job.tables(), locked)) {
                    return false;
                }
                return switch (job.kind()) {
                    case COPY -> true;
                    case KEY_OR_INDEX -> job.tables().stream().allMatch(t -> copiesLeft.getOrDefault(t, 0) == 0);
                    case FOREIGN_KEY -> job.tables().stream().allMatch(t -> copiesLeft.getOrDefault(t, 0) == 0
                            && keysLeft.getOrDefault(t, 0) == 0);
                };
            }

            private void dispatch() {
                if (failure.get() != null) {
                    pending.clear();
                }
                for (java.util.Iterator<Job> it = pending.iterator(); it.hasNext() && running < parallelism; ) {
                    Job job = it.next();
                    if (ready(job)) {
                        it.remove();
                        locked.addAll(job.tables());
                        running++;
                        pool.execute(() -> {
                            try {
                                job.task().run();
                            } catch (Failed e) {
                                // already recorded in failure
                            } catch (Exception e) {
                                failure.compareAndSet(null, "Restore failed: " + e.getMessage());
                            } finally {
                                finished(job);
                            }
                        });
                    }
                }
            }

            private synchronized void finished(Job job) {
                locked.removeAll(job.tables());
                Map<String, Integer> left = job.kind() == Kind.COPY ? copiesLeft : job.kind() == Kind.KEY_OR_INDEX ? keysLeft : null;
                if (left != null) {
                    job.tables().forEach(t -> left.merge(t, -1, Integer::sum));
                }
                running--;
                dispatch();
                notifyAll();
            }

            synchronized void await() throws InterruptedException {
                boolean waited = !pending.isEmpty() || running > 0;
                while (!pending.isEmpty() || running > 0) {
                    wait();
                }
                if (waited) {
                    LOG.debug("restore: jobs done at {} ms", System.currentTimeMillis() - started);
                }
            }
        }

        private void checkFailure() throws Failed {
            if (failure.get() != null) {
                throw new Failed(failure.get());
            }
        }

        private Object execute(Connection c, String sql, long line) throws Failed {
            for (int attempt = 1; ; attempt++) {
                try (Statement s = c.createStatement()) {
                    s.execute(sql);
                    statements.incrementAndGet();
                    return null;
                } catch (SQLException e) {
                    if (DEADLOCK.equals(e.getSQLState()) && attempt < 5) {
                        continue; // two foreign keys between the same tables, built at once: try again
                    }
                    fail(line, sql, e);
                    throw new Failed(failure.get());
                }
            }
        }

        private void fail(long line, String sql, SQLException e) {
            String first = sql.lines().findFirst().orElse("").strip();
            if (first.length() > 100) {
                first = first.substring(0, 97) + "...";
            }
            String pg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            failure.compareAndSet(null, "Line " + line + ": " + pg + " (in: " + first + ")");
        }

        private Connection main() throws SQLException {
            if (main == null) {
                main = connector.connect();
                connections.add(main);
            }
            return main;
        }

        /** This worker thread's connection, with every session setting the dump has made so far. */
        private Connection worker() throws SQLException {
            Connection c = workerConnection.get();
            if (c == null) {
                c = connector.connect();
                connections.add(c);
                workerConnection.set(c);
            }
            int[] applied = appliedSettings.get();
            try (Statement s = c.createStatement()) {
                for (; applied[0] < sessionSettings.size(); applied[0]++) {
                    s.execute(sessionSettings.get(applied[0]));
                }
            }
            return c;
        }

        @Override
        public void close() {
            pool.shutdownNow();
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (SQLException e) {
                    // the test database is dropped next
                }
            }
        }
    }
}
