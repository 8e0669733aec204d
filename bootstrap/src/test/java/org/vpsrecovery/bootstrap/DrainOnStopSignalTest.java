package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
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

/** What the stop says of the audit events kept back (ADR 0141, session 46). */
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

    @Test
    void eventsInMemoryOnlyAreSaidLostAtTheStopNotKept() throws Exception {
        AuditWriter memoryOnly = new AuditWriter(DOWN);
        memoryOnly.appendOrDefer(event(1));
        memoryOnly.appendOrDefer(event(2));
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(DrainOnStopSignal.class);
        Level before = logger.getLevel();
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        try {
            DrainOnStopSignal.writeKeptAuditEvents(memoryOnly, Duration.ofSeconds(1));
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }

        assertThat(appender.list).filteredOn(line -> line.getLevel() == Level.INFO)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .contains("0 stay kept");
        assertThat(appender.list).filteredOn(line -> line.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("2 audit event(s) in memory only are lost at this stop");
    }
}
