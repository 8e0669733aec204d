package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.RuntimeBeanDefinition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.PgServerLock;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.bootstrap.ClusterJobs;
import org.vpsrecovery.bootstrap.ClusterJobsByHand;
import org.vpsrecovery.bootstrap.PolicyRunJobs;
import org.vpsrecovery.bootstrap.WebhookJobs;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The jobs' stop on this instance (ADR 0025 and 0038, session 55): it says the counts the tracker's and the webhooks'
 * folded lines held back, which no later run here would say; and a stop of the jobs that throws at the context's stop is
 * logged, the beans' own stops going on after it.
 */
class JobsStopLinesEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final long SERVER = 12345;

    VpsOrgSimulator simulator;
    RunningPlatform platform;

    @BeforeEach
    void startSimulator() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
    }

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
        simulator.close();
    }

    /**
     * The tracker passed a server over twice within its line's interval (a server lock another session holds) and two
     * webhook deliveries died so: one line each, a count of one each held back, said by the jobs' stop.
     */
    @Test
    void theJobsStopSaysWhatTheTrackersAndTheWebhooksLinesHeldBack() throws Exception {
        // The test runs the rounds: no scheduler of the platform's own runs them meanwhile.
        platform = RunningPlatform.start(DATABASE.database(), simulator,
                Map.of("vpsr.jobs.start-wait", "1h", "vpsr.server-lock.max-wait", "200ms"));
        RunningPlatform.Answer created = platform.send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": " + SERVER + ", \"name\": \"followed-then-passed-over\"}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        TrackOperationsService tracker = platform.context.getBean(TrackOperationsService.class);
        try (Connection holder = DATABASE.dataSource().getConnection();
             Captured trackerLines = Captured.of(TrackOperationsService.class.getName())) {
            holdServerLocks(holder);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                tracker.tick();
                return trackerLines.warnings().stream().anyMatch(line -> line.contains("passed over server " + SERVER));
            });
            tracker.tick(); // passed over again within the line's interval: held back
            assertThat(trackerLines.warnings()).filteredOn(line -> line.contains("passed over server")).hasSize(1);
        }
        ClusterJobsByHand.holdBackAWebhookDeathLine(platform.context.getBean(WebhookJobs.class));

        List<String> said;
        try (Captured trackerLines = Captured.of(TrackOperationsService.class.getName());
             Captured webhookLines = Captured.of(WebhookJobs.class.getName())) {
            ClusterJobsByHand.stop(platform.context.getBean(ClusterJobs.class));
            said = new java.util.ArrayList<>(trackerLines.warnings());
            said.addAll(webhookLines.warnings());
        }

        // A round may pass the server over more than once (its operations' slices): how many is the tracker's to say.
        assertThat(said).hasSize(2);
        assertThat(said.get(0)).matches("the tracker passed over server " + SERVER + " [1-9][0-9]* more time\\(s\\) since "
                + "its last line, said as this instance stops");
        assertThat(said.get(1)).isEqualTo("webhook deliveries put off with no attempt for longer than their retries may "
                + "take: 1 more dead so since the last line, said as this instance stops");
    }

    /**
     * The jobs' stop throws at the context's stop (here the policy runs' held-back lines; in production, say, a class
     * missing from a jar replaced under the running instance): logged, and the context's stop goes on to destroy the
     * beans (the server locks' store refuses a hold once closed). Micronaut publishes the event outside any try: thrown
     * out, it skipped every bean's destroy (review of session 55).
     */
    @Test
    void aJobsStopThatThrowsAtTheContextsStopIsLoggedAndTheBeansAreStillDestroyed() {
        IllegalStateException failure = new IllegalStateException("the policy runs' lines could not be said");
        platform = RunningPlatform.startWith(DATABASE.database(), simulator, Map.of("vpsr.jobs.start-wait", "1h"),
                List.of(RuntimeBeanDefinition.builder(PolicyRunJobs.class,
                                () -> ClusterJobsByHand.policyRunsWhoseStopLinesFail(DATABASE.dataSource(), failure))
                        .singleton(true).replaces(PolicyRunJobs.class).build()));
        PgServerLock locks = platform.context.getBean(PgServerLock.class);
        assertThat(locks.callExclusively(new ServerId(SERVER), () -> "held")).isEqualTo("held");

        List<ILoggingEvent> jobsLines;
        try (Captured captured = Captured.of(ClusterJobs.class.getName())) {
            RunningPlatform stopping = platform;
            platform = null;
            stopping.close();
            jobsLines = captured.events();
        }

        assertThat(jobsLines).filteredOn(line -> line.getLevel() == Level.WARN)
                .anySatisfy(line -> {
                    assertThat(line.getFormattedMessage()).isEqualTo(
                            "the jobs' stop failed; the way-out round and the beans' stop go on");
                    assertThat(line.getThrowableProxy().getMessage()).isEqualTo(failure.getMessage());
                });
        assertThat(catchThrowable(() -> locks.callExclusively(new ServerId(SERVER), () -> "held")))
                .as("the server locks' store was closed by the context's stop").isNotNull();
    }

    /**
     * The context's stop, through Micronaut's publisher: the jobs' stop says its held-back lines before the HTTP adapter's
     * held-back lines are said. Each is a listener bean with its own order (review of session 56): an {@code @Order} on
     * an {@code @EventListener} method is not seen by the publisher's sort (Micronaut issue #12129).
     */
    @Test
    void theAdaptersHeldBackLinesAreSaidAfterTheJobsStopAtTheContextsStop() {
        platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of("vpsr.jobs.start-wait", "1h"));
        ClusterJobsByHand.holdBackAWebhookDeathLine(platform.context.getBean(WebhookJobs.class));
        ch.qos.logback.classic.Logger handlers = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
                org.vpsrecovery.adapters.http.facade.FacadeExceptionHandlers.class);
        ProviderFailure outOfTime = ProviderFailure.neverSent(ProviderFailure.NotSent.OUT_OF_REQUEST_TIME,
                "too little of the request's time was left", java.util.Optional.empty(), null);
        for (int i = 0; i < 2; i++) { // said, then held back
            org.vpsrecovery.adapters.http.facade.FacadeProblems.logIfOurs(handlers,
                    io.micronaut.http.HttpRequest.GET("/api/v1/servers/"),
                    io.micronaut.http.HttpStatus.SERVICE_UNAVAILABLE, outOfTime);
        }

        List<String> said;
        try (Captured all = Captured.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
            RunningPlatform stopping = platform;
            platform = null;
            stopping.close();
            said = all.warnings();
        }

        int jobsLine = indexOf(said, "webhook deliveries put off with no attempt");
        int adapterLine = indexOf(said, "without a call sent to VPS.org");
        assertThat(jobsLine).as("%s", said).isNotNegative();
        assertThat(adapterLine).as("%s", said).isGreaterThan(jobsLine);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The data every task of the running platform declares reads back through the service's serializer, populated as
     * the release may write it: a new task declaring a JDK class outside its allow-list (a {@code Boolean}, say) would
     * have its data read as none at every run, its rounds never going on (ADR 0024, own-merge review of session 56).
     */
    @Test
    void theDataEveryTaskDeclaresReadsBack() {
        platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of("vpsr.jobs.start-wait", "1h"));
        ClusterJobs jobs = platform.context.getBean(ClusterJobs.class);

        assertThat(ClusterJobsByHand.taskNames(jobs)).contains("track-operations", "reconcile-intents");
        assertThat(ClusterJobsByHand.declaredTaskDataNotReadBack(jobs)).isEmpty();
    }

    /** Both of the server's locks, a request's and the trackers' following one, held by {@code holder}'s session. */
    private static void holdServerLocks(Connection holder) throws Exception {
        for (int namespace : new int[] {PgServerLock.NAMESPACE, PgServerLock.FOLLOWING_NAMESPACE}) {
            try (PreparedStatement lock = holder.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
                lock.setInt(1, namespace);
                lock.setInt(2, (int) SERVER);
                lock.execute();
            }
        }
    }

    /** What one logger says while it is open (a ListAppender on it). */
    private static final class Captured implements AutoCloseable {
        private final ch.qos.logback.classic.Logger logger;
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        private Captured(String name) {
            logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
            appender.start();
            logger.addAppender(appender);
        }

        static Captured of(String name) {
            return new Captured(name);
        }

        List<ILoggingEvent> events() {
            synchronized (appender) { // Logback appends under the appender's lock
                return List.copyOf(appender.list);
            }
        }

        List<String> warnings() {
            return events().stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }
}
