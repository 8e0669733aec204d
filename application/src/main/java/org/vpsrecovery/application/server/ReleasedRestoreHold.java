package org.vpsrecovery.application.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A restore's hold on {@code server}, released at {@code releasedAt}: the hold had lasted from {@code since} and
 * would have lasted until {@code until}. {@code restore} is the restore's operation, now {@code released}, when the
 * releasing team asked that restore; empty when it did not (the teams file moved the server to it since), since the
 * operation, its request and its point are the asking team's (ADR 0026, amended in session 39).
 */
public record ReleasedRestoreHold(ServerId server, Instant since, Instant until, Instant releasedAt,
                                  Optional<RecoveryOperation> restore) {

    public ReleasedRestoreHold {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(releasedAt, "released at");
        Objects.requireNonNull(restore, "restore (may be empty, not null)");
    }
}
