package io.backupverifier.sidecar;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backupverifier.catalog.RegularFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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

    /** A sidecar is flat; anything nested deeper than this is not one (and must not exhaust the stack). */
    static final int MAX_SIDECAR_DEPTH = 32;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // {"sha256": good, "sha256": evil} is refused
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_SIDECAR_DEPTH)
                    .build())
            .build());

    /** How far ahead of this host's clock a {@code created_at} may be (clocks of two hosts differ a little). */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(5);

    private final RegularFiles files;
    private final Clock clock;
    private final Duration clockSkew;

    /**
     * @param files     sidecars are read under its rule: regular files only, links only inside the backup directory
     * @param clock     the time {@code created_at} is compared with
     * @param clockSkew a {@code created_at} further in the future than this is a lie: it would make the
     *                  backup the latest and its category fresh forever
     */
    public MetadataReader(RegularFiles files, Clock clock, Duration clockSkew) {
        this.files = files;
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    /** Each backup's own directory plays the backup directory's part (tests, restore tests of a named file). */
    public MetadataReader() {
        this(null, Clock.systemUTC(), DEFAULT_CLOCK_SKEW);
    }

    /** {@code X.meta.json} for backup {@code X}, next to it, the backup's name kept byte for byte. */
    public static Path sidecarOf(Path backup) {
        return RegularFiles.sibling(backup, ".meta.json");
    }

    public static Path sha256FileOf(Path backup) {
        return RegularFiles.sibling(backup, ".sha256");
    }

    private RegularFiles filesFor(Path backup) {
        return files != null
                ? files
                : new RegularFiles(backup.toAbsolutePath().normalize().getParent());
    }

    /** The sidecar of {@code backup}; never throws: one bad sidecar affects only its own backup. */
    public Metadata read(Path backup, long actualSize) {
        try {
            return readUnsafe(backup, actualSize);
        } catch (RuntimeException | StackOverflowError e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Metadata(
                    true,
                    List.of("metadata file " + sidecarOf(backup).getFileName() + " cannot be read: " + abbreviate(why)),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
    }

    private Metadata readUnsafe(Path backup, long actualSize) {
        RegularFiles rules = filesFor(backup);
        String[] shaFile = readSha256File(backup, rules);
        Path sidecar = sidecarOf(backup);
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            byte[] text = rules.readSmall(sidecar, MAX_SIDECAR_BYTES);
            root = JSON.readTree(new String(text, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            problems.add("metadata file missing: " + sidecar.getFileName());
            return new Metadata(
                    false, problems, null, null, null, null, null, null, null, null, shaFile[0], shaFile[1]);
        } catch (RegularFiles.RefusedFileException e) {
            problems.add("metadata file " + e.getMessage());
            return new Metadata(true, problems, null, null, null, null, null, null, null, null, shaFile[0], shaFile[1]);
        } catch (JsonProcessingException e) {
            // a constraint violation (nesting too deep) has no location
            String at = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            problems.add("metadata file " + sidecar.getFileName() + " is not valid JSON: "
                    + abbreviate(e.getOriginalMessage()) + at);
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
                problems.add(
                        "'created_at' is not an ISO-8601 timestamp with offset or Z: '" + abbreviate(created) + "'");
            }
            Instant latestPossible = clock.instant().plus(clockSkew);
            if (createdAt != null && createdAt.isAfter(latestPossible)) {
                problems.add("'created_at' " + created + " is in the future (more than "
                        + clockSkew.toString().substring(2).toLowerCase() + " ahead of this host's clock)");
                createdAt = null; // never the latest backup, never fresh, because of a date it cannot have
            }
        }

        String sha = text(root, "sha256", problems);
        if (sha == null) {
            if (shaFile[0] == null) {
                problems.add("required field 'sha256' is missing (and there is no "
                        + sha256FileOf(backup).getFileName() + ")");
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
        String actualName = RegularFiles.utf8Name(backup); // as UTF-8, like the JSON, whatever the locale
        if (fileName != null && !fileName.equals(actualName)) {
            problems.add("'file' is '" + abbreviate(fileName) + "' but the backup is named '" + actualName + "'");
        }
        String category = oneOf(root, "category", Set.copyOf(Category.ids()), problems);
        String databaseType = oneOf(root, "database_type", DATABASE_TYPES, problems);
        String format = oneOf(root, "format", FORMATS, problems);
        String database = text(root, "database", problems);
        return new Metadata(
                true,
                List.copyOf(problems),
                createdAt,
                sha,
                sizeBytes,
                fileName,
                database,
                databaseType,
                format,
                category,
                shaFile[0],
                shaFile[1]);
    }

    /** [checksum, problem] from {@code X.sha256} in sha256sum format; both null when there is no such file. */
    private static String[] readSha256File(Path backup, RegularFiles rules) {
        Path f = sha256FileOf(backup);
        try {
            String name = RegularFiles.utf8Name(backup);
            String text = new String(rules.readSmall(f, MAX_SIDECAR_BYTES), StandardCharsets.UTF_8);
            String found = null;
            for (String line : text.split("\\R")) {
                Matcher m = SHA256SUM_LINE.matcher(line.strip());
                if (m.matches()) {
                    String listed = m.group(2).strip();
                    if (listed.isEmpty()
                            || listed.equals(name)
                            || listed.substring(listed.lastIndexOf('/') + 1).equals(name)) {
                        String sha = m.group(1).toLowerCase();
                        if (found != null && !found.equals(sha)) {
                            // sha256sum -c would fail one of them: which one is the truth is unknown
                            return new String[] {null, f.getFileName() + " lists different checksums for " + name};
                        }
                        found = sha;
                    }
                }
            }
            return found != null
                    ? new String[] {found, null}
                    : new String[] {null, f.getFileName() + " has no sha256sum line for " + name};
        } catch (NoSuchFileException e) {
            return new String[] {null, null};
        } catch (RegularFiles.RefusedFileException e) {
            return new String[] {null, e.getMessage()};
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
            problems.add("'" + field + "' is '" + abbreviate(v) + "', not one of "
                    + String.join(", ", allowed.stream().sorted().toList()));
            return null;
        }
        return v;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
