package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.bootstrap.KnownVariables.Reader;

/**
 * The one list of our environment variables ({@link KnownVariables}) is the documented one and the one the code and
 * scripts read: a variable read but not listed would stop every start that sets it, one listed but not documented
 * would be a setting the operator cannot find, and the service's table must not name one that is refused (session 56).
 */
class KnownVariablesTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern NAME = Pattern.compile("VPS(?:R|ORG)_[A-Z0-9_]*[A-Z0-9]");
    /** A whole string literal that is a name: how main code reads one ({@code env.get("VPSR_PORT")}, constants). */
    private static final Pattern JAVA_LITERAL = Pattern.compile("\"(" + NAME.pattern() + ")\"");
    /** How test code reads one from its own environment. */
    private static final Pattern JAVA_GETENV = Pattern.compile("getenv\\((?:\\)\\.getOrDefault\\()?\"("
            + NAME.pattern() + ")\"");
    /** A shell script's read: {@code $VPSR_X} or {@code ${VPSR_X...}}. */
    private static final Pattern SHELL_READ = Pattern.compile("\\$\\{?(" + NAME.pattern() + ")");

    @Test
    void theServicesVariablesAreExactlyThoseInTheReadmesConfigurationTable() throws IOException {
        assertThat(namesInTable(ROOT.resolve("README.md"), "## Configuration (environment variables)"))
                .isEqualTo(KnownVariables.readBy(Reader.SERVICE));
    }

    @Test
    void everyVariableInTheOperatorDocsSettingsTablesIsOneTheServiceReads() throws IOException {
        Set<String> tabled = new TreeSet<>();
        for (Path doc : List.of(ROOT.resolve("README.md"), ROOT.resolve("docs/deploy.md"))) {
            Files.readAllLines(doc).stream().filter(line -> line.startsWith("|")).forEach(line -> names(line, tabled));
        }
        assertThat(tabled).isNotEmpty();
        assertThat(KnownVariables.readBy(Reader.SERVICE)).containsAll(tabled);
    }

    @Test
    void everyOtherVariableIsDocumentedWhereItsReaderIs() throws IOException {
        assertNamedIn(Reader.VPSR_COMMAND, "docs/cli.md");
        assertNamedIn(Reader.BENCHMARKS, "docs/benchmarks.md", "benchmarks/run", "benchmarks/list-ab",
                "benchmarks/aot-train", "benchmarks/audit-reports.sh", "benchmarks/pair-cost",
                "bootstrap/src/test/java/org/vpsrecovery/bootstrap/benchmark/AuditReportsBenchmark.java");
        assertNamedIn(Reader.TESTS, "README.md", "adapters-persistence/README-persistence.md");
    }

    @Test
    void theListIsExactlyWhatTheCodeAndTheScriptsRead() throws IOException {
        Set<String> read = new TreeSet<>();
        for (String module : List.of("domain", "application", "adapters-http", "adapters-persistence", "simulator",
                "cli", "bootstrap")) {
            for (Path file : javaFiles(ROOT.resolve(module).resolve("src/main/java"))) {
                matches(JAVA_LITERAL, Files.readString(file), read);
            }
            for (Path file : javaFiles(ROOT.resolve(module).resolve("src/test/java"))) {
                matches(JAVA_GETENV, Files.readString(file), read);
            }
        }
        for (Path file : javaFiles(ROOT.resolve("benchmarks"))) {
            matches(JAVA_GETENV, Files.readString(file), read);
        }
        for (Path script : scripts()) {
            matches(SHELL_READ, Files.readString(script), read);
        }
        assertThat(read).as("names read (Java literals, getenv in tests, $NAME in scripts)").contains(
                "VPSR_PAUSED_AFTER_RESTORE", "VPSR_URL", "VPSR_BENCH_JAR", "VPSR_TEST_DB_URL");
        assertThat(new TreeSet<>(KnownVariables.ALL.keySet())).isEqualTo(read);
    }

    private static void assertNamedIn(Reader reader, String... documents) throws IOException {
        Set<String> named = new TreeSet<>();
        for (String document : documents) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(document))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    names(Files.readString(file), named);
                }
            }
        }
        assertThat(named).as(reader + "'s documents " + List.of(documents)).containsAll(KnownVariables.readBy(reader));
    }

    /** The names in the first table after {@code heading}. */
    private static Set<String> namesInTable(Path document, String heading) throws IOException {
        List<String> lines = Files.readAllLines(document);
        int at = lines.indexOf(heading);
        assertThat(at).as(heading + " in " + document).isNotNegative();
        Set<String> names = new TreeSet<>();
        boolean inTable = false;
        for (String line : lines.subList(at + 1, lines.size())) {
            if (line.startsWith("|")) {
                inTable = true;
                names(line, names);
            } else if (inTable) {
                break;
            }
        }
        return names;
    }

    private static void names(String text, Set<String> into) {
        matches(NAME, text, into);
    }

    private static void matches(Pattern pattern, String text, Set<String> into) {
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            into.add(matcher.groupCount() == 0 ? matcher.group() : matcher.group(1));
        }
    }

    private static List<Path> javaFiles(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> file.toString().endsWith(".java")).toList();
        }
    }

    /** The scripts an operator or the build runs: benchmarks/, .ci/, the vpsr launcher, deploy examples. */
    private static List<Path> scripts() throws IOException {
        List<Path> scripts = new java.util.ArrayList<>(List.of(ROOT.resolve("cli/vpsr")));
        for (String directory : List.of("benchmarks", ".ci", "docs/deploy")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(directory))) {
                files.filter(Files::isRegularFile).filter(file -> !file.toString().endsWith(".java"))
                        .forEach(scripts::add);
            }
        }
        return scripts;
    }
}
