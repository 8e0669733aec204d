package org.vpsrecovery.bootstrap.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The jar every *IT starts holds this build's classes of every module. A second {@code package}
 * without {@code clean} once shaded the previous shaded jar again, whose stale copies of the other
 * modules' classes came first: the processes under test ran yesterday's code.
 */
class BuiltJarIT {

    private static final List<String> MODULES = List.of("domain", "application", "adapters-http",
            "adapters-persistence", "simulator", "bootstrap");

    @Test
    void theShadedJarHoldsThisBuildsClassesOfEveryModule() throws IOException {
        Path jar = builtJar();
        Path root = jar.getParent().getParent().getParent();
        List<String> compared = new ArrayList<>();
        List<String> different = new ArrayList<>();
        try (ZipFile shaded = new ZipFile(jar.toFile())) {
            for (String module : MODULES) {
                Path classes = root.resolve(module).resolve("target/classes");
                assertThat(classes).as("%s was built in this tree", module).isDirectory();
                try (Stream<Path> files = Files.walk(classes)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                        String name = classes.relativize(file).toString().replace('\\', '/');
                        ZipEntry entry = shaded.getEntry(name);
                        compared.add(name);
                        if (entry == null) {
                            different.add(name + " (missing)");
                            continue;
                        }
                        try (InputStream inJar = shaded.getInputStream(entry)) {
                            if (!java.util.Arrays.equals(inJar.readAllBytes(), Files.readAllBytes(file))) {
                                different.add(name);
                            }
                        }
                    }
                }
            }
        }
        assertThat(compared).hasSizeGreaterThan(100);
        assertThat(different).as("classes in %s that are not this build's", jar).isEmpty();
    }

    /**
     * Netty's native epoll loader (ADR 0118) calls restricted methods: without {@code Enable-Native-Access} JDK 25
     * warns at every start, and a JDK that blocks them would fall back to NIO silently. Without
     * {@code Multi-Release} the JVM ignores the {@code META-INF/versions} classes shaded in from jackson-core,
     * reactor-core and logback, so the jar would run other code than the tests' class path does.
     */
    @Test
    void theManifestGrantsNativeAccessAndKeepsTheMultiReleaseClasses() throws IOException {
        try (JarFile shaded = new JarFile(builtJar().toFile())) {
            Attributes main = shaded.getManifest().getMainAttributes();
            assertThat(main.getValue("Enable-Native-Access")).isEqualTo("ALL-UNNAMED");
            assertThat(main.getValue(Attributes.Name.MULTI_RELEASE)).isEqualTo("true");
            assertThat(shaded.stream().map(ZipEntry::getName))
                    .as("the versioned classes the manifest's Multi-Release is for")
                    .anyMatch(name -> name.startsWith("META-INF/versions/"));
        }
    }

    /**
     * The application module logs through {@code System.Logger}; from the jar, with nothing but the jar on the class
     * path, such a line is one line on standard output in the service's pattern, with its request id. Before session
     * 47 the JDK's own logger wrote it to standard error ("SEVERE:", two lines, no request id).
     */
    @Test
    void anApplicationLineIsOneLineOnStandardOutputInTheServicesPattern() throws Exception {
        Path directory = ServiceProcess.newDirectory("application-log-line");
        Path source = Files.writeString(directory.resolve("ApplicationLine.java"), """
                public class ApplicationLine {
                    public static void main(String[] args) {
                        org.slf4j.MDC.put("request_id", "r-jar");
                        System.getLogger("org.vpsrecovery.application.attempt.AuditWriter").log(System.Logger.Level.ERROR,
                                "an audit event {0} cannot be kept either; it waits in this instance''s memory only", "e-1");
                    }
                }
                """);
        Path stdout = directory.resolve("stdout.log");
        Path stderr = directory.resolve("stderr.log");
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", builtJar().toString(), source.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertThat(java.waitFor(2, TimeUnit.MINUTES)).as("the launch ended").isTrue();

        assertThat(java.exitValue()).as(Files.readString(stderr)).isZero();
        assertThat(Files.readString(stdout)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ERROR \\[main\\] "
                + "\\[request_id=r-jar\\] o\\.v\\.application\\.attempt\\.AuditWriter - an audit event e-1 cannot be kept "
                + "either; it waits in this instance's memory only\\R");
        assertThat(Files.readString(stderr)).doesNotContain("audit event");
    }

    private static Path builtJar() {
        return Path.of(System.getProperty("vpsr.service.jar", "target/vps-recovery.jar")).toAbsolutePath();
    }
}
