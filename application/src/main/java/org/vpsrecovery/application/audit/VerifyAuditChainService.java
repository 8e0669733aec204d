package org.vpsrecovery.application.audit;

import java.util.Objects;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.port.AuditHistory;

public final class VerifyAuditChainService implements VerifyAuditChainUseCase {

    private final AuditHistory history;

    public VerifyAuditChainService(AuditHistory history) {
        this.history = Objects.requireNonNull(history, "history");
    }

    @Override
    public ChainVerification verifyAuditChain(AuditReader reader) {
        // The chain runs through every team's events; a team reads only its own.
        if (!(reader instanceof AuditReader.Auditor)) {
            throw new AccessDenied("only an auditor verifies the whole audit chain");
        }
        return history.verifyChain();
    }
}
