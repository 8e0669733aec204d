package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.bootstrap.MeteredAuditHistory.AppendOutcome;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AttemptAlreadyEnded;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/** vpsr.audit.append by outcome (ADR 0038, amended in session 43): written, refused as the domain expects, failed. */
class MeteredAuditHistoryTest {

    private static final AuditEvent EVENT = new AuditEvent(Instant.parse("2026-01-15T10:00:00Z"), new TeamId("blue"),
            new RequestId("r1"), Operation.DELETE_SNAPSHOT, Optional.empty(), Optional.empty(), new Outcome.Completed(),
            OptionalInt.of(204), Map.of());

    @Test
    void onlyTheSecondEndOfAnAttemptIsARefusalEverythingElseThrownIsAFailure() {
        assertThat(AppendOutcome.of(new AttemptAlreadyEnded("a1", "ended"))).isEqualTo(AppendOutcome.REFUSED);
        assertThat(AppendOutcome.of(new PlatformUnavailable("down", java.time.Duration.ofSeconds(1), null)))
                .isEqualTo(AppendOutcome.FAILED);
        assertThat(AppendOutcome.of(new IllegalStateException("relation \"audit_event\" does not exist")))
                .isEqualTo(AppendOutcome.FAILED);
        assertThat(AppendOutcome.of(new OutOfMemoryError())).isEqualTo(AppendOutcome.FAILED);
    }

    @Test
    void eachAppendIsCountedUnderItsOutcomeAndTheScrapeHoldsAllThree() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<RuntimeException> next = new AtomicReference<>();
        MeteredAuditHistory history = new MeteredAuditHistory(new AppendsOnly(next), registry);
        // Every outcome's series is there before its first append, at 0: rate() and increase() count from it.
        assertThat(registry.scrape()).contains("vpsr_audit_append_seconds_count{outcome=\"written\"} 0",
                "vpsr_audit_append_seconds_count{outcome=\"refused\"} 0",
                "vpsr_audit_append_seconds_count{outcome=\"failed\"} 0");

        history.append(EVENT);
        history.appendAll(List.of(EVENT, EVENT)); // one wait: counted once
        next.set(new AttemptAlreadyEnded("a1", "ended"));
        assertThatThrownBy(() -> history.append(EVENT)).isInstanceOf(AttemptAlreadyEnded.class);
        next.set(new IllegalStateException("the database is out of reach"));
        assertThatThrownBy(() -> history.appendAll(List.of(EVENT))).isInstanceOf(IllegalStateException.class);

        assertThat(count(registry, "written")).isEqualTo(2);
        assertThat(count(registry, "refused")).isEqualTo(1);
        assertThat(count(registry, "failed")).isEqualTo(1);
        assertThat(registry.scrape()).contains("vpsr_audit_append_seconds_count{outcome=\"written\"} 2",
                "vpsr_audit_append_seconds_count{outcome=\"refused\"} 1",
                "vpsr_audit_append_seconds_count{outcome=\"failed\"} 1");
    }

    private static long count(PrometheusMeterRegistry registry, String outcome) {
        return registry.get(MeteredAuditHistory.NAME).tag("outcome", outcome).timer().count();
    }

    /** Takes every append, or throws the failure set for the next one; nothing is read. */
    private record AppendsOnly(AtomicReference<RuntimeException> next) implements AuditHistory {

        @Override
        public RecordedAuditEvent append(AuditEvent event) {
            RuntimeException failure = next.getAndSet(null);
            if (failure != null) {
                throw failure;
            }
            return new RecordedAuditEvent(1, event);
        }

        @Override
        public List<RecordedAuditEvent> query(AuditQuery query) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChainVerification verifyChain() {
            throw new UnsupportedOperationException();
        }
    }
}
