package org.vpsrecovery.domain.server;

import java.util.Locale;
import java.util.Objects;

/**
 * The snapshot or backup a restore reads from ({@code kind}, {@code id}), and the server it belongs
 * to: a backup of another server can restore this one, so the two servers may differ. (Its own
 * kind, not the audit's resource reference: the server package sits below the others.)
 */
public record RecoverySource(Kind kind, long id, ServerId server) {

    public enum Kind {
        SNAPSHOT, BACKUP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RecoverySource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(server, "server of the recovery point");
        if (id <= 0) {
            throw new IllegalArgumentException("recovery point id must be positive");
        }
    }

    public boolean is(Kind otherKind, long otherId) {
        return kind == otherKind && id == otherId;
    }

    @Override
    public String toString() {
        return kind.wireName() + " " + id;
    }
}
