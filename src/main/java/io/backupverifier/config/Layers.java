package io.backupverifier.config;

import io.github.cdimascio.dotenv.Dotenv;
import io.github.cdimascio.dotenv.DotenvException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The raw configuration, layer over layer, each value with where it came from: the defaults
 * (the catalogue's, and Camel's own in the {@code application.properties} shipped in the jar),
 * the operator's {@code application.properties}, a {@code .env} in the working directory, the
 * environment, and command-line flags. Later layers win. Nothing is parsed here; unknown keys
 * are noted.
 */
final class Layers {

    /** Where a value came from, as {@code config} shows it. */
    enum Source {
        DEFAULT("default"),
        PROPERTIES("application.properties"),
        DOTENV(".env"),
        ENVIRONMENT("environment"),
        COMMAND_LINE("command line");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** Camel's own settings ({@code camel.main.*}, {@code camel.component.*}, ...): passed to Camel as they are. */
    static final String CAMEL_PREFIX = "camel.";
    /** The defaults of Camel's own settings, shipped in the jar; the operator's file overrides each key. */
    static final String CAMEL_DEFAULTS = "/application.properties";

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final List<ConfigNotice> notices = new ArrayList<>();

    private Layers() {}

    /**
     * Reads every layer.
     *
     * @param configFile the operator's {@code application.properties}; missing means none
     * @param workDir    where a {@code .env} is looked for
     * @param env        the process environment
     * @param overrides  property values that win over everything (command-line flags such as --dir)
     */
    static Layers read(Path configFile, Path workDir, Map<String, String> env, Map<String, String> overrides)
            throws ConfigException {
        Layers l = new Layers();
        Catalogue.ALL.forEach(s -> l.put(s.property(), s.defaultValue(), Source.DEFAULT));
        Properties camelDefaults = camelDefaults();
        camelDefaults.stringPropertyNames().stream()
                .sorted()
                .forEach(k -> l.put(k, camelDefaults.getProperty(k).strip(), Source.DEFAULT));
        if (Files.isRegularFile(configFile)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException("Cannot read " + configFile + ": " + e.getMessage());
            }
            List<String> keys = p.stringPropertyNames().stream().sorted().toList();
            Catalogue.ALL.stream()
                    .filter(s -> p.getProperty(s.property()) != null)
                    .forEach(
                            s -> l.put(s.property(), p.getProperty(s.property()).strip(), Source.PROPERTIES));
            keys.stream()
                    .filter(k -> k.startsWith(CAMEL_PREFIX))
                    .forEach(k -> l.put(k, p.getProperty(k).strip(), Source.PROPERTIES));
            l.notices.addAll(UnknownKeys.inProperties(keys));
        }
        Map<String, String> dotenv = readDotenv(workDir);
        l.notices.addAll(UnknownKeys.inEnvironment(dotenv, Source.DOTENV.label()));
        l.notices.addAll(UnknownKeys.inEnvironment(env, Source.ENVIRONMENT.label()));
        for (Setting s : Catalogue.ALL) {
            if (dotenv.containsKey(s.env())) {
                l.put(s.property(), dotenv.get(s.env()).strip(), Source.DOTENV);
            }
            if (env.containsKey(s.env())) {
                l.put(s.property(), env.get(s.env()).strip(), Source.ENVIRONMENT);
            }
        }
        overrides.forEach((k, v) -> l.put(k, v, Source.COMMAND_LINE));
        return l;
    }

    Map<String, String> values() {
        return values;
    }

    Map<String, Source> sources() {
        return sources;
    }

    List<ConfigNotice> notices() {
        return notices;
    }

    /** Sets a value and where it came from. */
    void put(String key, String value, Source source) {
        values.put(key, value);
        sources.put(key, source);
    }

    /** The camel.* keys of the application.properties in the jar. */
    private static Properties camelDefaults() {
        Properties p = new Properties();
        try (InputStream in = Layers.class.getResourceAsStream(CAMEL_DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(CAMEL_DEFAULTS + " is missing from the jar");
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + CAMEL_DEFAULTS + " from the jar: " + e.getMessage(), e);
        }
        p.stringPropertyNames().stream()
                .filter(k -> !k.startsWith(CAMEL_PREFIX))
                .forEach(k -> {
                    throw new IllegalStateException(
                            CAMEL_DEFAULTS + " in the jar holds Camel's settings only, not " + k);
                });
        return p;
    }

    private static Map<String, String> readDotenv(Path workDir) throws ConfigException {
        if (!Files.exists(workDir.resolve(".env"))) {
            // the usual case, decided here: dotenv-java would look for the file on the class path too (never there)
            // and compile its patterns first, a few per cent of a one-shot command's start-up
            return new LinkedHashMap<>();
        }
        try {
            Map<String, String> m = new LinkedHashMap<>();
            Dotenv.configure()
                    .directory(workDir.toString())
                    .ignoreIfMissing()
                    .load()
                    .entries(Dotenv.Filter.DECLARED_IN_ENV_FILE)
                    .forEach(e -> m.put(e.getKey(), e.getValue()));
            return m;
        } catch (DotenvException e) {
            throw new ConfigException("Cannot read " + workDir.resolve(".env") + ": " + e.getMessage());
        }
    }
}
