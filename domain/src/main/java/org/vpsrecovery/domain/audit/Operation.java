package org.vpsrecovery.domain.audit;

/**
 * The audited operations: every one that changes something at the provider, and the platform's
 * own changes with no VPS.org call: a restore's lifecycle, {@link #RELEASE_RESTORE_HOLD} (ADR 0026),
 * and holds on recovery points (ADR 0029).
 */
public enum Operation {
    CREATE_SNAPSHOT,
    RESTORE_SNAPSHOT,
    DELETE_SNAPSHOT,
    CREATE_MANUAL_BACKUP,
    DELETE_BACKUP,
    RESTORE_SERVER_FROM_BACKUP,
    /** The owning team ends a restore's hold on its server before the window ends. */
    RELEASE_RESTORE_HOLD,
    /** A team or an auditor (legal hold) holds a snapshot or backup against deletion (ADR 0029). */
    PLACE_RECOVERY_POINT_HOLD,
    /** A hold on a snapshot or backup is released (ADR 0029). */
    RELEASE_RECOVERY_POINT_HOLD,
    /** A team's recovery policies, changed on the platform only (ADR 0028); the diff is in the event's detail. */
    CREATE_POLICY,
    UPDATE_POLICY,
    DELETE_POLICY,
    /** A policy's plan was read: nothing changed anywhere; what retention would do is in the answer. */
    PLAN_POLICY,
    /**
     * A scan found a recovery point at VPS.org that differs from the history (ADR 0035): made or deleted
     * behind the platform's back, an automatic backup expired, a creation stuck. Recorded, never asked of anyone.
     */
    DRIFT_DETECTED,
    /** A drift went away: the point made outside is gone, the stuck creation ended (ADR 0035). */
    DRIFT_RESOLVED,
    /** The audit history was read: listed, exported, verified or summarised, the filters in the detail (ADR 0034). */
    AUDIT_READ,
    /** A restore or delete the team must have approved by a second person was asked for (ADR 0040). */
    REQUEST_APPROVAL,
    /** A second person of the team approved it; it runs next. */
    APPROVE_OPERATION,
    /** A second person of the team denied it; VPS.org is never asked. */
    DENY_OPERATION,
    /** No one decided within the team's time limit; VPS.org is never asked. */
    EXPIRE_APPROVAL;

    /** The steps of a two-person approval: records about an operation, not changes of a server (ADR 0040). */
    public boolean isApproval() {
        return this == REQUEST_APPROVAL || this == APPROVE_OPERATION || this == DENY_OPERATION || this == EXPIRE_APPROVAL;
    }

    /** The operations a team may have approved by a second person first (ADR 0040). */
    public boolean isApprovable() {
        return isRestore() || this == DELETE_SNAPSHOT || this == DELETE_BACKUP;
    }

    /** The platform's own records of a team's policies, not a change of a server or a recovery point. */
    public boolean isPolicy() {
        return this == CREATE_POLICY || this == UPDATE_POLICY || this == DELETE_POLICY || this == PLAN_POLICY;
    }

    /** The scans' findings about VPS.org, not a change anyone asked for (ADR 0035). */
    public boolean isDrift() {
        return this == DRIFT_DETECTED || this == DRIFT_RESOLVED;
    }

    public boolean isCreate() {
        return this == CREATE_SNAPSHOT || this == CREATE_MANUAL_BACKUP;
    }

    /** The platform's own changes: nothing is asked of VPS.org, so no operation follows them. */
    public boolean isPlatformOnly() {
        return this == RELEASE_RESTORE_HOLD || this == PLACE_RECOVERY_POINT_HOLD || this == RELEASE_RECOVERY_POINT_HOLD;
    }

    /** The changes VPS.org makes: a create, a delete or a restore of a recovery point. */
    public boolean isVpsOrgChange() {
        return isCreate() || isApprovable();
    }

    public boolean isRestore() {
        return this == RESTORE_SNAPSHOT || this == RESTORE_SERVER_FROM_BACKUP;
    }
}
