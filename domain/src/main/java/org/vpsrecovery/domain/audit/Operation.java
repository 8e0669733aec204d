package org.vpsrecovery.domain.audit;

/**
 * The audited operations: every one that changes something at the provider, and the platform's
 * own change of a restore's lifecycle, {@link #RELEASE_RESTORE_HOLD} (no VPS.org call, ADR 0026).
 */
public enum Operation {
    CREATE_SNAPSHOT,
    RESTORE_SNAPSHOT,
    DELETE_SNAPSHOT,
    CREATE_MANUAL_BACKUP,
    DELETE_BACKUP,
    RESTORE_SERVER_FROM_BACKUP,
    /** The owning team ends a restore's hold on its server before the window ends. */
    RELEASE_RESTORE_HOLD;

    public boolean isCreate() {
        return this == CREATE_SNAPSHOT || this == CREATE_MANUAL_BACKUP;
    }

    public boolean isRestore() {
        return this == RESTORE_SNAPSHOT || this == RESTORE_SERVER_FROM_BACKUP;
    }
}
