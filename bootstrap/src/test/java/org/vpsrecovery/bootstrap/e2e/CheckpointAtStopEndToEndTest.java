package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
 * chain head on the way out (ADR 0052/0022) while the pool is still open: the checkpoint round's {@code @PreDestroy}
 * runs before the datasource factory's closes the pool, and no second pool is made for it. A failed start's close
 * did make one (RunningPlatform.closeAfterFailedStart): there Micronaut destroys nothing in dependency order.
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

    @Test
    void aStopSignsTheHeadOnTheWayOutThroughTheOpenPoolAndMakesNoOtherPool() throws SQLException {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        platform = RunningPlatform.start(DATABASE.anotherMigrated(), simulator, PlatformOnSimulator.NO_BACKGROUND_TRACKING);
        createSnapshot("before-the-last-checkpoint");
        ChainCheckpoint last = platform.context.getBean(ChainCheckpointJob.class).takeCheckpoint().recorded()
                .orElseThrow();
        createSnapshot("after-the-last-checkpoint");
        ChainPosition head = platform.context.getBean(ChainPositions.class).head();
        assertThat(head.sequence()).as("events after the last checkpoint").isGreaterThan(last.sequence());
        HikariDataSource pool = platform.context.getBean(DataSource.class).unwrap(HikariDataSource.class);
        Path checkpoints = platform.dataDirectory.resolve("checkpoints");
        int poolsMadeBefore = poolsMadeInThisJvm();

        List<ILoggingEvent> logged;
        try (RootLogLines lines = RootLogLines.capture()) {
            RunningPlatform stopping = platform;
            platform = null;
            stopping.close(); // what the shutdown hook does once SIGTERM's drain ended (DrainOnStopSignal)
            logged = lines.events();
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
