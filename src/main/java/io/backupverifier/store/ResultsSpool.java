package io.backupverifier.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results the store could not take, kept until it can: one JSON file per result in the spool
 * directory (so they survive a restart), or in memory when even that cannot be written (a full
 * disk). Each file holds the rows of one result, written in one transaction later.
 */
final class ResultsSpool {

    /** One row to insert: the table, its columns and their values (strings, numbers or null). */
    record Row(String table, List<String> columns, List<Object> values) {}

    /** Writes the rows of one result in one transaction (rows already there are skipped). */
    interface Writer {
        void write(List<Row> rows) throws SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ResultsSpool.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Row>> ROWS = new TypeReference<>() {};
    /** Beyond this many results in memory the oldest are dropped (and said so): memory is not a store. */
    private static final int MEMORY_LIMIT = 10_000;

    private final Path dir;
    private final Queue<List<Row>> memory = new ConcurrentLinkedQueue<>();

    ResultsSpool(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Keeps one result's rows; on disk if possible. */
    void keep(List<Row> rows) {
        try {
            Files.createDirectories(dir);
            String name = System.currentTimeMillis() + "_" + UUID.randomUUID();
            Path tmp = dir.resolve("." + name + ".tmp");
            JSON.writeValue(tmp.toFile(), rows);
            Files.move(tmp, dir.resolve(name + ".json"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            memory.add(rows);
            while (memory.size() > MEMORY_LIMIT) {
                memory.poll();
                LOG.error("Results spool full in memory: the oldest waiting result is lost");
            }
        }
    }

    /** How many results wait; no database is touched. */
    int pending() {
        return memory.size() + files().size();
    }

    /**
     * Writes what waits, oldest first; stops at the first failure of the store (it is still away).
     * A result the store refuses for itself (bad data) is set aside as {@code .rejected}, so it
     * cannot hold back the others. Returns how many were written.
     */
    synchronized int drain(Writer writer) throws SQLException {
        int written = 0;
        for (List<Row> rows = memory.peek(); rows != null; rows = memory.peek()) {
            try {
                writer.write(rows);
                written++;
            } catch (SQLException e) {
                if (!ResultsStore.refused(e)) {
                    throw e;
                }
                LOG.error("A waiting result was refused by the results store and is dropped: {}", e.getMessage());
            }
            memory.poll();
        }
        for (Path f : files()) {
            try {
                writer.write(JSON.readValue(f.toFile(), ROWS));
                written++;
                Files.deleteIfExists(f); // if this fails, the next drain finds its id in the store and skips it
            } catch (IOException | SQLException e) {
                if (e instanceof SQLException s && !ResultsStore.refused(s)) {
                    throw s;
                }
                LOG.error(
                        "Waiting result {} cannot be written ({}); set aside as .rejected",
                        f.getFileName(),
                        e.getMessage());
                try {
                    Files.move(f, f.resolveSibling(f.getFileName() + ".rejected"), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException moveFailed) {
                    LOG.error("Cannot set aside {}: {}", f, moveFailed.getMessage());
                }
            }
        }
        return written;
    }

    private List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList());
        } catch (IOException e) {
            return List.of();
        }
    }
}
