package org.vpsrecovery.bootstrap.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The built jar refuses an AOT cache not made from it (ADR 0144): JDK 25 would run the cache's old classes. The cache
 * here is not a real one: under the default AOTMode=auto the JVM warns that it cannot map it and goes on, so the
 * guard in main still runs. The option comes through an argument file, as docs/deploy.md's deployment gives options.
 */
class StaleAotCacheIT {

    @Test
    void aCacheOlderThanTheJarWithoutARecordStopsTheStartWithBothFilesNamed() throws IOException {
        Path directory = ServiceProcess.newDirectory("stale-aot-cache");
        Path jar = builtJar();
        Path cache = Files.writeString(directory.resolve("vps-recovery.aot"), "last release's cache");
        Files.setLastModifiedTime(cache, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 86_400_000L));

        assertRefused("stale-aot-cache", directory, cache, jar);
    }

    @Test
    void aCacheWhoseRecordNamesAnotherJarStopsTheStart() throws IOException {
        Path directory = ServiceProcess.newDirectory("foreign-aot-cache");
        Path jar = builtJar();
        Path cache = Files.writeString(directory.resolve("vps-recovery.aot"), "another build's cache");
        Files.writeString(Path.of(cache + ".jar.properties"), "jar.size=" + (Files.size(jar) + 1)
                + "\njar.modified-epoch-seconds=" + Files.getLastModifiedTime(jar).toInstant().getEpochSecond() + "\n");

        assertRefused("foreign-aot-cache", directory, cache, jar);
    }

    private static void assertRefused(String name, Path directory, Path cache, Path jar) throws IOException {
        Path options = Files.writeString(directory.resolve("jvm.options"), "-XX:+UseSerialGC\n-XX:AOTCache=" + cache + "\n");
        try (ServiceProcess refused = ServiceProcess.builder(name).jvmOptions("@" + options).launch()) {
            int exitCode = refused.awaitExit(Duration.ofSeconds(60));

            assertThat(exitCode).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).contains("vps-recovery cannot start: the AOT cache " + cache
                    + " was not made from " + jar, "remake it with benchmarks/aot-train, or start without -XX:AOTCache")
                    .doesNotContain("\tat ");
            assertThat(refused.stdout()).doesNotContain("listening on");
        }
    }

    private static Path builtJar() {
        return Path.of(System.getProperty("vpsr.service.jar", "target/vps-recovery.jar")).toAbsolutePath();
    }
}
