package org.vpsrecovery.application.backup;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.server.ServerId;

public record ListBackupsQuery(CallContext context, Optional<ServerId> server, Optional<BackupType.Kind> type) {

    public ListBackupsQuery {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server (may be empty, not null)");
        Objects.requireNonNull(type, "type (may be empty, not null)");
    }
}
