package io.backupverifier.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The service ({@code run}) in its own JVM, as systemd starts it: backups in {@code root/backups},
 * logs, state and outbox in {@code root/logs}, its output in {@code root/service.log}. For what
 * only a real process shows: memory limits, exit codes, kill -9 and restarts.
 */
public final class ServiceProcess implements AutoCloseable {

    /**
     * JVM options of every launch, before a test's own: the client compiler only. A test's service lives for
     * seconds, mostly starting, which the server compiler makes cost twice the CPU (and, on a busy machine, several
     * times the wall time) for code that runs a few times; what the service does is the same.
     */
    private static final List<String> DEFAULT_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");

    public final Path root;
    public final Path backups;
    public final Path logs;
    private Path output;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private Path home = Path.of("").toAbsolutePath();
    private Process process;
    /** Where this start's output begins in {@link #output} (earlier starts' output comes before it). */
    private long outputStart;

    public ServiceProcess(Path root) {
        this.root = root;
        this.backups = root.resolve("backups");
        this.logs = root.resolve("logs");
        this.output = root.resolve("service.log");
        env.put("BACKUP_DIR", backups.toString());
        env.put("VERIFICATION_LOG_DIR", logs.toString());
        env.put("RESTORE_WORK_DIR", root.resolve("work").toString());
        env.put("WATCH_POLL_INTERVAL", "200ms");
        env.put("WATCH_STABLE_FOR", "1s");
        env.put("WATCH_LOCK_TIMEOUT", "3s");
        env.put("HTTP_PORT", "0");
    }

    public ServiceProcess env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** Where this process's output goes (a second service on the same directories needs its own). */
    public ServiceProcess output(String fileName) {
        output = root.resolve(fileName);
        return this;
    }

    public Path output() {
        return output;
    }

    public ServiceProcess jvm(String... options) {
        jvmOptions.addAll(List.of(options));
        return this;
    }

    /** The installation directory (config/ and routes/); the project's own by default. */
    public ServiceProcess home(Path dir) {
        home = dir.toAbsolutePath();
        return this;
    }

    /** Starts {@code run}; output of every start is appended to {@link #output}. */
    public ServiceProcess start() throws IOException {
        Files.createDirectories(backups);
        outputStart = Files.exists(output) ? Files.size(output) : 0;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(DEFAULT_JVM_OPTIONS);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "-Dbackup-verifier.home=" + home,
                "io.backupverifier.cli.BackupVerifierCli",
                "run"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        return this;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** kill -9: no shutdown hook, no clean stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to end by itself; its exit code, or -1 if it is still running. */
    public int exitCode(Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /**
     * Waits for this start to be done (Camel's "started in" line); a process that ended instead fails the test at
     * once, with the end of its log. Generous: on a busy machine a start has taken over a minute.
     */
    public void awaitStarted() throws IOException, InterruptedException {
        Service.await("service " + root.getFileName() + " started", Duration.ofSeconds(240), () -> {
            try {
                return startedInThisStart() || !process.isAlive();
            } catch (IOException e) {
                return false;
            }
        });
        if (!startedInThisStart()) {
            List<String> lines = log().lines().toList();
            throw new AssertionError("service " + root.getFileName() + " ended (exit code " + process.exitValue()
                    + ") instead of starting; its log ends:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    private boolean startedInThisStart() throws IOException {
        if (!Files.exists(output)) {
            return false;
        }
        byte[] all = Files.readAllBytes(output);
        int from = (int) Math.min(outputStart, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8).contains(") started in");
    }

    /** Everything the process printed so far (bytes that are not UTF-8 are replaced). */
    public String log() throws IOException {
        return Files.exists(output) ? new String(Files.readAllBytes(output), StandardCharsets.UTF_8) : "";
    }

    /** The log lines that contain {@code text}. */
    public List<String> logLines(String text) throws IOException {
        return log().lines().filter(l -> l.contains(text)).toList();
    }

    /** The process's peak resident memory so far, in bytes (Linux: VmHWM in /proc/PID/status). */
    public long peakRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmHWM in /proc/" + process.pid() + "/status");
    }

    /** Whether the process has {@code file} open right now (Linux: /proc/PID/fd). */
    public boolean hasOpen(Path file) {
        Path target = file.toAbsolutePath().normalize();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            });
        } catch (IOException e) {
            return false;
        }
    }

    /** The recorded verdicts of a backup, oldest first, from the embedded results store. */
    public List<String> verdicts(Path backup) {
        Path db = logs.resolve("state/results.db");
        return Files.exists(db) ? verdicts("jdbc:sqlite:" + db, "", backup) : List.of();
    }

    /** The recorded verdicts of a backup, oldest first, from any results store; none while it cannot answer. */
    public static List<String> verdicts(String url, String user, Path backup) {
        try (Connection c = DriverManager.getConnection(url, user, "");
                PreparedStatement q = c.prepareStatement(
                        "SELECT status FROM bv_verification WHERE file_path = ? ORDER BY verified_at")) {
            q.setString(1, backup.toAbsolutePath().normalize().toString());
            List<String> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            return List.of(); // not created yet, busy, gone or unreachable: the caller polls again
        }
    }

    /** The alert mails waiting in the outbox (no SMTP configured), as text. */
    public List<String> outbox() throws IOException {
        Path dir = logs.resolve("outbox");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> mails = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                mails.add(Files.readString(f));
            }
        }
        return mails;
    }

    /** Stops all of them as {@link #close()} does, at once: each stops while the others do. */
    public static void closeAll(List<ServiceProcess> services) {
        for (ServiceProcess service : services) {
            if (service.process != null && service.process.isAlive()) {
                service.process.destroy();
            }
        }
        for (ServiceProcess service : services) {
            service.awaitStop();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            awaitStop();
        }
    }

    /** Waits for the stop asked for by SIGTERM; kill -9 when it takes longer than a minute. */
    private void awaitStop() {
        if (process == null) {
            return;
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
