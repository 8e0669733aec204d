package org.vpsrecovery.application.audit;

import org.vpsrecovery.domain.audit.ChainVerification;

/**
 * Walks the hash chain and compares it with the signed checkpoints: intact, or the first position
 * that is not and why. For auditors only (it spans every team).
 */
public interface VerifyAuditChainUseCase {

    /** Where the walk of the events starts (ADR 0046). */
    enum WalkStart {
        /** Every event, from the first: also finds an old event edited with its hashes left as they were. */
        FIRST_EVENT,
        /**
         * After the latest signed checkpoint, when every checkpoint is genuine and holds in the chain as
         * stored (else from the first event, which names the earliest break): the events since it.
         */
        LATEST_CHECKPOINT
    }

    /** The whole walk, from the first event. */
    default ChainVerification verifyAuditChain(AuditReader reader) {
        return verifyAuditChain(reader, WalkStart.FIRST_EVENT);
    }

    ChainVerification verifyAuditChain(AuditReader reader, WalkStart start);
}
