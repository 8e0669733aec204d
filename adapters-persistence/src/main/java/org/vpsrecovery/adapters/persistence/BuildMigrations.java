package org.vpsrecovery.adapters.persistence;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The Flyway migrations this build carries, and whether a database's schema history already holds exactly
 * them, so that the start may leave Flyway's migrate out (ADR 0086). Only a history that is the build's
 * versioned migrations in order, each applied successfully with Flyway's checksum of the file in this build,
 * counts as current; anything else (no history, a pending, failed or edited migration, a database ahead of
 * the build, a row Flyway wrote for something else) is not, and Flyway then migrates or refuses as it always did.
 *
 * <p>The files are named by {@link #LIST}, which the build makes from {@code db/migration} (the antrun step of this
 * module's pom): listing the directory inside the shaded jar would walk its ~22,500 entries at every start.
 */
public final class BuildMigrations {

    /** One file name of {@code db/migration} a line, in no particular order (the build lists them by name). */
    public static final String LIST = "META-INF/vps-recovery/migrations.txt";
    static final String LOCATION = "db/migration/";

    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:\\.\\d+)*)__(.+)\\.sql");

    record Migration(String version, String description, String script, int checksum) {
    }

    private final List<Migration> migrations;

    private BuildMigrations(List<Migration> migrations) {
        this.migrations = List.copyOf(migrations);
    }

    /** Reads the list and every file it names (a few dozen small resources) with {@code loader}. */
    public static BuildMigrations read(ClassLoader loader) throws IOException {
        List<Migration> migrations = new ArrayList<>();
        try (BufferedReader list = reader(loader, LIST)) {
            for (String line = list.readLine(); line != null; line = list.readLine()) {
                String script = line.strip();
                if (script.isEmpty()) {
                    continue;
                }
                Matcher name = VERSIONED.matcher(script);
                if (!name.matches()) {
                    throw new IOException(LIST + " names " + script + ", which is not a versioned SQL migration");
                }
                migrations.add(new Migration(name.group(1), name.group(2).replace('_', ' '), script,
                        checksum(loader, LOCATION + script)));
            }
        }
        migrations.sort(Comparator.comparing(Migration::version, BuildMigrations::compareVersions));
        return new BuildMigrations(migrations);
    }

    List<Migration> migrations() {
        return migrations;
    }

    /** The newest version the build carries ("none" for an empty list). */
    public String newestVersion() {
        return migrations.isEmpty() ? "none" : migrations.getLast().version();
    }

    public int count() {
        return migrations.size();
    }

    /** Whether {@code connection}'s schema history is exactly this build's migrations, all applied (see the class). */
    public boolean appliedExactlyIn(Connection connection) throws SQLException {
        if (migrations.isEmpty()) {
            return false;
        }
        // Unqualified, as Flyway finds its table: in the connection's current schema.
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass('flyway_schema_history') IS NOT NULL");
             ResultSet found = exists.executeQuery()) {
            if (!found.next() || !found.getBoolean(1)) {
                return false;
            }
        }
        try (PreparedStatement history = connection.prepareStatement(
                "SELECT version, description, type, script, checksum, success FROM flyway_schema_history ORDER BY installed_rank");
             ResultSet rows = history.executeQuery()) {
            int index = 0;
            while (rows.next()) {
                if (index >= migrations.size()) {
                    return false;
                }
                Migration expected = migrations.get(index++);
                int checksum = rows.getInt("checksum");
                boolean same = !rows.wasNull() && checksum == expected.checksum()
                        && expected.version().equals(rows.getString("version"))
                        && expected.description().equals(rows.getString("description"))
                        && "SQL".equals(rows.getString("type"))
                        && expected.script().equals(rows.getString("script"))
                        && rows.getBoolean("success");
                if (!same) {
                    return false;
                }
            }
            return index == migrations.size();
        }
    }

    /**
     * How many of this build's migrations {@code connection}'s schema history does not hold as applied (all, with no
     * history): what Flyway is about to apply, for the start's line (ADR 0086, amended in session 50).
     */
    public int pendingIn(Connection connection) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT to_regclass('flyway_schema_history') IS NOT NULL");
             ResultSet found = exists.executeQuery()) {
            if (!found.next() || !found.getBoolean(1)) {
                return migrations.size();
            }
        }
        java.util.Set<String> applied = new java.util.HashSet<>();
        try (PreparedStatement history = connection.prepareStatement(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL");
             ResultSet rows = history.executeQuery()) {
            while (rows.next()) {
                applied.add(rows.getString(1));
            }
        }
        return (int) migrations.stream().filter(migration -> !applied.contains(migration.version())).count();
    }

    /** Flyway's order of versions: part by part as numbers, so that 2 comes before 10 and 1.1 after 1. */
    static int compareVersions(String left, String right) {
        String[] leftParts = left.split("\\.");
        String[] rightParts = right.split("\\.");
        for (int i = 0; i < Math.max(leftParts.length, rightParts.length); i++) {
            BigInteger leftPart = i < leftParts.length ? new BigInteger(leftParts[i]) : BigInteger.ZERO;
            BigInteger rightPart = i < rightParts.length ? new BigInteger(rightParts[i]) : BigInteger.ZERO;
            int order = leftPart.compareTo(rightPart);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static BufferedReader reader(ClassLoader loader, String resource) throws IOException {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException(resource + " is not on the class path");
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096);
    }

    /** Flyway's checksum of a SQL file: CRC-32 of its lines' UTF-8 bytes without line ends, a first BOM dropped. */
    static int checksum(ClassLoader loader, String resource) throws IOException {
        CRC32 crc = new CRC32();
        try (BufferedReader lines = reader(loader, resource)) {
            String line = lines.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = lines.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }
}
