package org.vpsrecovery.application.audit;

import org.vpsrecovery.domain.audit.ChainVerification;

/** Walks the whole hash chain: intact, or the first event that is not. For auditors only (it spans every team). */
public interface VerifyAuditChainUseCase {

    ChainVerification verifyAuditChain(AuditReader reader);
}
