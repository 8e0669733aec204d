package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ServiceLoggingTest {

    @Test
    void logbackFindsItAsAConfigurator() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(ServiceLogging.class);
    }

    @Test
    void oneLineAnEventOnStandardOutputWithTheRequestId() {
        LoggerContext context = new LoggerContext();
        ServiceLogging.apply(context, null);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
        assertThat(console.isStarted()).isTrue();
        PatternLayoutEncoder encoder = (PatternLayoutEncoder) console.getEncoder();
        Logger logger = context.getLogger("org.vpsrecovery.example.Something");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "it happened", null, null);
        event.setMDCPropertyMap(Map.of("request_id", "r-1"));
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  \\[[^]]+\\] "
                + "\\[request_id=r-1\\] org\\.vpsrecovery\\.example\\.Something - it happened\\R");
    }

    @Test
    void theEmbeddedPartsAndThePoolSayOnlyWarnings() {
        LoggerContext context = new LoggerContext();
        ServiceLogging.apply(context, null);

        assertThat(context.getLogger("io.zonky.test.db").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("com.zaxxer.hikari.pool.HikariPool").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.flywaydb.core.Flyway").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.vpsrecovery.bootstrap.Application").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void theClusterJobsLevelIsTheSettingsAndInfoWhenItIsNoLevel() {
        LoggerContext debug = new LoggerContext();
        ServiceLogging.apply(debug, "DEBUG");
        assertThat(debug.getLogger(ClusterJobs.class).getLevel()).isEqualTo(Level.DEBUG);

        LoggerContext unset = new LoggerContext();
        ServiceLogging.apply(unset, null);
        assertThat(unset.getLogger(ClusterJobs.class).getLevel()).isEqualTo(Level.INFO);

        LoggerContext wrong = new LoggerContext();
        ServiceLogging.apply(wrong, "LOUD");
        assertThat(wrong.getLogger(ClusterJobs.class).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aLogbackTestFileOnTheClassPathIsLeftToLogback() {
        // bootstrap's tests carry logback-test.xml, as an operator's -Dlogback.configurationFile is left to logback too.
        assertThat(new ServiceLogging().configure(new LoggerContext())).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }

    /**
     * A PostgreSQL outage: db-scheduler's loops logged "Unhandled exception. Will keep running." at ERROR with a 45-60
     * line trace at every failure. Now each loop says one line as its failures begin (no trace, no host), a reminder
     * at most every 10 min with the count, and one line when db-scheduler's event says it ran again (session 53).
     */
    @Test
    void theSchedulersLoopsSayAnOutageInALineAsItBeginsARemindEveryTenMinutesAndALineAsItEnds() {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        LoggerContext context = new LoggerContext();
        ServiceLogging.apply(context, null, nanos::get);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender("STDOUT");
        ch.qos.logback.core.read.ListAppender<ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.setContext(context);
        lines.start();
        root.addAppender(lines);
        Exception outage = new RuntimeException("Unable to open connection", new java.sql.SQLTransientConnectionException(
                "Connection to 10.0.0.7:5432 refused", "08001", new java.net.ConnectException("Connection refused")));
        Logger polling = context.getLogger("com.github.kagkarlsson.scheduler.RunUntilShutdown");
        Logger housekeeping = context.getLogger("com.github.kagkarlsson.scheduler.RunAndLogErrors");

        for (int i = 0; i <= 100; i++) { // 10 min at one poll every 6 s
            polling.error("Unhandled exception. Will keep running.", outage);
            if (i % 4 == 0 && i < 100) {
                housekeeping.error("Unhandled exception. Will keep running.", outage);
            }
            nanos.addAndGet(java.time.Duration.ofSeconds(6).toNanos());
        }
        // Own-merge review of session 53: a failure that is not the database's (a bug) keeps its line and its trace.
        polling.error("Unhandled exception. Will keep running.", new IllegalStateException("task data unreadable"));
        polling.error("Unexpected interruption of thread. Will keep running.", new InterruptedException());
        SchedulerLoopLines.listenerIn(context).ifPresent(listener -> {
            listener.onSchedulerEvent(com.github.kagkarlsson.scheduler.event.SchedulerListener.SchedulerEventType
                    .RAN_EXECUTE_DUE);
            listener.onSchedulerEvent(com.github.kagkarlsson.scheduler.event.SchedulerListener.SchedulerEventType
                    .RAN_EXECUTE_DUE);
        });

        java.util.List<String> said = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(said).hasSize(6);
        assertThat(said.get(0)).isEqualTo("db-scheduler's polling for due jobs is failing: java.lang.RuntimeException: "
                + "Unable to open connection (the database: nothing accepted the connection at its host and port); it "
                + "keeps trying, one line at most every 10 min while it fails and one when it works again");
        assertThat(said.get(1)).startsWith("db-scheduler's housekeeping (heartbeats, dead executions) is failing: ");
        assertThat(said.get(2)).startsWith("db-scheduler's polling for due jobs is still failing after 600 s: 99 more "
                + "failure(s) since the last line (101 in all); last: java.lang.RuntimeException");
        assertThat(said.get(3)).as("not the database's: as db-scheduler says it")
                .isEqualTo("Unhandled exception. Will keep running.");
        assertThat(lines.list.get(3).getThrowableProxy()).as("with its trace").isNotNull();
        assertThat(said.get(4)).as("not an outage: as db-scheduler says it")
                .isEqualTo("Unexpected interruption of thread. Will keep running.");
        assertThat(said.get(5)).isEqualTo("db-scheduler's polling for due jobs works again after 101 failure(s) over 606 s");
        assertThat(lines.list.subList(0, 3)).allSatisfy(line -> assertThat(line.getThrowableProxy()).isNull());
        assertThat(String.join("\n", said)).doesNotContain("10.0.0.7");
    }
}
