package io.backupverifier.restore;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which process made a test server or test database: its PID and start time (a PID alone is
 * reused), and the host. Left behind by a killed process, it tells the next start that the
 * owner is dead and the leftover can go at once.
 */
record OwnerMarker(long pid, long startMillis, String host) {

    private static final Pattern FORMAT = Pattern.compile("backup-verifier pid=(\\d+) start=(\\d+) host=(\\S+)");

    static OwnerMarker ofThisProcess() {
        ProcessHandle self = ProcessHandle.current();
        return new OwnerMarker(self.pid(), startOf(self).orElse(0L), hostName());
    }

    static Optional<OwnerMarker> parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text);
        if (m == null || !m.find()) {
            return Optional.empty();
        }
        return Optional.of(new OwnerMarker(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3)));
    }

    /** True unless this marker's process is known to be gone (another host's processes are not known here). */
    boolean mayBeAlive() {
        if (!host.equals(hostName())) {
            return true;
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .flatMap(OwnerMarker::startOf)
                .map(start -> start == startMillis)
                .orElse(false);
    }

    private static Optional<Long> startOf(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli);
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("\\s", "_");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    @Override
    public String toString() {
        return "backup-verifier pid=" + pid + " start=" + startMillis + " host=" + host;
    }
}
