package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start given an AOT cache made from another jar is refused (ADR 0144): the JDK itself runs the cached classes. */
class AotCacheGuardTest {

    private static final Instant JAR_BUILT = Instant.parse("2026-12-06T12:00:00Z");

    @TempDir
    Path directory;

    @Test
    void aCacheWhoseRecordNamesThisJarStarts() throws IOException {
        Path jar = jar(1_000);
        Path cache = cache(JAR_BUILT.minusSeconds(3_600));
        record(cache, 1_000, JAR_BUILT);

        assertThatCode(() -> AotCacheGuard.check(cache.toString(), jar.toString())).doesNotThrowAnyException();
    }

    @Test
    void aCacheWhoseRecordNamesAJarOfAnotherSizeIsRefused() throws IOException {
        Path jar = jar(1_000);
        Path cache = cache(JAR_BUILT.plusSeconds(60));
        record(cache, 999, JAR_BUILT);

        assertThatThrownBy(() -> AotCacheGuard.check(cache.toString(), jar.toString()))
                .isInstanceOf(StartupRefused.class)
                .hasMessage("the AOT cache " + cache + " was not made from " + jar + " (its record " + cache
                        + ".jar.properties names a jar of 999 bytes modified at 2026-12-06T12:00:00Z, this one has "
                        + "1000 bytes modified at 2026-12-06T12:00:00Z): remake it with benchmarks/aot-train, or start "
                        + "without -XX:AOTCache");
    }

    @Test
    void aCacheWhoseRecordNamesAJarModifiedAtAnotherTimeIsRefused() throws IOException {
        Path jar = jar(1_000);
        Path cache = cache(JAR_BUILT.plusSeconds(60));
        record(cache, 1_000, JAR_BUILT.minusSeconds(1));

        assertThatThrownBy(() -> AotCacheGuard.check(cache.toString(), jar.toString()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("was not made from " + jar);
    }

    @Test
    void aCacheWithoutARecordOlderThanTheJarIsRefused() throws IOException {
        Path jar = jar(1_000);
        Path cache = cache(JAR_BUILT.minusSeconds(1));

        assertThatThrownBy(() -> AotCacheGuard.check(cache.toString(), jar.toString()))
                .isInstanceOf(StartupRefused.class)
                .hasMessage("the AOT cache " + cache + " was not made from " + jar + " (the cache is older than the "
                        + "jar, and " + cache + ".jar.properties does not say which jar it was made from): remake it "
                        + "with benchmarks/aot-train, or start without -XX:AOTCache");
    }

    @Test
    void aCacheWithoutARecordNewerThanTheJarStarts() throws IOException {
        Path jar = jar(1_000);
        Path cache = cache(JAR_BUILT.plusSeconds(60));

        assertThatCode(() -> AotCacheGuard.check(cache.toString(), jar.toString())).doesNotThrowAnyException();
    }

    @Test
    void aRecordThatCannotBeReadIsRefused() throws IOException {
        Path jar = jar(1_000);
        Path cache = cache(JAR_BUILT.plusSeconds(60));
        Files.writeString(Path.of(cache + ".jar.properties"), "jar.size=many\n");

        assertThatThrownBy(() -> AotCacheGuard.check(cache.toString(), jar.toString()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("cannot be read");
    }

    @Test
    void withoutTheCacheFlagNothingIsChecked() {
        Path missing = directory.resolve("no-such.jar");

        assertThatCode(() -> AotCacheGuard.check("", missing.toString())).doesNotThrowAnyException();
        assertThatCode(() -> AotCacheGuard.check(null, missing.toString())).doesNotThrowAnyException();
    }

    @Test
    void aCacheFileThatIsNotThereIsLeftToTheJvmWhichStartsWithoutIt() throws IOException {
        Path jar = jar(1_000);

        assertThatCode(() -> AotCacheGuard.check(directory.resolve("gone.aot").toString(), jar.toString()))
                .doesNotThrowAnyException();
    }

    @Test
    void aClassPathThatIsNotOneJarIsNotChecked() throws IOException {
        Path cache = cache(JAR_BUILT.minusSeconds(3_600));
        Path classes = Files.createDirectories(directory.resolve("classes"));
        Files.setLastModifiedTime(classes, FileTime.from(JAR_BUILT));

        assertThatCode(() -> AotCacheGuard.check(cache.toString(), classes.toString())).doesNotThrowAnyException();
        assertThatCode(() -> AotCacheGuard.check(cache.toString(), jar(1_000) + java.io.File.pathSeparator + classes))
                .doesNotThrowAnyException();
    }

    private Path jar(int size) throws IOException {
        Path jar = Files.write(directory.resolve("vps-recovery.jar"), new byte[size]);
        Files.setLastModifiedTime(jar, FileTime.from(JAR_BUILT));
        return jar;
    }

    private Path cache(Instant modified) throws IOException {
        Path cache = Files.writeString(directory.resolve("vps-recovery.aot"), "not a real cache");
        Files.setLastModifiedTime(cache, FileTime.from(modified));
        return cache;
    }

    /** What benchmarks/aot-train writes beside the cache. */
    private static void record(Path cache, long size, Instant modified) throws IOException {
        Files.writeString(Path.of(cache + ".jar.properties"), "jar.path=/somewhere/vps-recovery.jar\n"
                + "jar.size=" + size + "\njar.modified-epoch-seconds=" + modified.getEpochSecond() + "\n"
                + "jar.sha256=0123\n");
    }
}
