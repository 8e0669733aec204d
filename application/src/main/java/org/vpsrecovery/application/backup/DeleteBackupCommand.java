package org.vpsrecovery.application.backup;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.policy.PolicyVersion;

/** {@code byPolicy}: the policy version whose rotation or retention asks for the delete, named in its events. */
public record DeleteBackupCommand(CallContext context, BackupId backup, Optional<PolicyVersion> byPolicy) {

    public DeleteBackupCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(byPolicy, "by policy (may be empty, not null)");
    }

    /** A delete asked by a team (no policy). */
    public DeleteBackupCommand(CallContext context, BackupId backup) {
        this(context, backup, Optional.empty());
    }
}
