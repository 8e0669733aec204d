package org.vpsrecovery.bootstrap;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every {@code VPSR_*} and {@code VPSORG_*} environment variable something of ours reads, and which part reads it. Micronaut
 * is told to leave these prefixes alone ({@link Deployment#ownVariables}), so a variable not here would be read by
 * nothing: a misspelt {@code VPSR_PAUSED_AFTER_RESTORE} started a service that took creates the pause refuses. Any
 * other name under the prefixes stops the start (session 56, ADR 0021). The tools an operator runs from the same shell
 * (the {@code vpsr} command, the benchmarks, the tests' PostgreSQL) have their variables here too, so an exported
 * {@code VPSR_URL} does not stop the service. {@code KnownVariablesTest} pins the service's names to README.md's
 * configuration table and the whole list to the code and scripts that read them: a new variable is one line here.
 */
final class KnownVariables {

    /** Which part of the project reads a variable, and where it is documented. */
    enum Reader {
        /** {@link Deployment}; README.md's configuration table. */
        SERVICE,
        /** The {@code vpsr} command and its launcher {@code cli/vpsr}; docs/cli.md. */
        VPSR_COMMAND,
        /** The scripts in {@code benchmarks/} and {@code AuditReportsBenchmark}; docs/benchmarks.md. */
        BENCHMARKS,
        /** The tests' PostgreSQL ({@code PostgresServer}); README.md, adapters-persistence/README-persistence.md. */
        TESTS
    }

    static final Map<String, Reader> ALL = Map.ofEntries(
            Map.entry("VPSR_DATABASE_URL", Reader.SERVICE),
            Map.entry("VPSR_DATABASE_USER", Reader.SERVICE),
            Map.entry("VPSR_DATABASE_PASSWORD", Reader.SERVICE),
            Map.entry("VPSR_MIGRATION_USER", Reader.SERVICE),
            Map.entry("VPSR_MIGRATION_PASSWORD", Reader.SERVICE),
            Map.entry("VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES", Reader.SERVICE),
            Map.entry("VPSORG_BASE_URL", Reader.SERVICE),
            Map.entry("VPSORG_API_TOKEN", Reader.SERVICE),
            Map.entry("VPSR_SIMULATOR", Reader.SERVICE),
            Map.entry("VPSR_DATABASE", Reader.SERVICE),
            Map.entry("VPSR_TEAMS_FILE", Reader.SERVICE),
            Map.entry("VPSR_PORT", Reader.SERVICE),
            Map.entry("VPSR_HOST", Reader.SERVICE),
            Map.entry("VPSR_DATA_DIR", Reader.SERVICE),
            Map.entry("VPSR_SIMULATOR_PROFILE", Reader.SERVICE),
            Map.entry("VPSR_CHECKPOINT_KEY_FILE", Reader.SERVICE),
            Map.entry("VPSR_CHECKPOINT_DIR", Reader.SERVICE),
            Map.entry("VPSR_AUDIT_KEPT_DIR", Reader.SERVICE),
            Map.entry("VPSR_CHECKPOINT_TRUSTED_KEYS", Reader.SERVICE),
            Map.entry("VPSR_PAUSED_AFTER_RESTORE", Reader.SERVICE),
            Map.entry("VPSR_AUDIT_SUPERSEDED_CHECKPOINTS", Reader.SERVICE),
            Map.entry("VPSR_WEBHOOKS_ALLOW_LOOPBACK", Reader.SERVICE),
            Map.entry("VPSR_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", Reader.SERVICE),
            Map.entry("VPSR_WEBHOOKS_MAX_ATTEMPTS", Reader.SERVICE),
            Map.entry("VPSR_WEBHOOKS_FIRST_RETRY", Reader.SERVICE),

            Map.entry("VPSR_URL", Reader.VPSR_COMMAND),
            Map.entry("VPSR_TOKEN", Reader.VPSR_COMMAND),
            Map.entry("VPSR_TEAM", Reader.VPSR_COMMAND),
            Map.entry("VPSR_CONFIG", Reader.VPSR_COMMAND),
            Map.entry("VPSR_ALLOW_PLAIN_HTTP", Reader.VPSR_COMMAND),
            Map.entry("VPSR_JAR", Reader.VPSR_COMMAND),

            Map.entry("VPSR_AOT_CACHE", Reader.BENCHMARKS),
            Map.entry("VPSR_TRAIN_JAR", Reader.BENCHMARKS),
            Map.entry("VPSR_TRAIN_PORT", Reader.BENCHMARKS),
            Map.entry("VPSR_TRAIN_JVM_OPTIONS", Reader.BENCHMARKS),
            Map.entry("VPSR_AB_A_PORT", Reader.BENCHMARKS),
            Map.entry("VPSR_AB_B_PORT", Reader.BENCHMARKS),
            Map.entry("VPSR_AB_SIMULATOR_PORT", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_JAR", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_JVM_OPTIONS", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_LOAD_JVM_OPTIONS", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_PLATFORM_PORT", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_SIMULATOR_PORT", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_POSTGRES_PORT", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_NGINX_PORT", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_DB_URL", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_DB_USER", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_DB_PASSWORD", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_IDS", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_FULL_PAGE_WRITES", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_WAL_DETAIL", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_PAGES_ONLY", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_SUMMARIES_ONLY", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_SKIP_APPENDS", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_SKIP_REPORTS", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_SKIP_VERIFY", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_DURABLE_APPENDS", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_APPEND_INSTANCES", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_APPEND_OUTCOMES", Reader.BENCHMARKS),
            Map.entry("VPSR_BENCH_APPEND_WARM_UP", Reader.BENCHMARKS),

            Map.entry("VPSR_TEST_DB_URL", Reader.TESTS),
            Map.entry("VPSR_TEST_DB_USER", Reader.TESTS),
            Map.entry("VPSR_TEST_DB_PASSWORD", Reader.TESTS),
            Map.entry("VPSR_TEST_DB_IMAGE", Reader.TESTS));

    /** The prefixes that are ours: Micronaut leaves them alone, and a name under them must be in {@link #ALL}. */
    static final List<String> PREFIXES = List.of("VPSR_", "VPSORG_");

    private KnownVariables() {
    }

    /** The names {@code reader} reads, sorted. */
    static Set<String> readBy(Reader reader) {
        return ALL.entrySet().stream().filter(e -> e.getValue() == reader).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Refuses the start if {@code env} holds a variable under our prefixes that nothing reads, naming each such variable
     * (never its value: it may be a misspelt secret) and the known name nearest it.
     */
    static void refuseUnknown(Map<String, String> env) {
        String port = env.get("VPSR_PORT");
        if (port != null && SERVICE_LINK_ADDRESS.matcher(port).lookingAt()) {
            throw new StartupRefused("VPSR_PORT holds a service address, not a port number: Kubernetes' service link of a "
                    + "Service named vpsr set it; set enableServiceLinks: false in the pod's spec (docs/deploy.md) "
                    + "or rename the Service");
        }
        List<String> unknown = env.entrySet().stream()
                .filter(variable -> PREFIXES.stream().anyMatch(variable.getKey()::startsWith))
                .filter(variable -> !ALL.containsKey(variable.getKey()))
                .filter(variable -> !serviceLink(variable.getKey(), variable.getValue()))
                .map(Map.Entry::getKey)
                .sorted().toList();
        if (unknown.isEmpty()) {
            return;
        }
        String named = unknown.stream().map(name -> name + " (nearest known: " + nearest(name) + ")")
                .collect(Collectors.joining(", "));
        throw new StartupRefused((unknown.size() == 1 ? "the environment variable " + named + " is"
                : "the environment variables " + named + " are") + " not read by vps-recovery, so "
                + (unknown.size() == 1 ? "its setting would" : "their settings would") + " be silently ignored: "
                + "correct or unset " + (unknown.size() == 1 ? "it" : "them") + " (README.md lists the variables the "
                + "service reads; fine-tuning keys are -D system properties or MICRONAUT_CONFIG_FILES, not variables)");
    }

    /**
     * The names Kubernetes gives a pod for each Service of its namespace (enableServiceLinks, on by default): a Service
     * {@code vpsr-db} with port 5432 gives {@code VPSR_DB_SERVICE_HOST}, {@code VPSR_DB_SERVICE_PORT},
     * {@code VPSR_DB_SERVICE_PORT_<PORT NAME>}, {@code VPSR_DB_PORT} (tcp://…) and {@code VPSR_DB_PORT_5432_TCP} with
     * {@code _ADDR}, {@code _PORT} and {@code _PROTO} (Kubernetes' "Service - Environment variables").
     */
    static final Pattern SERVICE_LINK = Pattern.compile(
            "(VPSR|VPSORG)(_\\w+)?_(SERVICE_HOST|SERVICE_PORT(_\\w+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_ADDR|_PORT|_PROTO)?)?)");
    /** A service link's {@code <NAME>_PORT} and {@code <NAME>_PORT_<n>_<PROTOCOL>} value: {@code tcp://10.0.0.11:5432}. */
    static final Pattern SERVICE_LINK_ADDRESS = Pattern.compile("(tcp|udp|sctp)://", Pattern.CASE_INSENSITIVE);
    /** Edits within which a name is taken for a misspelt known one, never for a service link (VPSR_TRAN_PORT). */
    static final int MISSPELT_WITHIN = 2;

    /**
     * Whether an unknown name is Kubernetes' service link, left alone (session 56): of a link's shape, and either holding
     * a service address (no setting of ours does) or neither a few edits from a known name (a misspelling stays refused)
     * nor a bare {@code <NAME>_PORT}, whose value is always an address.
     */
    static boolean serviceLink(String name, String value) {
        if (!SERVICE_LINK.matcher(name).matches()) {
            return false;
        }
        if (value != null && SERVICE_LINK_ADDRESS.matcher(value).lookingAt()) {
            return true;
        }
        return editDistance(name, nearest(name)) > MISSPELT_WITHIN
                && (!name.endsWith("_PORT") || name.contains("_SERVICE_PORT") || LINK_PORT_NUMBER.matcher(name).matches());
    }

    private static final Pattern LINK_PORT_NUMBER = Pattern.compile(".*_PORT_\\d+_(TCP|UDP|SCTP)_PORT");

    /** The known name fewest single-character edits away (ties: the first in sorted order). */
    static String nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : new TreeSet<>(ALL.keySet())) {
            int distance = editDistance(name, known);
            if (distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Levenshtein's distance (no library on the class path has one; commons-text is not a dependency). */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
