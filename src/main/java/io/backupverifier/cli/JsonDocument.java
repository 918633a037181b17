package io.backupverifier.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.backupverifier.report.JsonReport;
import java.time.Instant;

/**
 * The one JSON document a {@code --json} command prints (DESIGN.md section 7): always with
 * {@code "version"} and {@code "generated_at"}, and on an error an {@code "error"} object with
 * the message and the exit code. Times are ISO-8601 UTC, durations milliseconds, sizes bytes.
 */
final class JsonDocument {

    static final String VERSION = JsonReport.VERSION;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonDocument() {}

    static ObjectNode start(CliContext ctx) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("generated_at", Instant.now(ctx.clock()).toString());
        return root;
    }

    static void print(CliContext ctx, ObjectNode root) {
        try {
            ctx.out().println(JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints the error document and returns its exit code. */
    static int error(CliContext ctx, String message, int exit) {
        ObjectNode root = start(ctx);
        root.putObject("error").put("message", message).put("exit_code", exit);
        print(ctx, root);
        return exit;
    }

    static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
