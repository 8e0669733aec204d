package org.vpsrecovery.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.exceptions.ApplicationStartupException;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vpsrecovery.adapters.persistence.PostgresServerTooOld;
import org.vpsrecovery.adapters.persistence.SchemaFromBeforeThePreviousRelease;

/** Starts vps-recovery: embedded defaults for whatever the environment does not configure. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        StartupTrace.mark("main-entered");
        Deployment deployment;
        EmbeddedDefaults embedded;
        try {
            // Before anything else: the JDK runs an AOT cache's classes even when the jar changed (ADR 0144).
            AotCacheGuard.check();
            deployment = Deployment.fromEnvironment(System.getenv(), System.getProperties());
            StartupTrace.mark("deployment-read");
            embedded = EmbeddedDefaults.start(deployment);
            StartupTrace.mark("embedded-defaults");
        } catch (StartupRefused refused) {
            System.err.println("vps-recovery cannot start: " + refused.getMessage());
            System.exit(2);
            return;
        }
        // Micronaut's own shutdown hook stops the server and the context; closing the context here as
        // well deadlocked the two hooks (each holding the lock the other wanted). Wait for it instead,
        // then stop the embedded PostgreSQL and simulator, which the context was still using. Registered
        // as soon as they run: a SIGTERM during Micronaut's start (Flyway's migrations) stops them too,
        // where zonky's own hook is off and they would outlive the JVM.
        AtomicReference<ApplicationContext> started = new AtomicReference<>();
        AtomicBoolean stopAsked = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAsked.set(true);
            ApplicationContext running = started.get();
            if (running != null) {
                awaitStopped(running, STOP_WAIT);
            }
            embedded.close();
        }, "vps-recovery-stop"));
        Map<String, Object> properties = new LinkedHashMap<>(deployment.properties());
        properties.putAll(embedded.properties());
        ApplicationContext context;
        try {
            // Micronaut's class sets logging up; its builder lists Micronaut's services (ADR 0121).
            ThrowingStartup micronaut = new ThrowingStartup();
            StartupTrace.mark("micronaut-built");
            context = micronaut.args(args).mainClass(Application.class).banner(false)
                    // Our variables are read by Deployment only (see Deployment.ownVariables).
                    .environmentVariableExcludes(Deployment.ownVariables(System.getenv()))
                    .properties(properties).start();
        } catch (RuntimeException failed) {
            // The embedded parts are stopped by the hook above, at the exit below.
            if (stopAsked.get()) {
                // A stop asked during the start (SIGTERM): what failed is the start's being cut, not a setting.
                System.err.println("vps-recovery was stopped during its start");
            } else {
                sayWhyNotStarted(failed, System.err);
            }
            System.exit(2);
            return;
        }
        started.set(context);
        // SIGTERM and SIGINT drain first, then exit 0 through the hooks above (ADR 0038, amended in session 47).
        DrainOnStopSignal.install(context);
        printWelcome(System.out, context.getBean(EmbeddedServer.class), embedded);
    }

    /**
     * Micronaut, except that a failed start is thrown back to {@link #main}, which stops the embedded
     * parts and says why in one line; Micronaut's default logs a stack trace and exits by itself.
     */
    private static final class ThrowingStartup extends Micronaut {
        @Override
        public ApplicationContext start() {
            // Micronaut's "Startup completed in N ms" counts from here.
            StartupTrace.mark("micronaut-timer");
            return super.start();
        }

        @Override
        protected void handleStartupException(Environment environment, Throwable exception) {
            throw new ApplicationStartupException("vps-recovery could not start", exception);
        }
    }

    // A stop without the drain (SIGHUP) stops the jobs inside the context's stop: Micronaut's 10 s grace, the jobs'
    // up to ~32 s, the checkpoint's 7 s; 30 s closed the embedded PostgreSQL under the jobs' stop (ADR 0052).
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private static void awaitStopped(ApplicationContext context, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (context.isRunning() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static void printWelcome(PrintStream out, EmbeddedServer server, EmbeddedDefaults embedded) {
        String url = server.getURL().toString();
        out.println();
        out.println("vps-recovery is listening on " + url);
        out.println("Swagger UI: " + url + "/swagger-ui/");
        out.println("Audit history and reports: " + url + "/api/v1/audit/events/");
        if (embedded.runsPostgres()) {
            out.println("PostgreSQL (embedded) keeps its data in " + embedded.postgresDirectory());
        }
        if (embedded.runsSimulator()) {
            out.println("VPS.org is simulated on loopback (the spec's examples: server 12345, snapshots 801 and 798, "
                    + "backups 501, 499 and 495).");
        }
        if (embedded.hasDemoTeams()) {
            out.println("Demo team \"demo\" owns server " + EmbeddedDefaults.DEMO_SERVER + "; team \"other-team\" owns "
                    + EmbeddedDefaults.OTHER_TEAM_SERVER + " with token " + EmbeddedDefaults.OTHER_TEAM_TOKEN + ".");
            out.println("token: " + EmbeddedDefaults.DEMO_TEAM_TOKEN);
            out.println(auditorTokenLine());
            embedded.demoPeopleTokens().forEach((person, token) -> out.println("token of " + person
                    + " (a person of team \"demo\", signed by the demo identity provider, valid "
                    + DemoIdentityProvider.TOKEN_LIFETIME.toHours() + " h): " + token));
        }
        out.println();
    }

    /** What the demo auditor's token reaches: the README's first screen shows this line as printed. */
    static String auditorTokenLine() {
        return "auditor token (audit reports of every team, and legal holds; nothing else): "
                + EmbeddedDefaults.DEMO_AUDITOR_TOKEN;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Fixed words for a failure to reach or use the database, or empty if the chain holds none. PgJDBC's, Hikari's and
     * Flyway's messages may hold the URL or its host part (a {@code user:password@host} became an UnknownHostException
     * naming it): none of them is printed, nor the trace (session 52, ADR 0021).
     */
    static Optional<String> databaseFailure(Throwable failed) {
        SQLException sql = null;
        boolean namesAJdbcUrl = false;
        Throwable root = failed;
        for (Throwable cause = failed; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (sql == null && cause instanceof SQLException found) {
                sql = found;
            }
            namesAJdbcUrl |= cause.getMessage() != null && cause.getMessage().contains("jdbc:");
            root = cause;
        }
        if (sql == null) {
            // Hikari's "Driver ... claims to not accept jdbcUrl, <url>" holds no SQLException (own-merge review).
            // Our own refusals name the URL's form, never the URL: they say what to fix.
            // (PGSimpleDataSource's "URL invalid <url>" is an IllegalArgumentException: not ours.)
            boolean ours = root instanceof StartupRefused;
            return namesAJdbcUrl && !ours ? Optional.of("the URL was refused (" + root.getClass().getSimpleName()
                    + "; its message is not printed: it holds the URL)") : Optional.empty();
        }
        if (root instanceof javax.net.ssl.SSLException || root instanceof java.security.GeneralSecurityException) {
            return Optional.of("TLS to its server failed (" + root.getClass().getSimpleName() + "; check sslmode, "
                    + "sslrootcert and the server's certificate)");
        }
        if (root instanceof UnknownHostException) {
            return Optional.of("its host name is not known (check the host in VPSR_DATABASE_URL)");
        }
        if (root instanceof ConnectException) {
            return Optional.of("nothing accepted the connection at its host and port");
        }
        if (root instanceof SocketTimeoutException) {
            return Optional.of("its server did not answer in time");
        }
        String state = Optional.ofNullable(sql.getSQLState()).orElse("");
        String meaning = switch (state.length() >= 2 ? state.substring(0, 2) : state) {
            case "28" -> "the server refused the user or password";
            case "3D" -> "the database named in the URL does not exist";
            case "42" -> "the user lacks a privilege (or the schema is not as the migrations expect)";
            case "08" -> "the connection could not be made";
            default -> "the server refused it";
        };
        // These classes are the server's answers, whose words never hold the URL and name what is wrong (a schema, a
        // role, a database, a pg_hba.conf line); a connection's (08) may be the client's, naming its host.
        String serverSaid = Set.of("28", "3D", "42").contains(state.length() >= 2 ? state.substring(0, 2) : state)
                && sql.getMessage() != null && !sql.getMessage().contains("jdbc:")
                ? "; the server said: " + sql.getMessage().strip() : "";
        String rootNamed = root == sql ? "" : "; cause " + root.getClass().getName();
        return Optional.of(meaning + (state.isEmpty() ? "" : " (SQLState " + state + ")") + serverSaid + rootNamed
                + "; the server's log may say more (the client's messages are not printed here: they may hold the URL)");
    }

    /**
     * Micronaut's words when a {@code @Value("${key:default}")} setting's value is not of its type: its dependency-injection
     * failure carries them in its message only (no cause), after a path through the beans that names Java methods.
     */
    private static final Pattern UNCONVERTED = Pattern.compile("Error resolving property value \\[\\$\\{([^:}\\]]+)"
            + "(?::[^}]*)?}]\\. Unable to convert value \\[([^\\]]*)] to target type \\[([A-Za-z.]+)]");

    /** What a setting should look like, by the type it was read as. */
    private static final Map<String, String> TYPE_EXAMPLES = Map.of(
            "Duration", "a duration (e.g. 20m, 0s)",
            "Integer", "a whole number", "int", "a whole number", "Long", "a whole number", "long", "a whole number",
            "Double", "a number", "double", "a number",
            "Boolean", "true or false", "boolean", "true or false");

    /**
     * One line for a setting whose value is not of its type ({@code -Dvpsr.restore-window=20}: "vpsr.restore-window=20 is
     * not a duration (e.g. 20m, 0s)"), or empty (session 56, ADR 0021).
     */
    static Optional<String> unconvertedSetting(Throwable failed) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            Matcher matcher = UNCONVERTED.matcher(Optional.ofNullable(cause.getMessage()).orElse(""));
            if (matcher.find()) {
                String type = matcher.group(3).substring(matcher.group(3).lastIndexOf('.') + 1);
                return Optional.of(matcher.group(1).strip() + "=" + matcher.group(2) + " is not "
                        + TYPE_EXAMPLES.getOrDefault(type, "a " + type));
            }
        }
        return Optional.empty();
    }

    /**
     * One line for a setting we check (its message names the key), for a database server too old (ADR 0102, amended
     * in session 43) and for a schema from before the previous release (ADR 0142, amended in session 56); the trace as well for anything else, and for a refusal without a message, which names nothing (a library's own check of a value we passed on unchecked).
     */
    public static void sayWhyNotStarted(Throwable failed, PrintStream err) {
        Throwable root = rootCause(failed);
        Optional<String> database = databaseFailure(failed);
        if (database.isPresent() && !(root instanceof PostgresServerTooOld)) {
            err.println("vps-recovery cannot start: the database (VPSR_DATABASE_URL, VPSR_DATABASE_USER) could not be "
                    + "used: " + database.get());
            return;
        }
        Optional<String> unconverted = unconvertedSetting(failed);
        if (unconverted.isPresent()) {
            err.println("vps-recovery cannot start: " + unconverted.get());
            return;
        }
        boolean named = root.getMessage() != null && !root.getMessage().isBlank();
        err.println("vps-recovery cannot start: " + (named ? root.getMessage() : root.getClass().getName()
                + " without a message (the trace below says where)"));
        // A setting refused by name (ours, or Micronaut's ConfigurationException, e.g. the VPS.org client's) needs no trace.
        if (!named || !(root instanceof IllegalArgumentException || root instanceof StartupRefused
                || root instanceof PostgresServerTooOld || root instanceof SchemaFromBeforeThePreviousRelease
                || root instanceof io.micronaut.context.exceptions.ConfigurationException)) {
            failed.printStackTrace(err);
        }
    }
}
