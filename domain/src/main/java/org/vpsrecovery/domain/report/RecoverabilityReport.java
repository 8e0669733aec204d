package org.vpsrecovery.domain.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Recoverability of every server a reader may see, as of {@code generatedAt} (ages count from it). */
public record RecoverabilityReport(Instant generatedAt, Duration expiringWithin, List<ServerRecoverability> servers) {

    public RecoverabilityReport {
        Objects.requireNonNull(generatedAt, "generated at");
        Objects.requireNonNull(expiringWithin, "expiring within");
        if (expiringWithin.isNegative()) {
            throw new IllegalArgumentException("expiring within must not be negative");
        }
        servers = List.copyOf(servers);
    }

    /** The servers with neither a completed snapshot nor a usable completed backup. */
    public List<ServerRecoverability> withoutRecoveryPoint() {
        return servers.stream().filter(s -> !s.hasRecoveryPoint()).toList();
    }
}
