package org.vpsrecovery.application.audit;

import org.vpsrecovery.domain.audit.ChainVerification;

/**
 * Walks the whole hash chain and compares it with the signed checkpoints: intact, or the first
 * position that is not and why. For auditors only (it spans every team).
 */
public interface VerifyAuditChainUseCase {

    ChainVerification verifyAuditChain(AuditReader reader);
}
