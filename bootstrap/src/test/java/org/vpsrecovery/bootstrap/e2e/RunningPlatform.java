package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.BeanRegistration;
import io.micronaut.context.RuntimeBeanDefinition;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * One instance of the whole service, booted as in production (the bootstrap's factories, the real
 * adapters), against a real PostgreSQL database and the VPS.org simulator, on a loopback port.
 */
final class RunningPlatform implements AutoCloseable {

    static final String DEMO_TOKEN = "demo-team-token-e2e";
    static final String OTHER_TOKEN = "other-team-token-e2e";
    static final String AUDITOR_TOKEN = "auditor-token-e2e";

    final EmbeddedServer server;
    final ApplicationContext context;
    final JsonMapper json;
    /** This instance's own data directory: its checkpoint signing key and checkpoints. */
    final Path dataDirectory;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, String contentType, Map<String, Object> body, HttpResponse<String> raw) {
        Object get(String field) {
            return body.get(field);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private RunningPlatform(EmbeddedServer server, Path dataDirectory) {
        this.server = server;
        this.dataDirectory = dataDirectory;
        this.context = server.getApplicationContext();
        this.json = context.getBean(JsonMapper.class);
    }

    static RunningPlatform start(TestDatabase database, VpsOrgSimulator simulator, Map<String, Object> overrides) {
        return start(database, simulator, overrides, null);
    }

    /**
     * As above, with {@code clock} in place of the system clock as the platform's one {@link Clock} bean (null: the
     * system's), so a test can move the platform's time together with the simulator's.
     */
    static RunningPlatform start(TestDatabase database, VpsOrgSimulator simulator, Map<String, Object> overrides,
                                 Clock clock) {
        return start(database.url(), database.user(), database.password(), simulator, overrides, clock);
    }

    /** As above, on a database given by its JDBC URL and login (a PostgreSQL server the test stops and starts). */
    static RunningPlatform start(String databaseUrl, String user, String password, VpsOrgSimulator simulator,
                                 Map<String, Object> overrides, Clock clock) {
        return start(databaseUrl, user, password, simulator, overrides, clock, List.of(), REVERSE_OF_THE_LISTING);
    }

    /** As {@link #start(TestDatabase, VpsOrgSimulator, Map)}, with {@code beans} of the test's own in the context. */
    static RunningPlatform startWith(TestDatabase database, VpsOrgSimulator simulator, Map<String, Object> overrides,
                                     List<RuntimeBeanDefinition<?>> beans) {
        return start(database.url(), database.user(), database.password(), simulator, overrides, null, beans,
                REVERSE_OF_THE_LISTING);
    }

    /**
     * As {@link #start(TestDatabase, VpsOrgSimulator, Map)}, a failed start's beans destroyed in each round in the order
     * {@code destroyOrder} puts the context's listing in (see {@link #closeAfterFailedStart}).
     */
    static RunningPlatform startDestroyingAFailedStartIn(TestDatabase database, VpsOrgSimulator simulator,
                                                         Map<String, Object> overrides, DestroyOrder destroyOrder) {
        return start(database.url(), database.user(), database.password(), simulator, overrides, null, List.of(),
                destroyOrder);
    }

    /** The order a failed start's close destroys the beans the context lists as made, in one round. */
    @FunctionalInterface
    interface DestroyOrder {
        List<BeanRegistration<Object>> of(List<BeanRegistration<Object>> listed);
    }

    /** The set-up's own order: the reverse of the context's listing, which is its singletons' hash order. */
    static final DestroyOrder REVERSE_OF_THE_LISTING = listed -> listed.reversed();

    /**
     * An order drawn from {@code seed}: the listing sorted by bean type and name first, so that a seed gives the same
     * order in every JVM (the listing's hash order does not), then shuffled.
     */
    static DestroyOrder shuffledWith(long seed) {
        Random random = new Random(seed);
        return listed -> {
            List<BeanRegistration<Object>> order = new ArrayList<>(listed);
            order.sort(Comparator.comparing((BeanRegistration<Object> bean) -> bean.getBeanDefinition().getBeanType()
                    .getName()).thenComparing(bean -> String.valueOf(bean.getIdentifier())));
            Collections.shuffle(order, random);
            return order;
        };
    }

    private static RunningPlatform start(String databaseUrl, String user, String password, VpsOrgSimulator simulator,
                                         Map<String, Object> overrides, Clock clock, List<RuntimeBeanDefinition<?>> beans,
                                         DestroyOrder failedStartDestroyOrder) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("micronaut.server.port", -1);
        properties.put("micronaut.server.host", "127.0.0.1");
        properties.put("datasources.default.url", databaseUrl);
        properties.put("datasources.default.username", user);
        properties.put("datasources.default.password", password);
        properties.put("vpsorg.base-url", simulator.baseUri().toString());
        properties.put("vpsorg.api-token", VpsOrgSimulator.DEMO_TOKEN);
        // Long enough for the in-JVM simulator on a loaded machine: a read that timed out is retried (exact request
        // counts break) and a create becomes 504 OUTCOME_UNKNOWN. A class that hangs VPS.org, or waits a read timeout
        // out, sets its own shorter one (session 55).
        properties.put("vpsorg.read-timeout", "10s");
        properties.put("vpsorg.retry.initial-delay", "20ms");
        properties.put("vpsorg.retry.max-delay", "100ms");
        // The breaker is the adapter's to test; here it would carry one test's faults into the next.
        properties.put("vpsorg.circuit-breaker.window", 1000);
        properties.put("vpsorg.circuit-breaker.failure-threshold", 1000);
        properties.put("vpsr.teams.demo.token-sha256", HashedTeamTokens.sha256Hex(DEMO_TOKEN));
        properties.put("vpsr.teams.demo.servers", "12345");
        properties.put("vpsr.teams.other-team.token-sha256", HashedTeamTokens.sha256Hex(OTHER_TOKEN));
        properties.put("vpsr.teams.other-team.servers", "23456");
        // These suites assert the immediate, VPS.org-shaped restore; SafetySnapshotRestoreEndToEndTest turns it on.
        properties.put("vpsr.teams.demo.safety-snapshot", "false");
        properties.put("vpsr.teams.other-team.safety-snapshot", "false");
        properties.put("vpsr.auditors.compliance.token-sha256", HashedTeamTokens.sha256Hex(AUDITOR_TOKEN));
        properties.put("vpsr.server-lock.max-wait", "20s");
        // Suites send floods of their own (properties, concurrency); FairShareEndToEndTest sets its teams' shares.
        properties.put("vpsr.fair-share.requests-per-minute", "1000000");
        properties.put("vpsr.fair-share.calls-in-flight", "10000");
        Path dataDirectory;
        try {
            // A directory of its own unless the test names one (a restart, a second instance on it).
            dataDirectory = overrides.containsKey("vpsr.data-directory")
                    ? Path.of(overrides.get("vpsr.data-directory").toString())
                    : Files.createTempDirectory("vpsr-data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.put("vpsr.data-directory", dataDirectory.toString());
        // Tests take checkpoints when they mean to (ChainCheckpointJob.takeCheckpoint), not on a timer.
        properties.put("vpsr.audit.checkpoint-every", "1h");
        // Likewise drift scans (DriftScanJobs.scanRound): a timed scan would add drift events to other suites' histories.
        properties.put("vpsr.drift.scan-every", "1h");
        // The suites' first request may be a probe that expects the jobs joined: they start as the server listens,
        // as before ADR 0098; JobsStartAfterTheFirstAnswerEndToEndTest tests the wait for the first answer.
        properties.put("vpsr.jobs.start-wait", "0s");
        properties.putAll(overrides);
        ApplicationContextBuilder builder = ApplicationContext.builder().properties(properties);
        if (clock != null) {
            builder.beanDefinitions(RuntimeBeanDefinition.builder(Clock.class, () -> clock).singleton(true)
                    .replaces(Clock.class).build());
        }
        beans.forEach(builder::beanDefinitions);
        // As builder.run(EmbeddedServer.class), but what a failed start opened is closed: the pool, the jobs and the
        // periodic threads would otherwise outlive the class and log about its dropped database into later classes'.
        ApplicationContext context = builder.build();
        try {
            context.start();
            EmbeddedServer server = context.getBean(EmbeddedServer.class);
            if (!server.isRunning()) {
                server.start();
            }
            return new RunningPlatform(server, dataDirectory);
        } catch (RuntimeException | Error startFailed) {
            try {
                closeAfterFailedStart(context, failedStartDestroyOrder);
            } catch (RuntimeException | Error closeFailed) {
                startFailed.addSuppressed(closeFailed);
            }
            throw startFailed;
        }
    }

    /** Rounds of destroying a failed start's beans before what is still made is reported as left open. */
    private static final int DESTROY_ROUNDS = 5;

    /**
     * A context whose start failed is not running, and Micronaut's close then closes nothing: its beans made so far
     * (the datasource's pool among them) are destroyed here, in {@code destroyOrder} (the set-up's: the reverse of the
     * order the context lists them). That order is its singletons' hash order, not their dependencies': a bean destroyed
     * after the datasource can have a bean made anew for its destroy, and with it a second datasource and pool (until
     * session 55, ChainCheckpointJob's checkpoint on the way out, then a destroy hook, read the chain head through a
     * repository whose connection operations are made at first use: a refused start left "HikariPool-2" running after
     * "HikariPool-1" was closed). So what is made is destroyed again, round after round, until the context holds
     * nothing; what it still holds after the last round fails the start's close.
     */
    private static void closeAfterFailedStart(ApplicationContext context, DestroyOrder destroyOrder) {
        if (context.isRunning()) {
            context.close();
            return;
        }
        RuntimeException failed = null;
        for (int round = 1; round <= DESTROY_ROUNDS; round++) {
            List<BeanRegistration<Object>> made = List.copyOf(context.getActiveBeanRegistrations(Object.class));
            if (made.isEmpty()) {
                break;
            }
            if (round == DESTROY_ROUNDS) {
                failed = add(failed, new IllegalStateException("a failed start's beans are made again at each destroy"
                        + " round: " + made.stream().map(bean -> bean.getBeanDefinition().getBeanType().getName()).toList()));
            }
            for (BeanRegistration<Object> bean : destroyOrder.of(made)) {
                failed = add(failed, destroy(context, bean));
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** {@code bean} destroyed, its pool closed even when its destroy failed; null, or why either failed. */
    private static RuntimeException destroy(ApplicationContext context, BeanRegistration<Object> bean) {
        try {
            try {
                context.destroyBean(bean);
            } finally {
                // The datasource's pool has no destroy hook of its own (its factory closes it at a context's close),
                // and is closed even when its bean's destroy failed: a pool left open went on logging about its
                // dropped database into later classes' tests.
                if (bean.bean() instanceof javax.sql.DataSource dataSource
                        && dataSource.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)) {
                    dataSource.unwrap(com.zaxxer.hikari.HikariDataSource.class).close();
                }
            }
            return null;
        } catch (java.sql.SQLException e) {
            return new IllegalStateException(e);
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static RuntimeException add(RuntimeException failed, RuntimeException more) {
        if (failed == null) {
            return more;
        }
        if (more != null) {
            failed.addSuppressed(more);
        }
        return failed;
    }

    Answer send(String method, String path, String token, String body, Map<String, String> headers) {
        if (body != null && !headers.containsKey("Content-Type")) {
            Map<String, String> withType = new LinkedHashMap<>(headers);
            withType.put("Content-Type", "application/json");
            return sendAsIs(method, path, token, body, withType);
        }
        return sendAsIs(method, path, token, body, headers);
    }

    /** Exactly the headers given: no Content-Type is added to a body. */
    Answer sendAsIs(String method, String path, String token, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            @SuppressWarnings("unchecked")
            boolean isJson = response.headers().firstValue("Content-Type").orElse("").contains("json");
            Map<String, Object> parsed = !isJson || response.body().isEmpty() ? Map.of() : json.readValue(response.body(), Map.class);
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), parsed, response);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer send(String method, String path, String token, String body) {
        return send(method, path, token, body, Map.of());
    }

    /** A snapshot made through the platform with {@code token}, once VPS.org has completed it: its id. */
    long completedSnapshot(String token, long server, String name) {
        Answer created = send("POST", "/api/v1/snapshots/", token,
                "{\"server_id\": " + server + ", \"name\": \"" + name + "\"}");
        assertThat(created.status()).isEqualTo(201);
        long id = ((Number) created.get("id")).longValue();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                "completed".equals(send("GET", "/api/v1/snapshots/" + id + "/", token, null).get("status")));
        return id;
    }

    AuditHistory audit() {
        return context.getBean(AuditHistory.class);
    }

    List<RecordedAuditEvent> auditOf(String requestId) {
        return audit().query(AuditQuery.latest(100).forRequest(new RequestId(requestId))).reversed();
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
