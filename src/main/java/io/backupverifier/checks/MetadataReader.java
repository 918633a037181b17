package io.backupverifier.checks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the sidecar of a backup (DESIGN.md section 4). Never throws: problems are data. */
public final class MetadataReader {

    /** A sidecar is a few hundred bytes; anything this large is not one. */
    static final long MAX_SIDECAR_BYTES = 1024 * 1024;
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern SHA256SUM_LINE = Pattern.compile("^\\\\?([0-9a-fA-F]{64})\\s[ *]?(.*)$");
    private static final Set<String> DATABASE_TYPES = Set.of("postgresql", "sqlite");
    private static final Set<String> FORMATS = Set.of("plain", "custom", "sqlite", "tar");

    private final ObjectMapper json = new ObjectMapper();

    public static Path sidecarOf(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".meta.json");
    }

    public static Path sha256FileOf(Path backup) {
        return backup.resolveSibling(backup.getFileName() + ".sha256");
    }

    public Metadata read(Path backup, long actualSize) {
        String[] shaFile = readSha256File(backup);
        Path sidecar = sidecarOf(backup);
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            if (Files.size(sidecar) > MAX_SIDECAR_BYTES) {
                problems.add("metadata file " + sidecar.getFileName() + " is larger than 1 MiB: not a sidecar");
                return new Metadata(true, problems, null, null, null, null, null, null, null, null, shaFile[0], shaFile[1]);
            }
            root = json.readTree(Files.readString(sidecar, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            problems.add("metadata file missing: " + sidecar.getFileName());
            return new Metadata(false, problems, null, null, null, null, null, null, null, null, shaFile[0], shaFile[1]);
        } catch (JsonProcessingException e) {
            problems.add("metadata file " + sidecar.getFileName() + " is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
            return new Metadata(true, problems, null, null, null, null, null, null, null, null, shaFile[0], shaFile[1]);
        } catch (IOException e) {
            problems.add("metadata file " + sidecar.getFileName() + " cannot be read: " + e.getMessage());
            return new Metadata(true, problems, null, null, null, null, null, null, null, null, shaFile[0], shaFile[1]);
        }
        if (root == null || !root.isObject()) {
            problems.add("metadata file " + sidecar.getFileName() + " is not a JSON object");
            return new Metadata(true, problems, null, null, null, null, null, null, null, null, shaFile[0], shaFile[1]);
        }

        Instant createdAt = null;
        String created = text(root, "created_at", problems);
        if (created == null) {
            problems.add("required field 'created_at' is missing");
        } else {
            try {
                createdAt = OffsetDateTime.parse(created).toInstant();
            } catch (DateTimeParseException e) {
                problems.add("'created_at' is not an ISO-8601 timestamp with offset or Z: '" + created + "'");
            }
        }

        String sha = text(root, "sha256", problems);
        if (sha == null) {
            if (shaFile[0] == null) {
                problems.add("required field 'sha256' is missing (and there is no " + sha256FileOf(backup).getFileName() + ")");
            }
        } else if (!HEX64.matcher(sha).matches()) {
            problems.add("'sha256' is not 64 hex digits: '" + abbreviate(sha) + "'");
            sha = null;
        } else {
            sha = sha.toLowerCase();
        }

        Long sizeBytes = null;
        JsonNode size = root.get("size_bytes");
        if (size != null && !size.isNull()) {
            if (size.canConvertToLong() && size.isIntegralNumber()) {
                sizeBytes = size.asLong();
                if (actualSize >= 0 && sizeBytes != actualSize) {
                    problems.add("'size_bytes' is " + sizeBytes + " but the file has " + actualSize + " bytes");
                }
            } else {
                problems.add("'size_bytes' is not a whole number: " + abbreviate(size.toString()));
            }
        }

        String fileName = text(root, "file", problems);
        String actualName = backup.getFileName().toString();
        if (fileName != null && !fileName.equals(actualName)) {
            problems.add("'file' is '" + abbreviate(fileName) + "' but the backup is named '" + actualName + "'");
        }
        String category = oneOf(root, "category", Set.copyOf(Metadata.CATEGORIES), problems);
        String databaseType = oneOf(root, "database_type", DATABASE_TYPES, problems);
        String format = oneOf(root, "format", FORMATS, problems);
        String database = text(root, "database", problems);
        return new Metadata(true, List.copyOf(problems), createdAt, sha, sizeBytes, fileName, database, databaseType,
                format, category, shaFile[0], shaFile[1]);
    }

    /** [checksum, problem] from {@code X.sha256} in sha256sum format; both null when there is no such file. */
    private static String[] readSha256File(Path backup) {
        Path f = sha256FileOf(backup);
        try {
            if (Files.size(f) > MAX_SIDECAR_BYTES) {
                return new String[] {null, f.getFileName() + " is larger than 1 MiB"};
            }
            String name = backup.getFileName().toString();
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                Matcher m = SHA256SUM_LINE.matcher(line.strip());
                if (m.matches()) {
                    String listed = m.group(2).strip();
                    if (listed.isEmpty() || listed.equals(name) || Path.of(listed).getFileName().toString().equals(name)) {
                        return new String[] {m.group(1).toLowerCase(), null};
                    }
                }
            }
            return new String[] {null, f.getFileName() + " has no sha256sum line for " + name};
        } catch (NoSuchFileException e) {
            return new String[] {null, null};
        } catch (IOException | RuntimeException e) {
            return new String[] {null, f.getFileName() + " cannot be read: " + e.getMessage()};
        }
    }

    private static String text(JsonNode root, String field, List<String> problems) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            problems.add("'" + field + "' is not a string: " + abbreviate(n.toString()));
            return null;
        }
        return n.asText();
    }

    private static String oneOf(JsonNode root, String field, Set<String> allowed, List<String> problems) {
        String v = text(root, field, problems);
        if (v != null && !allowed.contains(v)) {
            problems.add("'" + field + "' is '" + abbreviate(v) + "', not one of " + String.join(", ", allowed.stream().sorted().toList()));
            return null;
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
