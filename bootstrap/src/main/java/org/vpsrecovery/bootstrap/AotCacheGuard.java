package org.vpsrecovery.bootstrap;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Refuses a start whose AOT cache was made from another jar (ADR 0144). JDK 25 does not notice a jar rebuilt at the
 * path its cache was made from: it runs the cached (old) classes beside the new jar's, without a warning.
 * {@code benchmarks/aot-train} writes beside the cache {@code <cache>.jar.properties}, the size and modification time
 * of the jar it trained on; a start compares them with its own jar's (no hash: the start-up target is 1.5 s). Without
 * that record a cache older than the jar is refused.
 *
 * <p>The JVM may run this class's copy from the cache, i.e. the old jar's: keep its logic and its record's keys as
 * they are, so an old copy still decides as a new one would.
 */
final class AotCacheGuard {

    static final String RECORD_SUFFIX = ".jar.properties";
    static final String SIZE_KEY = "jar.size";
    static final String MODIFIED_KEY = "jar.modified-epoch-seconds";

    private AotCacheGuard() {
    }

    /** This JVM's {@code -XX:AOTCache} against its class path's jar. */
    static void check() {
        check(aotCacheOption(), System.getProperty("java.class.path"));
    }

    /**
     * Nothing when no cache was given, when the cache file is not there (the JVM starts without it) or when the class
     * path is not one jar (tests, an IDE); otherwise refused unless the cache's record names this jar.
     */
    static void check(String cacheOption, String classPath) {
        if (cacheOption == null || cacheOption.isBlank() || classPath == null
                || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return;
        }
        Path cache = Path.of(cacheOption);
        Path jar = Path.of(classPath);
        if (!Files.isRegularFile(cache) || !Files.isRegularFile(jar)) {
            return;
        }
        Path record = Path.of(cacheOption + RECORD_SUFFIX);
        try {
            long jarSize = Files.size(jar);
            long jarModified = Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS);
            String why;
            if (Files.isRegularFile(record)) {
                Properties recorded = new Properties();
                try (Reader in = Files.newBufferedReader(record)) {
                    recorded.load(in);
                }
                long size = Long.parseLong(recorded.getProperty(SIZE_KEY, "").trim());
                long modified = Long.parseLong(recorded.getProperty(MODIFIED_KEY, "").trim());
                if (size == jarSize && modified == jarModified) {
                    return;
                }
                why = "its record " + record + " names a jar of " + size + " bytes modified at "
                        + Instant.ofEpochSecond(modified) + ", this one has " + jarSize + " bytes modified at "
                        + Instant.ofEpochSecond(jarModified);
            } else if (Files.getLastModifiedTime(cache).to(TimeUnit.SECONDS) < jarModified) {
                why = "the cache is older than the jar, and " + record + " does not say which jar it was made from";
            } else {
                return;
            }
            throw refused(cache, jar, why);
        } catch (IOException | NumberFormatException unreadable) {
            throw refused(cache, jar, "its record " + record + " cannot be read: " + unreadable);
        }
    }

    private static StartupRefused refused(Path cache, Path jar, String why) {
        return new StartupRefused("the AOT cache " + cache + " was not made from " + jar + " (" + why
                + "): remake it with benchmarks/aot-train, or start without -XX:AOTCache");
    }

    /** The JVM's own value, whatever gave it (the command line, an @argfile, JDK_JAVA_OPTIONS); "" when none. */
    private static String aotCacheOption() {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("AOTCache")
                    .getValue();
        } catch (IllegalArgumentException noSuchOption) {
            // JDK 21-24 have no AOT cache.
            return "";
        }
    }
}
