package org.vpsrecovery.bootstrap;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Starts vps-recovery: embedded defaults for whatever the environment does not configure. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Deployment deployment;
        try {
            deployment = Deployment.fromEnvironment(System.getenv());
        } catch (StartupRefused refused) {
            System.err.println("vps-recovery cannot start: " + refused.getMessage());
            System.exit(2);
            return;
        }
        EmbeddedDefaults embedded = EmbeddedDefaults.start(deployment);
        Map<String, Object> properties = new LinkedHashMap<>(deployment.properties());
        properties.putAll(embedded.properties());
        ApplicationContext context;
        try {
            context = Micronaut.build(args).mainClass(Application.class).banner(false).properties(properties).start();
        } catch (RuntimeException failed) {
            embedded.close();
            System.err.println("vps-recovery cannot start: " + rootMessage(failed));
            System.exit(2);
            return;
        }
        // Micronaut's own shutdown hook stops the server and the context; closing the context here as
        // well deadlocked the two hooks (each holding the lock the other wanted). Wait for it instead,
        // then stop the embedded PostgreSQL and simulator, which the context was still using.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            awaitStopped(context, STOP_WAIT);
            embedded.close();
        }, "vps-recovery-stop"));
        printWelcome(System.out, context.getBean(EmbeddedServer.class), embedded);
    }

    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

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
            out.println("auditor token (audit reports of every team, nothing else): " + EmbeddedDefaults.DEMO_AUDITOR_TOKEN);
        }
        out.println();
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
