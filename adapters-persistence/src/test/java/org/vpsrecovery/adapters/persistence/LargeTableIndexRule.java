package org.vpsrecovery.adapters.persistence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rule for index builds in migrations numbered above {@link #LAST_UNCHECKED} (ADR 0142, amended in session 56): an
 * index on a large table (docs/deploy.md's "Probes" and its expand-then-contract list) is built
 * {@code CONCURRENTLY}, and a {@code CONCURRENTLY} build sits in a script whose {@code .sql.conf} says
 * {@code executeInTransaction=false}, after a {@code DROP INDEX CONCURRENTLY IF EXISTS} of the same index (a failed
 * concurrent build leaves an invalid index behind, which the next start's retry would otherwise trip over). A plain
 * {@code CREATE INDEX} refuses every append of the previous release's instances still serving for its whole build.
 */
final class LargeTableIndexRule {

    /** V77 and before are as they shipped (V77 was being written as this rule came in). */
    static final int LAST_UNCHECKED = 77;

    static final Set<String> LARGE_TABLES = Set.of("audit_event", "webhook_delivery", "recovery_operation",
            "recovery_point_hold");

    /** Flyway's versioned name: the version's parts joined by {@code .} or {@code _} (V78_1__x.sql is V78.1). */
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)(?:[._]\\d+)*__.+\\.sql");
    private static final Pattern REPEATABLE = Pattern.compile("R__.+\\.sql");
    private static final Pattern UNIQUE_CONSTRAINT_ADDED = Pattern.compile(
            "\\bALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?([\\w.\"]+)([^;]*?)\\bADD\\s+(?:CONSTRAINT\\s+[\\w\"]+\\s+)?"
                    + "(UNIQUE|PRIMARY\\s+KEY)\\b(?!\\s*USING\\s+INDEX)", Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "\\bCREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(?:IF\\s+NOT\\s+EXISTS\\s+)?(?!ON\\b)([\\w.\"]+)?\\s*"
                    + "ON\\s+(?:ONLY\\s+)?([\\w.\"]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern NON_TRANSACTIONAL = Pattern.compile("(?m)^\\s*executeInTransaction\\s*=\\s*false\\s*$");

    private LargeTableIndexRule() {
    }

    /** What breaks the rule in {@code directory}'s migrations, one message each; empty when nothing does. */
    static List<String> brokenIn(Path directory) throws IOException {
        List<String> broken = new ArrayList<>();
        // Flyway finds scripts in the location's subfolders too.
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String fileName = file.getFileName().toString();
                if (!fileName.endsWith(".sql")) {
                    continue;
                }
                Matcher name = VERSIONED.matcher(fileName);
                if (name.matches()) {
                    if (Integer.parseInt(name.group(1)) > LAST_UNCHECKED) {
                        broken.addAll(brokenIn(file, Files.readString(file, StandardCharsets.UTF_8)));
                    }
                } else if (REPEATABLE.matcher(fileName).matches()) {
                    // Run again whenever it changes, so checked whatever it holds.
                    broken.addAll(brokenIn(file, Files.readString(file, StandardCharsets.UTF_8)));
                } else {
                    broken.add(fileName + " is no Flyway migration name (V<version>__<name>.sql, the version's parts "
                            + "joined by . or _, or R__<name>.sql): Flyway would skip it or run it as a callback, and "
                            + "this rule could not check it; rename it");
                }
            }
        }
        return broken;
    }

    private static List<String> brokenIn(Path file, String script) throws IOException {
        String sql = withoutComments(script);
        String name = file.getFileName().toString();
        Path config = file.resolveSibling(name + ".conf");
        boolean nonTransactional = Files.exists(config)
                && NON_TRANSACTIONAL.matcher(Files.readString(config, StandardCharsets.UTF_8)).find();
        List<String> broken = new ArrayList<>();
        Matcher create = CREATE_INDEX.matcher(sql);
        while (create.find()) {
            boolean concurrently = create.group(1) != null;
            String index = create.group(2) == null ? "<unnamed>" : unquoted(create.group(2));
            String table = unquoted(create.group(3));
            String how = "write it in `" + name + "` as `DROP INDEX CONCURRENTLY IF EXISTS " + index
                    + "; CREATE INDEX CONCURRENTLY " + index + " ON " + table + " (...);` (the drop first: a failed "
                    + "concurrent build leaves an invalid index behind, which the next start's retry must drop), and `"
                    + name + ".conf` beside it holding `executeInTransaction=false` (ADR 0142, amended in session 56)";
            if (!concurrently && LARGE_TABLES.contains(table)) {
                broken.add(name + " builds index " + index + " on the large table " + table + " without CONCURRENTLY: "
                        + "inside the migration's transaction it refuses every append of the previous release's "
                        + "instances for the whole build; " + how);
                continue;
            }
            if (concurrently && !nonTransactional) {
                broken.add(name + " builds index " + index + " CONCURRENTLY without `" + name + ".conf` holding "
                        + "`executeInTransaction=false`: PostgreSQL refuses CREATE INDEX CONCURRENTLY inside a "
                        + "transaction; " + how);
            }
            if (concurrently && !droppedBefore(sql, create.start(), index)) {
                broken.add(name + " builds index " + index + " CONCURRENTLY without `DROP INDEX CONCURRENTLY IF EXISTS "
                        + index + "` before it; " + how);
            }
        }
        Matcher constraint = UNIQUE_CONSTRAINT_ADDED.matcher(sql);
        while (constraint.find()) {
            String table = unquoted(constraint.group(1));
            if (LARGE_TABLES.contains(table)) {
                String kind = constraint.group(3).toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
                broken.add(name + " adds a " + kind + " constraint to the large table " + table + ", which builds its "
                        + "index under ACCESS EXCLUSIVE, refusing reads and appends for the whole build; build a unique "
                        + "index CONCURRENTLY in a migration of its own first (DROP INDEX CONCURRENTLY IF EXISTS, then "
                        + "CREATE UNIQUE INDEX CONCURRENTLY, with `executeInTransaction=false`), then add the constraint "
                        + "with `ADD CONSTRAINT name " + kind + " USING INDEX index_name` (ADR 0142, amended in session 56)");
            }
        }
        return broken;
    }

    private static boolean droppedBefore(String sql, int createdAt, String index) {
        Pattern drop = Pattern.compile("\\bDROP\\s+INDEX\\s+CONCURRENTLY\\s+IF\\s+EXISTS\\s+(?:[\\w\"]+\\.)?\"?"
                + Pattern.quote(index) + "\"?\\s*;", Pattern.CASE_INSENSITIVE);
        return drop.matcher(sql.substring(0, createdAt)).find();
    }

    /** A name without its schema and quotes, lower case as PostgreSQL folds it. */
    private static String unquoted(String name) {
        String last = name.substring(name.lastIndexOf('.') + 1);
        return last.startsWith("\"") ? last.replace("\"", "") : last.toLowerCase(Locale.ROOT);
    }

    private static String withoutComments(String sql) {
        return sql.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
    }
}
