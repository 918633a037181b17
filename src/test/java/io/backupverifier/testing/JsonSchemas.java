package io.backupverifier.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The JSON Schemas in docs/schema, by file name; {@link #errors} says why a document does not match. */
public final class JsonSchemas {

    private static final Path DIR = Path.of("docs", "schema");
    private static final String ID_PREFIX = "https://backup-verifier.example/schema/";

    private JsonSchemas() {}

    /** The ways {@code json} breaks {@code docs/schema/<schemaFile>}; empty when it matches. */
    public static List<String> errors(String schemaFile, String json) {
        Map<String, String> schemas = new HashMap<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                schemas.put(ID_PREFIX + f.getFileName(), Files.readString(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SchemaRegistry registry =
                SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b.schemas(schemas));
        return registry.getSchema(SchemaLocation.of(ID_PREFIX + schemaFile)).validate(json, InputFormat.JSON).stream()
                .map(Error::toString)
                .toList();
    }
}
