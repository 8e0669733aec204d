package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

class AuditChainTest {

    private static final AuditEvent FAILED = new AuditEvent(Instant.parse("2026-01-15T10:00:00.000001Z"),
            new TeamId("blue"), new RequestId("req-1"), Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)),
            Optional.of(ResourceRef.of(new SnapshotId(801))),
            new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "provider answered 503"), OptionalInt.of(503),
            Map.of("name", "pre-migration", "attempt", "2"));

    @Test
    void theCanonicalEncodingIsPinned() {
        String encoding = new String(AuditChain.canonicalEncoding(7, FAILED), StandardCharsets.UTF_8);

        assertThat(encoding).isEqualTo("""
                vpsr-audit-v1
                1:7
                16:1768471200000001
                4:blue
                5:req-1
                15:CREATE_SNAPSHOT
                5:12345
                8:SNAPSHOT
                3:801
                6:FAILED
                20:PROVIDER_UNAVAILABLE
                21:provider answered 503
                3:503
                1:2
                7:attempt
                1:2
                4:name
                13:pre-migration
                """);
    }

    @Test
    void theEncodingAfterTheSequenceIsTheCanonicalEncodingWithoutItsHeaderAndSequenceLines() {
        // A writer that learns the sequence in the database adds these two ASCII lines there (ADR 0115).
        for (long sequence : new long[] {1, 9, 10, 1_234_567_890_123L}) {
            String lines = AuditChain.FORMAT + "\n" + Long.toString(sequence).length() + ":" + sequence + "\n";
            byte[] expected = (lines + new String(AuditChain.encodingAfterSequence(FAILED), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(AuditChain.canonicalEncoding(sequence, FAILED)).isEqualTo(expected);
        }
    }

    @Test
    void absentFieldsAreMarkedSoTheyCannotBeConfusedWithText() {
        AuditEvent accepted = new AuditEvent(Instant.parse("2026-01-15T10:00:00Z"), new TeamId("blue"),
                new RequestId("r"), Operation.DELETE_BACKUP, Optional.empty(), Optional.empty(),
                new Outcome.Accepted(), OptionalInt.empty(), Map.of());

        String encoding = new String(AuditChain.canonicalEncoding(1, accepted), StandardCharsets.UTF_8);

        assertThat(encoding).endsWith("8:ACCEPTED\n-\n-\n-\n1:0\n");
    }

    @Test
    void theHashIsChainedAndSensitiveToPositionPredecessorAndContent() {
        ChainHash first = AuditChain.link(ChainHash.GENESIS, 1, FAILED);

        assertThat(AuditChain.link(ChainHash.GENESIS, 1, FAILED)).isEqualTo(first);
        assertThat(AuditChain.link(ChainHash.GENESIS, 2, FAILED)).isNotEqualTo(first);
        assertThat(AuditChain.link(first, 1, FAILED)).isNotEqualTo(first);
        assertThat(AuditChain.link(ChainHash.GENESIS, 1, new AuditEvent(FAILED.occurredAt(), FAILED.team(),
                FAILED.requestId(), FAILED.operation(), FAILED.server(), FAILED.resource(), FAILED.outcome(),
                OptionalInt.of(502), FAILED.detail()))).isNotEqualTo(first);
    }

    @Test
    void detailOrderDoesNotMatterButItsContentDoes() {
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("name", "pre-migration");
        reversed.put("attempt", "2");
        AuditEvent sameDetail = new AuditEvent(FAILED.occurredAt(), FAILED.team(), FAILED.requestId(),
                FAILED.operation(), FAILED.server(), FAILED.resource(), FAILED.outcome(), FAILED.providerStatus(),
                reversed);

        assertThat(AuditChain.link(ChainHash.GENESIS, 1, sameDetail))
                .isEqualTo(AuditChain.link(ChainHash.GENESIS, 1, FAILED));
    }

    @Test
    void nanosecondsBeyondTheMicrosecondDoNotChangeTheHash() {
        AuditEvent withNanos = new AuditEvent(Instant.parse("2026-01-15T10:00:00.000001999Z"), FAILED.team(),
                FAILED.requestId(), FAILED.operation(), FAILED.server(), FAILED.resource(), FAILED.outcome(),
                FAILED.providerStatus(), FAILED.detail());

        assertThat(AuditChain.asStored(withNanos)).isEqualTo(FAILED);
        assertThat(AuditChain.link(ChainHash.GENESIS, 1, withNanos))
                .isEqualTo(AuditChain.link(ChainHash.GENESIS, 1, FAILED));
    }
}
