package org.vpsrecovery.domain.audit;

import java.util.Objects;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The snapshot or backup an audit event is about. */
public record ResourceRef(Type type, long id) {

    public enum Type { SNAPSHOT, BACKUP }

    public ResourceRef {
        Objects.requireNonNull(type, "type");
        if (id <= 0) {
            throw new IllegalArgumentException("resource id must be positive");
        }
    }

    public static ResourceRef of(SnapshotId snapshot) {
        return new ResourceRef(Type.SNAPSHOT, snapshot.value());
    }

    public static ResourceRef of(BackupId backup) {
        return new ResourceRef(Type.BACKUP, backup.value());
    }
}
