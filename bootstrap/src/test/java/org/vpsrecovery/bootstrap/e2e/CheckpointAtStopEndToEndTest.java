package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.RuntimeBeanDefinition;
import io.micronaut.context.event.BeanPreDestroyEvent;
import io.micronaut.context.event.BeanPreDestroyEventListener;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.checkpoint.FileChainCheckpoints;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.ChainCheckpointJob;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.port.ChainPositions;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * A running service's stop, its context closed as SIGTERM's shutdown hook closes it after the drain, signs the audit
 * chain head on the way out (ADR 0052/0022) while the pool is still open, and makes no second pool for it: the round is
 * taken on Micronaut's ShutdownEvent, before any bean is destroyed, so whatever order Micronaut destroys the beans in
 * (the pool closed first, the worst) does not matter. A failed start's close, where Micronaut publishes no ShutdownEvent
 * and the set-up destroys the beans in an order of its own, takes no round at all (ADR 0052, amended in session 55).
 */
class CheckpointAtStopEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /** Hikari numbers every pool it makes in the JVM from this system property (HikariConfig.generatePoolName). */
    private static final String POOL_NUMBER = "com.zaxxer.hikari.pool_number";
    private static final Pattern POOL_THREAD = Pattern.compile("HikariPool-(\\d+)[: ].*");

    private VpsOrgSimulator simulator;
    private RunningPlatform platform;

    @AfterEach
    void stopWhatIsLeft() {
        if (platform != null) {
            platform.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** When the stop's context close closes the pool. */
    enum PoolClosed {
        /** Where Micronaut's topological sort of the beans puts the datasource factory's close: near the end. */
        WHERE_MICRONAUT_SORTS_IT,
        /** Before the first bean is destroyed: the worst order, which nothing of Micronaut's promises not to take. */
        BEFORE_THE_FIRST_DESTROY
    }

    @ParameterizedTest
    @EnumSource(PoolClosed.class)
    void aStopSignsTheHeadOnTheWayOutThroughTheOpenPoolAndMakesNoOtherPool(PoolClosed poolClosed) throws SQLException {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        PoolClosedAtTheFirstDestroy poolCloser = new PoolClosedAtTheFirstDestroy();
        platform = RunningPlatform.startWith(DATABASE.anotherMigrated(), simulator,
                PlatformOnSimulator.NO_BACKGROUND_TRACKING, List.of(RuntimeBeanDefinition.builder(
                        BeanPreDestroyEventListener.class, () -> poolCloser).singleton(true).build()));
        createSnapshot("before-the-last-checkpoint");
        ChainCheckpoint last = platform.context.getBean(ChainCheckpointJob.class).takeCheckpoint().recorded()
                .orElseThrow();
        createSnapshot("after-the-last-checkpoint");
        ChainPosition head = platform.context.getBean(ChainPositions.class).head();
        assertThat(head.sequence()).as("events after the last checkpoint").isGreaterThan(last.sequence());
        HikariDataSource pool = platform.context.getBean(DataSource.class).unwrap(HikariDataSource.class);
        if (poolClosed == PoolClosed.BEFORE_THE_FIRST_DESTROY) {
            poolCloser.closeAtTheFirstDestroy(pool);
        }
        Path checkpoints = platform.dataDirectory.resolve("checkpoints");
        int poolsMadeBefore = poolsMadeInThisJvm();

        List<ILoggingEvent> logged;
        try (RootLogLines lines = RootLogLines.capture()) {
            RunningPlatform stopping = platform;
            platform = null;
            stopping.close(); // what the shutdown hook does once SIGTERM's drain ended (DrainOnStopSignal)
            logged = lines.events();
        }

        if (poolClosed == PoolClosed.BEFORE_THE_FIRST_DESTROY) {
            assertThat(poolCloser.closedAt()).as("the pool was closed at the first destroy").isNotNull();
        }
        assertThat(new FileChainCheckpoints(checkpoints).latest().map(ChainCheckpoint::position))
                .as("the last checkpoint is at the head").contains(head);
        assertThat(logged).as("nothing failed on the way out")
                .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(message -> message.contains("the checkpoint at shutdown failed"))
                .noneMatch(message -> message.contains("audit chain checkpoint round is still under way"));
        assertThat(pool.isClosed()).as("the service's pool is closed at the stop").isTrue();
        assertThat(poolsMadeInThisJvm()).as("no pool made during the stop").isEqualTo(poolsMadeBefore);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .as("no thread of a pool made during the stop")
                .noneMatch(name -> poolNumber(name) > poolsMadeBefore);
    }

    /**
     * A context closed without the drain (SIGHUP, or the drain's handler not installed) stops the job scheduler on the
     * ShutdownEvent before the checkpoint's round, so no job appends after the head signed on the way out; before, the
     * scheduler stopped only in its @PreDestroy, after the round (ADR 0052, amended in session 55).
     */
    @Test
    void aCloseWithoutTheDrainStopsTheJobsBeforeTheCheckpointsRound() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        platform = RunningPlatform.startWith(DATABASE.anotherMigrated(), simulator,
                PlatformOnSimulator.NO_BACKGROUND_TRACKING, List.of());
        createSnapshot("signed-on-the-way-out"); // an event the round on the way out signs

        Logger scheduler = (Logger) LoggerFactory.getLogger(Scheduler.class);
        Logger checkpointJob = (Logger) LoggerFactory.getLogger(ChainCheckpointJob.class);
        Level schedulerWas = scheduler.getLevel();
        Level checkpointJobWas = checkpointJob.getLevel();
        List<String> logged;
        try (RootLogLines lines = RootLogLines.capture()) {
            scheduler.setLevel(Level.INFO); // "Shutting down Scheduler." when it stops
            checkpointJob.setLevel(Level.DEBUG); // "audit chain checkpoint: event ..." when a round signs
            RunningPlatform stopping = platform;
            platform = null;
            stopping.close(); // the context's close alone, no drain before it
            logged = lines.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
        } finally {
            scheduler.setLevel(schedulerWas);
            checkpointJob.setLevel(checkpointJobWas);
        }

        int jobsStopped = logged.indexOf("Shutting down Scheduler.");
        int signed = logged.stream().filter(line -> line.startsWith("audit chain checkpoint: event")).findFirst()
                .map(logged::indexOf).orElse(-1);
        assertThat(signed).as("the round on the way out signed the head: %s", logged).isNotNegative();
        assertThat(jobsStopped).as("the jobs stopped before that round: %s", logged).isNotNegative()
                .isLessThan(signed);
    }

    /**
     * A setting refused while the context starts, after the pool, Flyway's migrations and the checkpoint job were made:
     * the set-up's close destroys the beans made (RunningPlatform.closeAfterFailedStart), here in orders drawn from
     * fixed seeds, on the class's database (a refused start writes nothing). Until session 55 the job's destroy took a round: where the datasource went first, its pool closed,
     * the round made a second datasource and pool.
     */
    @ParameterizedTest(name = "destroy order drawn from seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aRefusedStartsCloseTakesNoCheckpointAndMakesNoSecondPoolInAnyDestroyOrder(long seed) {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        Set<Class<?>> destroyed = new HashSet<>();
        RunningPlatform.DestroyOrder shuffled = RunningPlatform.shuffledWith(seed);
        int poolsMadeBefore = poolsMadeInThisJvm();

        Throwable refused;
        List<ILoggingEvent> logged;
        try (RootLogLines lines = RootLogLines.capture()) {
            refused = catchThrowable(() -> RunningPlatform.startDestroyingAFailedStartIn(DATABASE.database(),
                    simulator, Map.of("vpsr.idempotency.lease", "24h"), listed -> {
                        listed.forEach(bean -> destroyed.add(bean.getBeanDefinition().getBeanType()));
                        return shuffled.of(listed);
                    }));
            logged = lines.events();
        }

        assertThat(refused).as("the start is refused").hasStackTraceContaining("vpsr.idempotency.lease");
        assertThat(destroyed).as("the refused start had made the checkpoint job and the datasource")
                .contains(ChainCheckpointJob.class).anyMatch(DataSource.class::isAssignableFrom);
        assertThat(poolsMadeInThisJvm() - poolsMadeBefore).as("pools made: the start's only").isEqualTo(1);
        assertThat(logged).as("no checkpoint tried on the way out of a refused start")
                .filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(message -> message.contains("checkpoint at shutdown"));
    }

    /** Closes the service's pool, once given, before the first bean of a context's close is destroyed. */
    private static final class PoolClosedAtTheFirstDestroy implements BeanPreDestroyEventListener<Object> {
        private volatile HikariDataSource pool;
        private volatile String closedAt;

        void closeAtTheFirstDestroy(HikariDataSource pool) {
            this.pool = pool;
        }

        /** The bean whose destroy came first, with the pool closed before it; null if the pool was not closed here. */
        String closedAt() {
            return closedAt;
        }

        @Override
        public Object onPreDestroy(BeanPreDestroyEvent<Object> event) {
            HikariDataSource toClose = pool;
            if (toClose != null && closedAt == null) {
                toClose.close();
                closedAt = event.getBeanDefinition().getBeanType().getName();
            }
            return event.getBean();
        }
    }

    private void createSnapshot(String name) {
        Answer created = platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"" + name + "\"}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    }

    private static int poolsMadeInThisJvm() {
        return Integer.getInteger(POOL_NUMBER, 0);
    }

    /** The number of the pool a Hikari thread belongs to; 0 for any other thread. */
    private static int poolNumber(String threadName) {
        Matcher pool = POOL_THREAD.matcher(threadName);
        return pool.matches() ? Integer.parseInt(pool.group(1)) : 0;
    }
}
