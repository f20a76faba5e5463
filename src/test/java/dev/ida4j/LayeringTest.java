package dev.ida4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The structure the package docs state holds in the code: each top-level package of {@code dev.ida4j} imports only
 * the packages its {@code package-info.java} lists after "May import:", and no import circle joins the packages.
 */
class LayeringTest {
    private static final Path ROOT = Path.of("src", "main", "java", "dev", "ida4j");
    private static final Pattern IMPORT =
            Pattern.compile("^import (?:static )?dev\\.ida4j\\.(\\w+)", Pattern.MULTILINE);
    private static final Pattern ALLOWED = Pattern.compile("May import:([^.]*)\\.");
    private static final Pattern CODE = Pattern.compile("\\{@code (\\w+)}");

    @Test
    void shouldImportOnlyWhatEachPackageDocAllows() throws IOException {
        Map<String, Set<String>> allowed = allowed();
        List<String> violations = new ArrayList<>();
        imports().forEach((pkg, used) -> used.forEach(u -> {
            if (!allowed.get(pkg).contains(u.target)) {
                violations.add(u.file + " imports dev.ida4j." + u.target + ", which " + pkg + "'s package doc does"
                        + " not list");
            }
        }));
        assertThat(violations).isEmpty();
    }

    @Test
    void shouldJoinThePackagesWithoutACircle() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        imports().forEach((pkg, used) -> graph.put(pkg, new TreeSet<>(used.stream().map(u -> u.target).toList())));
        for (String start : graph.keySet()) {
            assertThat(reachable(graph, start)).as("packages reachable by imports from %s", start)
                    .doesNotContain(start);
        }
    }

    private record Use(Path file, String target) {
    }

    /** Each top-level package's imports of other ida4j packages, its subpackages' included. */
    private static Map<String, List<Use>> imports() throws IOException {
        Map<String, List<Use>> out = new TreeMap<>();
        for (Path dir : topLevel()) {
            String pkg = dir.getFileName().toString();
            List<Use> uses = new ArrayList<>();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    while (m.find()) {
                        if (!m.group(1).equals(pkg)) {
                            uses.add(new Use(f, m.group(1)));
                        }
                    }
                }
            }
            out.put(pkg, uses);
        }
        return out;
    }

    /** The packages each top-level package's doc allows it to import; a doc without the line fails. */
    private static Map<String, Set<String>> allowed() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Path dir : topLevel()) {
            Path doc = dir.resolve("package-info.java");
            assertThat(doc).as("every top-level package has a doc").exists();
            Matcher m = ALLOWED.matcher(Files.readString(doc).replaceAll("\\s*\\*\\s*", " "));
            assertThat(m.find()).as("%s says what it may import (\"May import: ...\")", doc).isTrue();
            Set<String> names = new TreeSet<>();
            Matcher code = CODE.matcher(m.group(1));
            while (code.find()) {
                names.add(code.group(1));
            }
            out.put(dir.getFileName().toString(), names);
        }
        return out;
    }

    private static List<Path> topLevel() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static Set<String> reachable(Map<String, Set<String>> graph, String start) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(graph.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String next = todo.removeLast();
            if (seen.add(next)) {
                todo.addAll(graph.getOrDefault(next, Set.of()));
            }
        }
        return seen;
    }
}
