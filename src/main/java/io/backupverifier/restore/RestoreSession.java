package io.backupverifier.restore;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One restore of a plain dump: what {@link PlainDumpRestorer} does with each statement, COPY block
 * and meta-command the {@link DumpParser} hands over ({@link Statement} says what each is), on the
 * main connection and the pool of worker connections, and what it has done so far.
 *
 * <p>With a connector for checks, part of the restore checks runs inside the schedule, on
 * connections that would otherwise idle: each table's rows come from its COPY blocks' own counts,
 * each index build is counted and timed, and each loaded table is ANALYZEd (and its indexes
 * verified by the {@link PlainDumpRestorer.IndexCheck}, amcheck) once its data and indexes are in,
 * on a connection as the restore role with {@code search_path = pg_catalog, pg_temp}.
 */
final class RestoreSession implements DumpParser.Handler, AutoCloseable {

    private static final String DEADLOCK = "40P01";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String INVALID_FUNCTION_DEFINITION = "42P13";
    private static final String INVALID_PARAMETER_VALUE = "22023";
    private static final String UNDEFINED_OBJECT = "42704";
    private static final Set<String> UNDEFINED = Set.of(UNDEFINED_OBJECT, "42883", "42P01");
    private static final Logger LOG = LoggerFactory.getLogger(RestoreSession.class);
    /** Different session settings a dump may make; pg_dump makes about ten. */
    static final int MAX_SETTINGS = 1000;

    private static final long PROGRESS_EVERY_SECONDS = 5;

    /** A failure already described, with its line. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    /** Statements not restored for one reason: counted, the first few kept. */
    private static final class Tally {
        private final AtomicLong count = new AtomicLong();
        private final List<RestoreOutcome.Skip> first = new CopyOnWriteArrayList<>();

        void add(long line, DumpStatement st, String reason) {
            if (count.incrementAndGet() <= RestoreOutcome.Skips.KEPT) {
                first.add(new RestoreOutcome.Skip(line, head(st.excerpt()), reason));
            }
        }

        /** The statement's start, short: "CREATE FUNCTION c_add ..." (up to its arguments, or about 60 characters). */
        private static String head(String excerpt) {
            String s = excerpt.endsWith(" ...") ? excerpt.substring(0, excerpt.length() - 4) : excerpt;
            int paren = s.indexOf('(');
            if (paren > 0) {
                return s.substring(0, paren).strip() + " ...";
            }
            if (s.length() > 60) {
                int space = s.lastIndexOf(' ', 60);
                return s.substring(0, space > 0 ? space : 60) + " ...";
            }
            return excerpt;
        }

        RestoreOutcome.Skips skips() {
            return count.get() == 0
                    ? RestoreOutcome.Skips.NONE
                    : new RestoreOutcome.Skips(count.get(), List.copyOf(first));
        }
    }

    private final PlainDumpRestorer.Connector connector;
    private final PlainDumpRestorer.Connector checks; // null: no checks inside the schedule
    private final PlainDumpRestorer.IndexCheck indexCheck; // null: none
    private boolean indexChecksSubmitted;
    private final PlainDumpRestorer.Progress progress;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong copiesSeen = new AtomicLong();
    private final AtomicLong lastReportNanos = new AtomicLong(System.nanoTime());
    private volatile boolean parsed; // the whole dump has been read: every COPY is known
    private final int parallelism;
    private final Path spoolDir;
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong copyBlocks = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Tally superuserOnly = new Tally();
    private final Tally cleanErrors = new Tally();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Connection> workerConnection = new ThreadLocal<>();
    private final ThreadLocal<SessionSettings.Applied> workerSettings =
            ThreadLocal.withInitial(SessionSettings.Applied::new);
    private final ThreadLocal<Connection> checkConnection = new ThreadLocal<>();
    private final Map<String, Long> tableOids = new ConcurrentHashMap<>(); // scheduler's table name -> OID
    private final Map<Long, Long> copyRows = new ConcurrentHashMap<>(); // OID -> rows of its COPY blocks
    private final Set<String> loadedTables = new HashSet<>(); // tables with COPY data
    private final Set<String> toAnalyze = new LinkedHashSet<>(); // of those, not ANALYZEd since their last change
    private final Set<Long> analyzed = ConcurrentHashMap.newKeySet();
    private final AtomicReference<SQLException> analyzeFailure = new AtomicReference<>();
    private final AtomicLong analyzeNanos = new AtomicLong();
    private final AtomicLong indexesBuilt = new AtomicLong();
    private final AtomicLong indexNanos = new AtomicLong();
    private volatile boolean rowsChangedOtherwise; // a statement other than COPY may have changed rows
    private boolean triggers; // a trigger exists: a COPY may write other rows than its own
    private final ExecutorService pool;
    private final LoadScheduler scheduler;
    private final List<Deferred> databaseProperties = new ArrayList<>();
    private final Set<String> notCreated = ConcurrentHashMap.newKeySet(); // superuser-only objects
    private SessionSettings settings = SessionSettings.NONE;
    private boolean created; // a CREATE ran: the leading DROP section of a --clean dump is over
    private Connection main;
    private String database;

