package org.vpsrecovery.application.audit;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.CheckpointCheck;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * Walks the stored chain and compares it with every signed checkpoint kept outside the database,
 * which is what catches the database's owner cutting the chain back or rewriting it, head and all.
 */
public final class VerifyAuditChainService implements VerifyAuditChainUseCase {

    private final AuditHistory history;
    private final ChainPositions positions;
    private final ChainCheckpoints checkpoints;
    private final CheckpointKeys trusted;
    private final AuditReadSlots slots;

    public VerifyAuditChainService(AuditHistory history, ChainPositions positions, ChainCheckpoints checkpoints,
                                   CheckpointKeys trusted, AuditReadSlots slots) {
        this.slots = Objects.requireNonNull(slots, "slots");
        this.history = Objects.requireNonNull(history, "history");
        this.positions = Objects.requireNonNull(positions, "positions");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.trusted = Objects.requireNonNull(trusted, "trusted keys");
    }

    @Override
    public ChainVerification verifyAuditChain(AuditReader reader, WalkStart start) {
        Objects.requireNonNull(start, "start");
        // The chain runs through every team's events; a team reads only its own.
        if (!(reader instanceof AuditReader.Auditor)) {
            throw new AccessDenied("only an auditor verifies the whole audit chain");
        }
        return slots.read(reader, () -> {
            CheckpointCheck check = StoredCheckpointsReading.checkAll(checkpoints, positions, trusted);
            // Every checkpoint is compared first; the latest walked one then vouches for the events up to it.
            Optional<ChainCheckpoint> from = start == WalkStart.LATEST_CHECKPOINT ? check.walkStart() : Optional.empty();
            return check.against(from.map(checkpoint -> history.verifyChainAfter(checkpoint.sequence(), checkpoint.hash()))
                    .orElseGet(history::verifyChain));
        });
    }
}
