package org.vpsrecovery.domain.common;

/**
 * Stable, machine-readable reasons for refusing or failing an operation. The names are part of
 * the platform's public contract (problem+json bodies, audit history): add, never rename.
 */
public enum ReasonCode {
    // limits
    SNAPSHOT_LIMIT_REACHED,
    MANUAL_BACKUP_LIMIT_REACHED,
    // lifecycle preconditions
    SNAPSHOT_NOT_COMPLETED,
    SNAPSHOT_IN_PROGRESS,
    BACKUP_NOT_COMPLETED,
    BACKUP_IN_PROGRESS,
    BACKUP_EXPIRED,
    SERVER_NOT_RESTORABLE,
    SERVER_RESTORING,
    INVALID_TRANSITION,
    /** The snapshot or backup is the source of a restore still holding its server (ADR 0026). */
    RECOVERY_POINT_IN_USE,
    /** The server has no restore hold to release (ADR 0026). */
    NO_RESTORE_HOLD,
    /** The owning team released a restore's hold before its window ended (ADR 0026). */
    RESTORE_HOLD_RELEASED,
    /** The snapshot or backup has a hold not yet released (ADR 0029). */
    RECOVERY_POINT_HELD,
    /** A hold on a snapshot or backup whose delete is under way: it is on its way out (ADR 0036). */
    RECOVERY_POINT_BEING_DELETED,
    /** The hold was released already (ADR 0029). */
    HOLD_ALREADY_RELEASED,
    /** The recovery point, or its team, has as many active holds of the kind as allowed (ADR 0029, session 38). */
    HOLD_LIMIT_REACHED,
    /** A legal hold, placed by an auditor, is released by auditors only (ADR 0029). */
    LEGAL_HOLD_NOT_RELEASABLE,
    /** The server has no room for the restore's safety snapshot and nothing may be rotated away (ADR 0029). */
    SAFETY_SNAPSHOT_LIMIT_REACHED,
    /** The restore's safety snapshot failed, vanished or was never confirmed: the restore was not run (ADR 0029). */
    SAFETY_SNAPSHOT_FAILED,
    // lookups (another team's resource is reported exactly as a missing one)
    SERVER_NOT_FOUND,
    SNAPSHOT_NOT_FOUND,
    BACKUP_NOT_FOUND,
    OPERATION_NOT_FOUND,
    HOLD_NOT_FOUND,
    // concurrency and the platform's own capacity
    SERVER_BUSY,
    /**
     * The server's lock was lost while the request held it (its database session ended), so another request may hold
     * it now: VPS.org was not called; try again shortly (ADR 0023, amended in session 40).
     */
    SERVER_LOCK_LOST,
    /** The platform's database (audit history, locks) cannot take the request now; nothing was done. */
    PLATFORM_UNAVAILABLE,
    /**
     * The platform's database was restored from a backup and the instance runs with {@code vpsr.paused-after-restore}:
     * a change VPS.org would make (a create, delete or restore, or the approval that runs one) is refused unsent until
     * the operator restarts without it, since the restored database forgot the Idempotency-Keys and operations after
     * its restore point (ADR 0028, amended in session 52). Try again after Retry-After.
     */
    PAUSED_AFTER_RESTORE,
    /**
     * The platform's own store failed while committing the change (its connection lost at COMMIT): the change may
     * have been done. Look (list or read it) before trying again; no Retry-After (ADR 0023, amended in session 44).
     */
    PLATFORM_OUTCOME_UNKNOWN,
    /** The team spent its request rate (its fair share of VPS.org, ADR 0037); nothing was done. */
    TEAM_RATE_LIMITED,
    /** The team already has as many requests in flight as its fair share allows (ADR 0037); nothing was done. */
    TEAM_CALLS_IN_FLIGHT_LIMITED,
    /** This instance already runs as many long audit reads (exports, summaries, chain walks) as it allows; nothing was read. */
    AUDIT_READS_BUSY,
    /**
     * A stored audit event no longer reads as one (changed outside the platform): the read stopped at it; the chain's
     * verification names it (ADR 0005, amended in session 40).
     */
    AUDIT_EVENT_ALTERED,
    // access: the caller's role may not do this (e.g. an auditor creating a snapshot)
    FORBIDDEN_FOR_ROLE,
    // the provider
    PROVIDER_REJECTED,
    /**
     * Answered, never audited: VPS.org refused a person's request for now, its words speaking of a state that passes by
     * itself (the server being restored, a point being made, busy) or its answer carrying a Retry-After. Try again after
     * Retry-After; the audit records VPS.org's refusal as it came ({@link #PROVIDER_REJECTED}) (ADR 0006, amended in
     * session 51).
     */
    PROVIDER_BUSY,
    PROVIDER_LIMIT_REACHED,
    PROVIDER_NOT_FOUND,
    PROVIDER_UNAUTHORIZED,
    PROVIDER_RATE_LIMITED,
    PROVIDER_UNAVAILABLE,
    PROVIDER_TIMEOUT,
    PROVIDER_MALFORMED_RESPONSE,
    OUTCOME_UNKNOWN,
    /** Reconciliation found that an intent whose answer was lost did not happen at the provider. */
    NOT_DONE_AT_PROVIDER,
    /** The recovery point being made reached a failed status at the provider. */
    RECOVERY_POINT_FAILED,
    /** The recovery point being made disappeared from the provider's list before completing. */
    RECOVERY_POINT_VANISHED,
    /** The provider showed no end before the tracking deadline. */
    TRACKING_DEADLINE_PASSED,
    // webhooks (ADR 0025)
    WEBHOOK_NOT_FOUND,
    /** The target resolves to an address the SSRF guard refuses (loopback, private, link-local, ...). */
    WEBHOOK_TARGET_REFUSED,
    WEBHOOK_LIMIT_REACHED,
    /**
     * The lookups of new subscriptions' hosts are all taken by others; the target was not checked and nothing was
     * stored: try again after Retry-After (ADR 0025).
     */
    WEBHOOK_TARGET_CHECKS_BUSY,
    // recovery policies (ADR 0028)
    POLICY_NOT_FOUND,
    POLICY_LIMIT_REACHED,
    /** The schedule's cron expression or time zone cannot be read. */
    INVALID_SCHEDULE,
    /** The policy changed since the version the caller names (If-Match): read it again. */
    POLICY_VERSION_CONFLICT,
    /** A change of a policy must name the version it changes (If-Match). */
    POLICY_VERSION_REQUIRED,
    /**
     * A scheduled run at the server's limit found no policy-made point that retention lets go, or the server is over
     * its limit so that one rotation would not make room (ADR 0028, amended in session 48); or VPS.org refused for good
     * the delete a rotation asked for (a run's, or a restore's for its safety snapshot: ADR 0028, 0029, amended in
     * session 49).
     */
    ROTATION_NOT_POSSIBLE,
    // two-person approval (ADR 0040)
    /** The person who asked for an operation cannot approve or deny it: a second person must. */
    SELF_APPROVAL_REFUSED,
    /** Only a person signed in through the identity provider approves or denies; a service token cannot. */
    APPROVER_NOT_A_PERSON,
    /**
     * A change that needs a second person's approval is asked for by a person signed in through the identity
     * provider, never with a service token (whose holder could then approve it as themselves).
     */
    APPROVAL_NEEDS_A_PERSON,
    /** The operation is not waiting for approval: someone decided it already, or it expired. */
    APPROVAL_ALREADY_DECIDED,
    /** The operation never waited for approval: there is nothing to approve or deny (ADR 0040, amended session 51). */
    APPROVAL_NOT_REQUIRED,
    /** The approval time limit passed: the operation ended without running. */
    APPROVAL_EXPIRED,
    // anything the platform did not expect of itself
    INTERNAL_ERROR
}