    RestoreSession(
            PlainDumpRestorer.Connector connector,
            PlainDumpRestorer.Connector checks,
            PlainDumpRestorer.IndexCheck indexCheck,
            int parallelism,
            Path spoolDir,
            PlainDumpRestorer.Progress progress) {
        this.connector = connector;
        this.progress = progress;
        this.checks = checks;
        this.indexCheck = checks == null ? null : indexCheck;
        this.parallelism = parallelism;
        this.spoolDir = spoolDir;
        this.pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "bv-restore");
            t.setDaemon(true);
            return t;
        });
        this.scheduler = new LoadScheduler(
                pool,
                parallelism,
                () -> failure.get() != null,
                e -> failure.compareAndSet(
                        null, e instanceof Failed ? e.getMessage() : "Restore failed: " + e.getMessage()));
    }

    /** The first failure of a job or statement, with its line, or null. */
    String failure() {
        return failure.get();
    }

    RestoreOutcome outcome(String error, long millis) {
        RestoreOutcome.Loaded loaded = checks == null
                ? RestoreOutcome.Loaded.NONE
                : new RestoreOutcome.Loaded(
                        rowsChangedOtherwise ? null : Map.copyOf(copyRows),
                        Set.copyOf(analyzed),
                        analyzeFailure.get(),
                        analyzeNanos.get() / 1_000_000,
                        indexesBuilt.get(),
                        indexNanos.get() / 1_000_000);
        return new RestoreOutcome(
                error,
                statements.get(),
                copyBlocks.get(),
                rows.get(),
                skipped.get(),
                millis,
                superuserOnly.skips(),
                cleanErrors.skips(),
                loaded);
    }

    /** A statement on the source database, applied to the test database at the end. */
    private record Deferred(DumpStatement statement, long line) {}

    @Override
    public void metaCommand(String command, long line) throws Exception {
        String[] words = command.split("\\s+");
        String name = words[0];
        for (int i = 1; i < words.length; i++) {
            if (words[i].contains("\\")) { // psql runs a second backslash command on the same line
                throw new RestoreRefusedException("Line " + line + ": psql meta-command line with a second command ("
                        + DumpStatement.excerpt(words[i])
                        + ") refused: a restore test never runs psql commands from a dump "
                        + "(nothing of it was executed)");
            }
        }
        switch (name) {
            case "\\restrict", "\\unrestrict" -> {}
            case "\\connect", "\\c" -> {
                String db = connectTarget(words);
                if (database == null || db == null || db.equals(database) || db.equals("-")) {
                    database = database == null ? db : database;
                    return;
                }
                throw new RestoreRefusedException("Line " + line + ": the dump connects to a second database ('"
                        + DumpStatement.excerpt(db) + "', as pg_dumpall output does); restore one database per backup");
            }
            default ->
                throw new RestoreRefusedException("Line " + line + ": psql meta-command " + DumpStatement.excerpt(name)
                        + " refused: a restore test never runs "
                        + (name.equals("\\!") ? "shell commands" : "psql commands")
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
    public void statement(DumpStatement st, long line) throws Exception {
        checkFailure();
        switch (st.kind()) {
            case OWNERSHIP, DATABASE -> {
                skipped.incrementAndGet();
                if (st.startsWith("CREATE")) {
                    created = true;
                }
            }
            case CLIENT_ENCODING -> {} // the parser decodes with it; the connection stays UTF-8
            case LIMIT -> {} // a dump never lifts the restore test's time limits (pg_dump writes statement_timeout = 0)
            case DATABASE_PROPERTY -> databaseProperties.add(new Deferred(st, line));
            case COPY_PROGRAM, COPY_FROM_STDIN -> refuseProgram(st, line);
            case SESSION_SETTING -> {
                // the main connection takes it in order; jobs get the snapshot of their place in the dump
                if (execute(main(), st, line)) {
                    settings = settings.with(st.settingName(), st.sql());
                    if (settings.size() > MAX_SETTINGS) {
                        // each job replays its snapshot: thousands of them keep a restore busy for hours
                        throw new RestoreRefusedException("Line " + line + ": the dump sets more than " + MAX_SETTINGS
                                + " different session settings: not a dump pg_dump writes (it sets about ten)");
                    }
                }
            }
            case KEY_OR_INDEX -> {
                SessionSettings at = settings;
                st.tables().stream()
                        .filter(loadedTables::contains)
                        .forEach(toAnalyze::add); // (again, if analyzed already)
                scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.KEY_OR_INDEX, st.tables(), () -> {
                    long t = System.nanoTime();
                    if (execute(worker(at), st, line)) {
                        indexNanos.addAndGet(System.nanoTime() - t);
                        indexesBuilt.incrementAndGet();
                    }
                }));
            }
            case FOREIGN_KEY -> {
                analyzeLoaded(); // pg_dump writes every index and key before the first foreign key
                foreignKey(st, line, settings);
            }
            case SETVAL -> execute(main(), st, line); // touches only its sequence: no need to wait
            case PRIVILEGE, OTHER -> {
                if (st.mayChangeRows()) {
                    rowsChangedOtherwise = true;
                }
                if (st.createsTrigger()) {
                    triggers = true; // fires on the COPYs that follow (pg_dump writes triggers after the data)
                }
                analyzeLoaded();
                barrier(); // everything else keeps the dump's order
                if (st.startsWith("CREATE")) {
                    created = true;
                }
                indexChecksBefore(st);
                execute(main(), st, line);
            }
        }
    }

    /**
     * A foreign key: added {@code NOT VALID} in a job that locks both its tables (a moment), then
     * validated in a job that locks only the referencing table, as PostgreSQL does (the referenced
     * one only ROW SHARE): the foreign keys to one table (all orders of a customer, all items of an
     * order) are validated side by side instead of one after the other. The same constraint, validated
     * by PostgreSQL with the same query and error. When the split statement fails, the dump's own
     * statement runs as written, and its outcome is the restore's.
     */
    private void foreignKey(DumpStatement st, long line, SessionSettings at) {
        Optional<DumpStatement.ValidatedLater> split = st.validatedLater();
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.FOREIGN_KEY, st.tables(), () -> {
            Connection c = worker(at);
            if (split.isPresent() && addedNotValid(c, split.get().notValid())) {
                scheduler.submit(new LoadScheduler.Job(
                        LoadScheduler.Kind.FOREIGN_KEY,
                        Set.of(split.get().table()),
                        () -> execute(worker(at), st, split.get().validate(), line)));
            } else {
                execute(c, st, line);
            }
        }));
    }

    /** Runs a foreign key's NOT VALID variant; false when it failed (nothing was made: the dump's statement runs as written). */
    private static boolean addedNotValid(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void refuseProgram(DumpStatement st, long line) throws RestoreRefusedException {
        if (st.kind() == DumpStatement.Kind.COPY_PROGRAM) {
            throw new RestoreRefusedException("Line " + line + ": COPY ... PROGRAM refused: a restore test never runs "
                    + "programs on the server (nothing of it was executed)");
        }
        throw new RestoreRefusedException("Line " + line + ": COPY ... FROM STDIN is not followed by its data");
    }

    @Override
    public void copy(DumpStatement copy, long line, InputStream data, Charset encoding) throws Exception {
        checkFailure();
        created = true;
        if (notCreated.stream().anyMatch(copy::mentions)) {
            superuserOnly.add(line, copy, null); // the data of a table that could not be created without superuser
            data.transferTo(OutputStream.nullOutputStream());
            return;
        }
        Path spool = WorkFiles.COPY.create(spoolDir);
        try (OutputStream out = Files.newOutputStream(spool)) {
            ClientEncodings.toUtf8(data, encoding, out);
        } catch (Exception e) {
            Files.deleteIfExists(spool);
            throw e;
        }
        SessionSettings at = settings;
        copiesSeen.incrementAndGet();
        if (triggers) {
            rowsChangedOtherwise = true;
        }
        // the first data of a table, before any statement that may have written rows: it holds none yet
        String frozen =
                Collections.disjoint(loadedTables, copy.tables()) && !rowsChangedOtherwise && copy.copyTarget() != null
                        ? copy.withFreeze()
                        : null;
        loadedTables.addAll(copy.tables());
        toAnalyze.addAll(copy.tables()); // (again, if more data comes after its ANALYZE)
        if (indexChecksSubmitted) {
            // data after the checks began (not where pg_dump writes it; a COPY into a partitioned parent
            // or under a trigger may write into tables checked already): all of them verified after the restore
            indexCheck.stop();
        }
        scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.COPY, copy.tables(), () -> {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(spool), 1 << 16)) {
                Connection c = worker(at);
                Long loaded = frozen == null ? null : copyFrozen(c, copy.copyTarget(), frozen, in);
                long n = loaded != null
                        ? loaded
                        : c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy.sql(), in);
                if (checks != null) {
                    try {
                        tableLoaded(c, copy, n);
                    } catch (SQLException e) {
                        rowsChangedOtherwise = true; // the rows were loaded: they are counted after the restore
                    }
                }
                rows.addAndGet(n);
                copyBlocks.incrementAndGet();
                statements.incrementAndGet();
                reportProgress();
            } catch (SQLException e) {
                throw fail(line, copy, e);
            } finally {
                Files.deleteIfExists(spool);
            }
        }));
    }

    /** The first column of the first row of a query with one text parameter, or null when there is none. */
    private static String firstRow(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * COPY ... FREEZE into a table that has never held a row (no page yet): in one transaction with
     * a TRUNCATE of it (which lets COPY write its rows frozen, so no later read rewrites every page
     * to set hint bits, and, with wal_level minimal, skip the WAL). Null when the table is not such
     * (not a plain table, holds pages, or cannot be truncated, e.g. referenced by a foreign key
     * already): nothing was done, a plain COPY follows.
     */
    private static Long copyFrozen(Connection c, String target, String frozenSql, InputStream in) throws SQLException {
        c.setAutoCommit(false);
        try {
            try {
                String table = firstRow(
                        c,
                        "SELECT c.oid::pg_catalog.regclass::pg_catalog.text FROM pg_catalog.pg_class c"
                                + " WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(?) AND c.relkind OPERATOR(pg_catalog.=) 'r'",
                        target);
                if (table == null) {
                    c.rollback();
                    return null;
                }
                try (Statement t = c.createStatement()) {
                    // locked before it is looked at: a COPY into its partitioned parent (another name, so
                    // another job) could route rows into it between the look and the TRUNCATE
                    t.execute("LOCK TABLE ONLY " + table + " IN ACCESS EXCLUSIVE MODE");
                }
                if (firstRow(
                                c,
                                "SELECT 'empty' WHERE pg_catalog.pg_relation_size(pg_catalog.to_regclass(?)) OPERATOR(pg_catalog.=) 0",
                                table)
                        == null) {
                    c.rollback();
                    return null;
                }
                try (Statement t = c.createStatement()) {
                    t.execute("TRUNCATE ONLY " + table);
                }
            } catch (SQLException e) {
                c.rollback();
                return null;
            }
            try {
                long n = c.unwrap(PGConnection.class).getCopyAPI().copyIn(frozenSql, in);
                c.commit();
                return n;
            } catch (SQLException | IOException e) {
                c.rollback();
                throw e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
            }
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Tells the listener how the load goes: at most every {@value #PROGRESS_EVERY_SECONDS} s, and when every COPY seen is in. */
    private void reportProgress() {
        long now = System.nanoTime();
        long last = lastReportNanos.get();
        boolean allIn = parsed && copyBlocks.get() == copiesSeen.get();
        if ((allIn || now - last >= PROGRESS_EVERY_SECONDS * 1_000_000_000L)
                && lastReportNanos.compareAndSet(last, now)) {
            double seconds = Math.max(1e-3, (now - startedNanos) / 1e9);
            progress.loading(copyBlocks.get(), copiesSeen.get(), rows.get(), rows.get() / seconds);
        }
    }

    /**
     * The table of a COPY that just loaded {@code n} rows, by OID, as the COPY's own connection (the
     * dump's search_path) resolves its name: the rows are summed per table.
     */
    private void tableLoaded(Connection c, DumpStatement copy, long n) throws SQLException {
        String target = copy.copyTarget();
        if (target == null || copy.tables().size() != 1) {
            rowsChangedOtherwise = true; // cannot tell which table: counted after the restore
            return;
        }
        try (PreparedStatement s =
                c.prepareStatement("SELECT c.oid::pg_catalog.int8, c.relkind OPERATOR(pg_catalog.=) 'r'"
                        + " FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(?)")) {
            s.setString(1, target);
            try (ResultSet rs = s.executeQuery()) {
                long oid = rs.next() ? rs.getLong(1) : 0;
                if (oid == 0 || !rs.getBoolean(2)) {
                    // not found, or not a plain table: a partitioned table's rows went into its partitions,
                    // which may hold rows of their own COPY too
                    rowsChangedOtherwise = true;
                    return;
                }
                tableOids.put(copy.tables().iterator().next(), oid);
                copyRows.merge(oid, n, Long::sum);
            }
        }
    }

    /**
     * Before a statement that runs in the dump's order, while no job runs: the dump's own statement
     * about the amcheck extension runs as if no check had installed it; a statement that may change
     * rows sends what the index check verified so far back to be verified after the restore (the
     * rows those indexes hold are no longer the ones verified; DDL alone cannot make such an index fail).
     */
    private void indexChecksBefore(DumpStatement st) {
        if (indexCheck == null) {
            return;
        }
        if (st.namesExtension("amcheck")) {
            indexCheck.withdraw();
        } else if (st.mayChangeRows()) {
            indexCheck.forgetAll();
        }
    }

    /**
     * ANALYZE, inside the schedule, of every table loaded so far not yet analyzed, then the table
     * check of its indexes: each runs once its data and indexes are in, while other tables still
     * load. Their errors are their checks', never the restore's.
     */
    private void analyzeLoaded() {
        if (checks == null) {
            return;
        }
        for (String table : toAnalyze) {
            scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.CHECK, Set.of(table), () -> {
                Long oid = tableOids.get(table);
                if (oid == null || analyzeFailure.get() != null) {
                    return; // not loaded (a COPY of it failed), or the check has its verdict: analyzed after the
                    // restore
                }
                long t = System.nanoTime();
                try (PreparedStatement name =
                        checker().prepareStatement("SELECT ?::pg_catalog.oid::pg_catalog.regclass::pg_catalog.text")) {
                    name.setLong(1, oid);
                    String relation;
                    try (ResultSet rs = name.executeQuery()) {
                        rs.next();
                        relation = rs.getString(1);
                    }
                    try (Statement s = checker().createStatement()) {
                        s.execute(RestoreWatchdog.CHECK_MARK + "ANALYZE " + relation);
                    }
                    analyzed.add(oid);
                } catch (SQLException e) {
                    analyzeFailure.compareAndSet(null, e);
                } finally {
                    analyzeNanos.addAndGet(System.nanoTime() - t);
                }
            }));
            if (indexCheck != null) {
                indexChecksSubmitted = true;
                scheduler.submit(
                        new LoadScheduler.Job(LoadScheduler.Kind.READ, Set.of(table), () -> checkIndexes(table)));
            }
        }
        toAnalyze.clear();
    }

    /**
     * The index check of a loaded table: a job per index, each taking only ACCESS SHARE locks, so
     * that the indexes of one large table are checked side by side, next to the other jobs on it.
     */
    private void checkIndexes(String table) {
        Long oid = tableOids.get(table);
        if (oid == null) {
            return; // not loaded by a COPY of its own: verified after the restore
        }
        List<Long> indexes;
        try {
            indexes = indexCheck.indexesOf(checker(), oid);
        } catch (SQLException e) {
            return; // no connection: verified after the restore
        }
        for (long index : indexes) {
            scheduler.submit(new LoadScheduler.Job(LoadScheduler.Kind.READ, Set.of(table), () -> {
                try {
                    indexCheck.check(checker(), index);
                } catch (SQLException e) {
                    // no connection: verified after the restore
                }
            }));
        }
    }

    /** This worker thread's connection for checks: the restore role, search_path pg_catalog, pg_temp. */
    private Connection checker() throws SQLException {
        Connection c = checkConnection.get();
        if (c == null) {
            c = checks.connect();
            connections.add(c);
            checkConnection.set(c);
        }
        return c;
    }

    private void barrier() throws Exception {
        scheduler.await();
        checkFailure();
    }

    /** After the dump: the jobs finish, then what the dump set on its own database goes to the test database. */
    void finish() throws Exception {
        parsed = true;
        if (copiesSeen.get() > 0 && copyBlocks.get() == copiesSeen.get()) {
            reportProgress(); // the last COPY was in before the dump's end was read
        }
        analyzeLoaded();
        barrier();
        if (databaseProperties.isEmpty()) {
            return;
        }
        String testDatabase;
        try (Statement s = main().createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_catalog.current_database()")) {
            rs.next();
            testDatabase = TestDatabases.ident(rs.getString(1));
        }
        for (Deferred d : databaseProperties) {
            DumpStatement onTest = d.statement()
                    .onDatabase(testDatabase)
                    .map(DumpStatement::of)
                    .orElse(null);
            if (onTest == null) {
                skipped.incrementAndGet();
            } else {
                execute(main(), onTest, d.line());
            }
        }
    }

    private void checkFailure() throws Failed {
        if (failure.get() != null) {
            throw new Failed(failure.get());
        }
    }

    /**
     * Runs a statement; false when it failed in a way that does not fail the restore (counted). A
     * job's statement chosen as a deadlock victim was undone: the scheduler runs it again alone.
     */
    private boolean execute(Connection c, DumpStatement st, long line) throws Failed, LoadScheduler.Deadlocked {
        return execute(c, st, st.sql(), line);
    }

    /** {@link #execute(Connection, DumpStatement, long)} of {@code sql}, which stands for the dump's {@code st}. */
    private boolean execute(Connection c, DumpStatement st, String sql, long line)
            throws Failed, LoadScheduler.Deadlocked {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            statements.incrementAndGet();
            return true;
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (DEADLOCK.equals(state) && c != main) {
                throw new LoadScheduler.Deadlocked(e);
            }
            boolean privilege = st.kind() == DumpStatement.Kind.PRIVILEGE
                    || st.kind() == DumpStatement.Kind.DATABASE_PROPERTY
                            && (st.startsWith("GRANT") || st.startsWith("REVOKE"));
            if (privilege && (UNDEFINED_OBJECT.equals(state) || INSUFFICIENT_PRIVILEGE.equals(state))) {
                skipped.incrementAndGet(); // a role absent from the test server, or one we may not act for
                return false;
            }
            if (INSUFFICIENT_PRIVILEGE.equals(state) && st.mayNeedSuperuser()
                    || INVALID_FUNCTION_DEFINITION.equals(state) && st.hasInternalState()) {
                superuserOnly.add(line, st, null);
                String name = st.createdName();
                if (name != null) {
                    notCreated.add(name);
                }
                return false;
            }
            // SET default_table_access_method = an access method that needed superuser: 22023
            boolean missing =
                    UNDEFINED.contains(state) || INVALID_PARAMETER_VALUE.equals(state) && st.startsWith("SET");
            if (missing && notCreated.stream().anyMatch(st::mentions)) {
                superuserOnly.add(line, st, null); // about an object that needed superuser: its comment, say
                String name = st.createdName();
                if (name != null) {
                    notCreated.add(name); // a table of a type that needed superuser: its data, keys, comments follow
                }
                LOG.debug("restore: line {} needs superuser: {}", line, firstLine(e));
                return false;
            }
            if (!created && c == main && (st.startsWith("DROP") || st.startsWith("ALTER"))) {
                cleanErrors.add(line, st, firstLine(e)); // psql reports these and goes on
                return false;
            }
            throw fail(line, st, e);
        }
    }

    private Failed fail(long line, DumpStatement st, SQLException e) {
        failure.compareAndSet(null, "Line " + line + ": " + firstLine(e) + " (in: " + st.excerpt() + ")");
        return new Failed(failure.get());
    }

    /** The server's message, first line, control characters escaped (it may quote names from the dump). */
    private static String firstLine(SQLException e) {
        String m = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().lines().findFirst().orElse("");
        return DumpStatement.escape(m.length() > 300 ? m.substring(0, 297) + "..." : m);
    }

    private Connection main() throws SQLException {
        if (main == null) {
            main = connector.connect();
            connections.add(main);
        }
        return main;
    }

    /** This worker thread's connection, with the session settings of the job's place in the dump. */
    private Connection worker(SessionSettings at) throws SQLException {
        Connection c = workerConnection.get();
        if (c == null) {
            c = connector.connect();
            connections.add(c);
            workerConnection.set(c);
        }
        at.applyTo(c, workerSettings.get());
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
