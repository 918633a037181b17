package io.backupverifier.restore;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * One embedded PostgreSQL server, from zonky's binaries but started by us, because zonky runs
 * it as whatever user the JVM is: as root, a server-side escape (COPY ... PROGRAM, C code)
 * would own the host and the backups. So, when the JVM runs as root, initdb, pg_ctl and the
 * server run as an unprivileged OS user ({@code setpriv}, no new privileges). The admin
 * account has a random password (no trust authentication), the server listens on 127.0.0.1
 * only, without a Unix socket.
 *
 * <p>Layout: {@code <work>/bv-embedded-pg-XXXX/} (owned by this process, mode 0711) holds
 * {@code owner} (this JVM's PID and start time, for orphan cleanup), {@code server.log} and
 * {@code data/} (owned by the server user, 0700).
 *
 * <p>initdb runs once per work directory while the application runs, into a template laid out
 * like a server's ({@code <work>/bv-embedded-pg-template-XXXX/}, with its owner marker, so the
 * orphan cleanup of a killed process removes it like a server's directory); each server's data
 * directory is a copy of it, made by the server user. The template is removed when the JVM
 * exits ({@link #removeTemplates}, from a shutdown hook), which follows the application's stop.
 */
final class EmbeddedServer implements AutoCloseable {

    static final String OWNER_FILE = "owner";
    static final String DATA = "data";
    /** Names the data directory when it is not {@code data/} (outside RESTORE_WORK_DIR). */
    static final String DATA_POINTER = "datadir";

    static final String DATA_PREFIX = "bv-pg-data-";
    /** In a template's directory: initdb finished there. */
    static final String TEMPLATE_READY = "template-ready";

    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * The admin password of every embedded server of this JVM: random (144 bits), made once per
     * JVM, known only to it (initdb reads it from a file of the server
     * user's, mode 0400, removed as soon as initdb ends). Shared by the servers because they are
     * copies of one initdb. As safe as one password per server: against other local users and
     * processes, each server is as hard to log in to as before; between the servers there was no
     * line to keep, since they all belong to this JVM and run as the same OS user, who can read
     * every one's data directory anyway; the restored dumps run as roles without superuser, which
     * cannot read the password's SCRAM verifier (pg_authid); the password itself is in no server.
     */
    private static final String ADMIN_PASSWORD = HexFormat.of().formatHex(bytes(18));
    /** The template of each work directory, while the application runs (guarded by itself). */
    private static final Map<Path, Template> TEMPLATES = new HashMap<>();

    private static boolean templateHook;
    /** The JVM exits and its templates are removed (guarded by {@link #TEMPLATES}). */
    private static boolean exited;

    private static final Object BINARIES_LOCK = new Object();
    private static volatile Path binaries;

    private final Path home;
    private final Path data;
    private final int port;
    private final String adminPassword;
    private final List<String> runAs;
    private final Path bin;

    private EmbeddedServer(Path bin, Path home, Path data, int port, String adminPassword, List<String> runAs) {
        this.bin = bin;
        this.home = home;
        this.data = data;
        this.port = port;
        this.adminPassword = adminPassword;
        this.runAs = runAs;
    }

    /** True when this JVM runs as root: the server must then run as another user. */
    static boolean jvmIsRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Starts a server in a new directory under {@code workDir}.
     *
     * @param osUser the OS user the server runs as when the JVM is root (EMBEDDED_PG_USER)
     * @param config server settings ({@code -c name=value})
     */
    static EmbeddedServer start(Path workDir, String osUser, Map<String, String> config) throws IOException {
        List<String> runAs = new ArrayList<>();
        int[] ids = null;
        if (jvmIsRoot()) {
            if (osUser.isBlank() || osUser.equals("root")) {
                throw new IOException(
                        "the embedded PostgreSQL never runs as root: set EMBEDDED_PG_USER to an unprivileged "
                                + "OS user, or TEST_DB_HOST to a server of yours");
            }
            ids = ids(osUser);
            Path setpriv = Stream.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv")
                    .map(Path::of)
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElseThrow(() -> new IOException("the embedded PostgreSQL must run as " + osUser
                            + " and setpriv (util-linux) is not installed: "
                            + "install it, or set TEST_DB_HOST to a server of yours"));
            runAs.addAll(List.of(
                    setpriv.toString(), "--reuid=" + ids[0], "--regid=" + ids[1], "--clear-groups", "--no-new-privs"));
        }
        Files.createDirectories(workDir);
        // the server user must reach its data and binaries; when it cannot pass RESTORE_WORK_DIR
        // (a private directory), they go to the system temp directory instead
        Path base = ids == null || reachable(workDir, ids) ? workDir : Path.of(System.getProperty("java.io.tmpdir"));
        if (ids != null && !reachable(base, ids)) {
            throw new IOException("the embedded PostgreSQL runs as " + osUser + ", who cannot reach " + workDir
                    + ": set RESTORE_WORK_DIR to a directory it can reach (e.g. /var/tmp/backup-verifier)");
        }
        Path bin = binaries(base).resolve("bin");
        String password = ADMIN_PASSWORD;
        Path home = Files.createTempDirectory(workDir, WorkFiles.EMBEDDED_HOME);
        Files.writeString(home.resolve(OWNER_FILE), OwnerMarker.ofThisProcess().toString());
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        Path data = home.resolve(DATA);
        EmbeddedServer server = null;
        try {
            synchronized (TEMPLATES) { // the template stays while it is copied
                if (templateRemovedAtExit()) {
                    Path template = template(workDir, base, bin, ids, runAs);
                    // copied by this process into a directory still its own (nothing of the server user's in it to
                    // follow), then handed to the server user as a whole, links not followed
                    data = dataDirectory(home, workDir, base, null);
                    run(List.of(), home, List.of("/bin/cp", "-a", template + "/.", data.toString()), 120);
                    if (ids != null) {
                        chownTree(home, data, ids[0] + ":" + ids[1]);
                    }
                } else {
                    data = dataDirectory(home, workDir, base, ids);
                    initdb(runAs, home, bin, base, data, ids); // the JVM is exiting: no template to outlive it
                }
            }
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                server = new EmbeddedServer(bin, home, data, port, password, runAs);
                StringBuilder opts = new StringBuilder("-p " + port
                        + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" + " -c max_connections=300");
                config.forEach(
                        (k, v) -> opts.append(" -c ").append(k).append('=').append(v));
                try {
                    run(
                            runAs,
                            home,
                            List.of(
                                    bin.resolve("pg_ctl").toString(),
                                    "-D",
                                    data.toString(),
                                    "-w",
                                    "-t",
                                    "60",
                                    "-o",
                                    opts.toString(),
                                    "start"),
                            90);
                    return server;
                } catch (IOException e) {
                    if (attempt == 3
                            || !Files.readString(home.resolve("server.log")).contains("could not bind")) {
                        throw e;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.close();
            } else {
                new EmbeddedServer(bin, home, data, 0, password, runAs).removeFiles();
            }
            throw e;
        }
    }

    /** A new, empty data directory for {@code home}: its {@code data/}, or one in {@code base} it names. */
    private static Path dataDirectory(Path home, Path workDir, Path base, int[] ids) throws IOException {
        Path data;
        if (base.equals(workDir)) {
            data = Files.createDirectory(
                    home.resolve(DATA),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            data = Files.createTempDirectory(base, DATA_PREFIX);
            Files.writeString(home.resolve(DATA_POINTER), data.toString());
        }
        if (ids != null) {
            chown(data, ids);
        }
        return data;
    }

    /** {@code chown -R} without following links (a link is changed itself, never what it points to). */
    private static void chownTree(Path home, Path data, String owner) throws IOException {
        run(List.of(), home, List.of("/bin/chown", "-R", "--no-dereference", owner, data.toString()), 120);
    }

    /** A template's directory and data directory, and who runs what in them. */
    private record Template(Path home, Path data, List<String> runAs) {

        boolean ready() {
            return Files.isRegularFile(home.resolve(TEMPLATE_READY), LinkOption.NOFOLLOW_LINKS)
                    && Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS);
        }

        void remove() {
            removeFiles(runAs, home, data);
        }
    }

    /**
     * The data directory of the work directory's template, made by initdb the first time
     * (caller holds {@link #TEMPLATES}). A template whose directory went (a removed work
     * directory) is made again.
     */
    private static Path template(Path workDir, Path base, Path bin, int[] ids, List<String> runAs) throws IOException {
        Path key = workDir.toAbsolutePath().normalize();
        Template t = TEMPLATES.get(key);
        if (t != null && t.ready() && t.runAs().equals(runAs)) {
            return t.data();
        }
        if (t != null) {
            TEMPLATES.remove(key);
            t.remove();
        }
        Path home = Files.createTempDirectory(workDir, WorkFiles.EMBEDDED_TEMPLATE);
        Files.writeString(home.resolve(OWNER_FILE), OwnerMarker.ofThisProcess().toString());
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        Path data = home.resolve(DATA);
        try {
            data = dataDirectory(home, workDir, base, ids);
            initdb(runAs, home, bin, base, data, ids);
            if (ids != null) {
                // the template outlives each server: the server user (whatever a restored dump gets to run as it)
                // must not be able to leave anything in it for the next one, so it is this process's from now on
                chownTree(home, data, "0:0");
            }
            Files.writeString(home.resolve(TEMPLATE_READY), "");
        } catch (IOException | RuntimeException e) {
            removeFiles(runAs, home, data);
            throw e;
        }
        TEMPLATES.put(key, new Template(home, data, runAs));
        return data;
    }

    /**
     * Whether a template made now is removed when this JVM exits (a hook, registered once): not
     * when the JVM is exiting already (a restore test that starts while the application stops
     * gets a server of its own, without a template to outlive it). Caller holds {@link #TEMPLATES}.
     */
    private static boolean templateRemovedAtExit() {
        if (exited) {
            return false;
        }
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException e) {
            return false; // shutdown in progress
        }
        Runtime.getRuntime().removeShutdownHook(probe);
        if (!templateHook) {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(EmbeddedServer::removeTemplatesAtExit, "bv-embedded-pg-templates"));
            templateHook = true;
        }
        return true;
    }

    private static void removeTemplatesAtExit() {
        synchronized (TEMPLATES) {
            exited = true; // no template after this one
            removeTemplates();
        }
    }

    /** initdb into an empty data directory: scram, the admin password of this JVM's servers. */
    private static void initdb(List<String> runAs, Path home, Path bin, Path base, Path data, int[] ids)
            throws IOException {
        Path pwfile = Files.createTempFile(base, "bv-pg-pw-", "");
        try {
            Files.writeString(pwfile, ADMIN_PASSWORD + "\n");
            Files.setPosixFilePermissions(pwfile, Set.of(PosixFilePermission.OWNER_READ));
            if (ids != null) {
                chown(pwfile, ids);
            }
            run(
                    runAs,
                    home,
                    List.of(
                            bin.resolve("initdb").toString(),
                            "-A",
                            "scram-sha-256",
                            "--pwfile=" + pwfile,
                            "-U",
                            "postgres",
                            "-D",
                            data.toString(),
                            "-E",
                            "UTF-8",
                            "-N"),
                    120);
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /**
     * Removes this JVM's templates (the JVM exits): a server started after it makes its template
     * again.
     */
    static void removeTemplates() {
        synchronized (TEMPLATES) {
            for (Template t : List.copyOf(TEMPLATES.values())) {
                try {
                    t.remove();
                } catch (UncheckedIOException e) {
                    // left for the orphan cleanup (its owner marker is there until the end)
                }
            }
            TEMPLATES.clear();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    int port() {
        return port;
    }

    String adminPassword() {
        return adminPassword;
    }

    Path home() {
        return home;
    }

    /** An admin connection to one database of this server. */
    Connection connectAdmin(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", adminPassword);
        p.setProperty("connectTimeout", "10");
        p.setProperty("ApplicationName", "backup-verifier admin");
        p.setProperty("options", "-c search_path=pg_catalog,pg_temp");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, p);
    }

    /** Stops the server at once (a throw-away: nothing to flush) and removes its directory. */
    @Override
    public void close() {
        try {
            run(
                    runAs,
                    home,
                    List.of(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            data.toString(),
                            "-m",
                            "immediate",
                            "-w",
                            "-t",
                            "30",
                            "stop"),
                    60);
        } catch (IOException e) {
            OrphanServers.kill(data); // the pid file names the postmaster
        }
        removeFiles();
    }

    private void removeFiles() {
        removeFiles(runAs, home, data);
    }

    private static void removeFiles(List<String> runAs, Path home, Path data) {
        try {
            if (!runAs.isEmpty() && Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
                // as the server user: whatever it left in its directory, it cannot make us follow
                run(runAs, home, List.of("/bin/rm", "-rf", "--one-file-system", data.toString()), 120);
            }
        } catch (IOException e) {
            // removed below as far as possible
        }
        try {
            if (!data.startsWith(home)) {
                OrphanServers.deleteTree(data);
            }
            OrphanServers.deleteTree(home);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot remove the embedded server directory " + home + ": " + e.getMessage(), e);
        }
    }

    private static void run(List<String> runAs, Path home, List<String> command, int seconds) throws IOException {
        List<String> cmd = new ArrayList<>(runAs);
        cmd.addAll(command);
        Path log = home.resolve("server.log");
        try {
            // the server's errors quote the dump's rows: for this process's eyes only (the home is 0711)
            Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // appended to
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("PGOPTIONS");
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(
                        Path.of(command.get(0)).getFileName() + " did not finish within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while " + Path.of(command.get(0)).getFileName() + " ran");
        }
        if (p.exitValue() != 0) {
            String tail = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank())
                    .reduce((a, b) -> b)
                    .orElse("");
            throw new IOException(
                    Path.of(command.get(0)).getFileName() + " failed (exit " + p.exitValue() + "): " + tail);
        }
    }

    /** The numeric uid and gid of a user, from {@code id}. */
    private static int[] ids(String user) throws IOException {
        try {
            return new int[] {Integer.parseInt(output("id", "-u", user)), Integer.parseInt(output("id", "-g", user))};
        } catch (NumberFormatException e) {
            throw new IOException(
                    "EMBEDDED_PG_USER " + user + " is not an OS user here: create it (e.g. useradd --system "
                            + "bv-postgres) or set TEST_DB_HOST to a server of yours");
        }
    }

    private static String output(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static void chown(Path p, int[] ids) throws IOException {
        Files.setAttribute(p, "unix:uid", ids[0], LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", ids[1], LinkOption.NOFOLLOW_LINKS);
    }

    /** The server user can pass {@code dir} and every directory above it (search permission). */
    private static boolean reachable(Path dir, int[] ids) throws IOException {
        for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
            Set<PosixFilePermission> perms =
                    Files.readAttributes(d, PosixFileAttributes.class).permissions();
            int uid = (Integer) Files.getAttribute(d, "unix:uid");
            int gid = (Integer) Files.getAttribute(d, "unix:gid");
            boolean ok = uid == ids[0]
                    ? perms.contains(PosixFilePermission.OWNER_EXECUTE)
                    : gid == ids[1]
                            ? perms.contains(PosixFilePermission.GROUP_EXECUTE)
                            : perms.contains(PosixFilePermission.OTHERS_EXECUTE);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * zonky's PostgreSQL binaries, extracted once into {@code <work>/bv-pg-bin-<hash>} (owned by
     * this process, not writable by anyone else: the server user runs them but cannot change them).
     */
    static Path binaries(Path workDir) throws IOException {
        Path done = binaries;
        if (done != null && Files.isRegularFile(done.resolve(".complete"), LinkOption.NOFOLLOW_LINKS)) {
            return done; // (a work directory removed since, as tests do, has them extracted again)
        }
        synchronized (BINARIES_LOCK) {
            if (binaries != null && Files.isRegularFile(binaries.resolve(".complete"), LinkOption.NOFOLLOW_LINKS)) {
                return binaries;
            }
            String arch = System.getProperty("os.arch").equals("aarch64") ? "arm_64" : "x86_64";
            byte[] archive;
            try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", arch)) {
                archive = in.readAllBytes();
            }
            String hash;
            try {
                hash = HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(archive))
                        .substring(0, 16);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Files.createDirectories(workDir);
            Path target = workDir.resolve("bv-pg-bin-" + hash);
            if (complete(target)) {
                binaries = target;
                return target;
            }
            Path tmp = Files.createTempDirectory(workDir, WorkFiles.BINARIES_UNPACKING);
            try (TarArchiveInputStream tar =
                    new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
                for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                    Path out = tmp.resolve(e.getName()).normalize();
                    if (!out.startsWith(tmp)) {
                        throw new IOException("unexpected path in the PostgreSQL binaries: " + e.getName());
                    }
                    Files.createDirectories(out.getParent());
                    if (e.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (e.isSymbolicLink()) {
                        Files.createSymbolicLink(out, Path.of(e.getLinkName()));
                    } else if (e.isLink()) {
                        Files.createLink(out, tmp.resolve(e.getLinkName()).normalize());
                    } else {
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                    }
                }
            }
            try (var all = Files.walk(tmp)) {
                for (Path d : all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                        .toList()) {
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            Files.writeString(tmp.resolve(".complete"), hash);
            if (!complete(target) && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                OrphanServers.deleteTree(target); // incomplete, or not only ours: never used
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                OrphanServers.deleteTree(tmp); // another process extracted them at the same time
                if (!complete(target)) {
                    throw new IOException("cannot prepare the PostgreSQL binaries in " + target);
                }
            }
            if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                OrphanServers.deleteTree(tmp);
            }
            binaries = target;
            return target;
        }
    }

    /** Binaries extracted completely, by this OS user, writable by nobody else. */
    private static boolean complete(Path dir) throws IOException {
        return Files.isRegularFile(dir.resolve(".complete"), LinkOption.NOFOLLOW_LINKS) && ownedByUsOnly(dir);
    }

    private static boolean ownedByUsOnly(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            return false;
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Object uid = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return uid.equals(self)
                && !a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                && !a.permissions().contains(PosixFilePermission.OTHERS_WRITE);
    }
}
