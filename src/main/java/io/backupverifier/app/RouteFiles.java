package io.backupverifier.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which files of {@code routes/} a one-shot command needs: the routes behind the
 * {@code direct:} endpoints it calls, the routes those call, and every route configuration
 * (error handling), found by reading the YAML files as text. A command that verifies one
 * file then parses and starts five routes instead of sixteen.
 *
 * <p>A command names the endpoints it will not reach in this run (a branch behind a flag it
 * did not give, such as {@code direct:report-run} without {@code --report}); those and what
 * only they call are left out. An endpoint that no file defines means the routes are not the
 * ones this selection understands: then nothing is left out.
 */
public final class RouteFiles {

    private static final Pattern FROM_DIRECT = Pattern.compile("(?m)^\\s*from:\\s*\\n\\s*uri:\\s*\"?direct:([\\w-]+)");
    private static final Pattern DIRECT = Pattern.compile("direct:([\\w-]+)");
    private static final Pattern ROUTE_CONFIGURATION = Pattern.compile("(?m)^\\s*-\\s*routeConfiguration:");
    /**
     * What Camel's YAML pre-parse acts on: a beans section, or a Kubernetes-style resource (a Pipe), as a key in any
     * YAML form (block or flow style, quoted, after a byte-order mark); a false match only costs the second parse.
     */
    private static final Pattern PRE_PARSED =
            Pattern.compile("(?m)(^|[\\s{,\\-\\uFEFF])[\"']?(beans|apiVersion|kind)[\"']?\\s*:");

    /** One route file: the direct endpoints its routes consume, and those it sends to. */
    private record RouteFile(Path file, Set<String> defines, Set<String> calls, boolean configuration) {}

    private final Map<String, RouteFile> byName = new TreeMap<>();

    private RouteFiles(Path dir, Collection<String> excluded) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.yaml")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (excluded.stream().anyMatch(name::startsWith)) {
                    continue;
                }
                String text = withoutComments(Files.readString(f, StandardCharsets.UTF_8));
                Set<String> defines = names(FROM_DIRECT.matcher(text));
                Set<String> calls = names(DIRECT.matcher(text));
                calls.removeAll(defines);
                byName.put(
                        name,
                        new RouteFile(
                                f,
                                defines,
                                calls,
                                ROUTE_CONFIGURATION.matcher(text).find()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the routes in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The route files (absolute paths) for a command that calls {@code entries} and will not
     * reach {@code unreached} in this run; empty when the selection cannot be made safely (load all).
     *
     * @param excluded file name prefixes never loaded in this mode (the watcher, the timers)
     */
    public static Optional<List<Path>> select(
            Path dir, Collection<String> excluded, Collection<String> entries, Collection<String> unreached) {
        return new RouteFiles(dir, excluded).closure(entries, unreached);
    }

    /**
     * Whether a route file in {@code dir} holds what only Camel's pre-parse of the routes acts on (a
     * {@code beans:} section, a Pipe); when none does (or a file cannot be read), the routes need
     * to be parsed only once.
     */
    public static boolean needPreParse(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.yaml")) {
            for (Path f : files) {
                if (PRE_PARSED
                        .matcher(withoutComments(Files.readString(f, StandardCharsets.UTF_8)))
                        .find()) {
                    return true;
                }
            }
            return false;
        } catch (IOException | UncheckedIOException e) {
            return true; // Camel reads them as it always does, and says what is wrong
        }
    }

    private Optional<List<Path>> closure(Collection<String> entries, Collection<String> unreached) {
        Map<String, RouteFile> definedBy = new HashMap<>();
        for (RouteFile f : byName.values()) {
            for (String d : f.defines()) {
                definedBy.put(d, f);
            }
        }
        // by path: a record's own hashCode is bootstrapped on first use, which costs a command's start-up more than
        // this whole selection
        Set<Path> chosen = new LinkedHashSet<>();
        for (RouteFile f : byName.values()) {
            if (f.configuration()) {
                chosen.add(f.file());
            }
        }
        Deque<String> todo = new ArrayDeque<>(entries);
        Set<String> seen = new HashSet<>(unreached);
        while (!todo.isEmpty()) {
            String endpoint = todo.pop();
            if (!seen.add(endpoint)) {
                continue;
            }
            RouteFile f = definedBy.get(endpoint);
            if (f == null) {
                return Optional.empty(); // not the routes we know: load them all
            }
            if (chosen.add(f.file())) {
                todo.addAll(f.calls());
                todo.addAll(f.defines()); // a file's other routes come with it
            }
        }
        return Optional.of(List.copyOf(chosen));
    }

    /** The text with its whole-line comments emptied (a line break stays), read line by line rather than by a regex. */
    private static String withoutComments(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end + 1;
            String line = text.substring(start, end);
            if (!line.strip().startsWith("#")) {
                out.append(line);
            } else if (line.endsWith("\n")) {
                out.append('\n');
            }
            start = end;
        }
        return out.toString();
    }

    private static Set<String> names(Matcher m) {
        Set<String> out = new LinkedHashSet<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
