package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** What the stop says of the audit events kept back (ADR 0141, session 46), and the start of its stop signals. */
class DrainOnStopSignalTest {

    /** A history that takes no appends: the database down for the whole stop. */
    private static final AuditHistory DOWN = new AuditHistory() {
        @Override
        public RecordedAuditEvent append(AuditEvent event) {
            throw new IllegalStateException("database unavailable");
        }

        @Override
        public List<RecordedAuditEvent> query(AuditQuery query) {
            throw new IllegalStateException("database unavailable");
        }

        @Override
        public List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit) {
            throw new IllegalStateException("database unavailable");
        }

        @Override
        public ChainVerification verifyChain() {
            throw new IllegalStateException("database unavailable");
        }
    };

    private static AuditEvent event(int n) {
        return new AuditEvent(Instant.parse("2026-12-06T17:00:00Z").plusMillis(n), new TeamId("blue"),
                new RequestId("req-" + n), Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(),
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), OptionalInt.empty(), Map.of());
    }

    /** What {@code action} logged at INFO and above through {@link DrainOnStopSignal}'s logger. */
    private static List<ILoggingEvent> logged(Action action) throws Exception {
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(DrainOnStopSignal.class);
        Level before = logger.getLevel();
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
        return appender.list;
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    @Test
    void eventsInMemoryOnlyAreSaidLostAtTheStopNotKept() throws Exception {
        AuditWriter memoryOnly = new AuditWriter(DOWN);
        memoryOnly.appendOrDefer(event(1));
        memoryOnly.appendOrDefer(event(2));

        List<ILoggingEvent> lines = logged(() -> DrainOnStopSignal.writeKeptAuditEvents(memoryOnly, Duration.ofSeconds(1)));

        assertThat(lines).filteredOn(line -> line.getLevel() == Level.INFO)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .contains("0 stay kept");
        assertThat(lines).filteredOn(line -> line.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("2 audit event(s) in memory only are lost at this stop");
    }

    /**
     * The jobs' stop failing (db-scheduler's stop throwing, a {@code CompletionException} at the join) no longer skips the
     * write of the kept audit events: the events in memory only are still said lost in an ERROR (ADR 0038, session 55).
     */
    @Test
    void aFailedJobsStopStillWritesTheKeptAuditEvents() throws Exception {
        AuditWriter memoryOnly = new AuditWriter(DOWN);
        memoryOnly.appendOrDefer(event(1));
        Drain idle = new Drain(Duration.ZERO, Duration.ofSeconds(1));

        List<ILoggingEvent> lines = logged(() -> DrainOnStopSignal.drain("SIGTERM", idle, () -> {
            throw new IllegalStateException("scheduler refused to stop");
        }, () -> memoryOnly));

        assertThat(idle.isDraining()).isTrue();
        assertThat(lines).filteredOn(line -> line.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .contains("the jobs' stop did not end cleanly").contains("scheduler refused to stop");
        assertThat(lines).filteredOn(line -> line.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("1 audit event(s) in memory only are lost at this stop");
        assertThat(lines).extracting(ILoggingEvent::getFormattedMessage).last().isEqualTo("drained; stopping");
    }

    /**
     * A streamed answer still sending its body when the drain's timeout is reached is cut by the stop: the WARN says how
     * many of the requests left were such answers (ADR 0038, amended in session 56).
     */
    @Test
    void aDrainTimeoutSaysHowManyStreamedAnswersItCuts() throws Exception {
        Drain drain = new Drain(Duration.ZERO, Duration.ofMillis(50));
        drain.requestStarted();
        drain.answered(drain.requestStarted());

        List<ILoggingEvent> lines = logged(() -> DrainOnStopSignal.drain("SIGTERM", drain, () -> { },
                () -> new AuditWriter(DOWN)));

        assertThat(lines).filteredOn(line -> line.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .isEqualTo("drain timeout of PT0.05S reached with 2 request(s) still in flight, 1 of them streamed "
                        + "answer(s) still sending their body (an audit export or summary): cut by this stop, their "
                        + "clients get no end");
    }

    /**
     * A process started with SIGINT ignored (a shell's background job without job control): the JVM sets no handler for
     * it and {@link Signal#handle} answers {@link SignalHandler#SIG_IGN} (so seen on a JVM started under
     * {@code sh -c 'trap "" INT; exec java …'}). The start says once, at INFO, that SIGINT will not stop the process,
     * and nothing of SIGTERM, which drains (ADR 0038, amended in session 47). No context is needed: no signal comes.
     */
    @Test
    void aStopSignalIgnoredWhenTheProcessStartedIsSaidToStayIgnored() throws Exception {
        List<String> handled = new ArrayList<>();

        List<ILoggingEvent> lines = logged(() -> DrainOnStopSignal.install(null, (signal, handler) -> {
            handled.add(signal.getName());
            return signal.getName().equals("INT") ? SignalHandler.SIG_IGN : SignalHandler.SIG_DFL;
        }));

        assertThat(handled).containsExactly("TERM", "INT");
        assertThat(lines).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.INFO, "SIGINT was ignored when this process started and stays ignored: it will not stop it"));
    }

    /** With {@code -Xrs} the JVM refuses a handler for either signal: a WARN for each says its stop will not drain. */
    @Test
    void aStopSignalTheJvmKeepsIsSaidNotToDrain() throws Exception {
        List<ILoggingEvent> lines = logged(() -> DrainOnStopSignal.install(null, (signal, handler) -> {
            throw new IllegalArgumentException("Signal already used by VM or OS: SIG" + signal.getName());
        }));

        assertThat(lines).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage).containsExactly(
                tuple(Level.WARN, "SIGTERM cannot be handled here (Signal already used by VM or OS: SIGTERM): a stop by "
                        + "it will not drain first"),
                tuple(Level.WARN, "SIGINT cannot be handled here (Signal already used by VM or OS: SIGINT): a stop by it "
                        + "will not drain first"));
    }
}
