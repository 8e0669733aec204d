package org.vpsrecovery.domain.audit;

/** The audited operations: every one that changes something at the provider. */
public enum Operation {
    CREATE_SNAPSHOT,
    RESTORE_SNAPSHOT,
    DELETE_SNAPSHOT,
    CREATE_MANUAL_BACKUP,
    DELETE_BACKUP,
    RESTORE_SERVER_FROM_BACKUP;

    public boolean isRestore() {
        return this == RESTORE_SNAPSHOT || this == RESTORE_SERVER_FROM_BACKUP;
    }
}
