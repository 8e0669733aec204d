package org.vpsrecovery.domain.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * How recoverable one server is now: its newest completed snapshot and backup (from the provider's
 * current state), its automatic backups expiring soon, and its audited recovery activity.
 */
public record ServerRecoverability(ServerId server, TeamId team, Optional<Snapshot> newestSnapshot,
                                   Optional<Backup> newestBackup, List<Backup> expiringSoon,
                                   RecoveryActivity activity) {

    public ServerRecoverability {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(newestSnapshot, "newest snapshot");
        Objects.requireNonNull(newestBackup, "newest backup");
        Objects.requireNonNull(activity, "activity");
        expiringSoon = List.copyOf(expiringSoon);
        newestSnapshot.ifPresent(s -> requireOn(server, s.server().id(), s.isCompleted()));
        newestBackup.ifPresent(b -> requireOn(server, b.server().id(), b.isCompleted()));
        expiringSoon.forEach(b -> requireOn(server, b.server().id(), b.isCompleted()));
        if (!activity.server().equals(server)) {
            throw new IllegalArgumentException("the activity is of another server");
        }
    }

    private static void requireOn(ServerId server, ServerId of, boolean completed) {
        if (!server.equals(of) || !completed) {
            throw new IllegalArgumentException("recovery points are completed ones of server " + server);
        }
    }

    /**
     * Picks from the provider's snapshots and backups of this server: the newest completed ones,
     * and the completed automatic backups that expire within {@code expiringWithin} from {@code now}
     * (not yet expired), soonest first.
     */
    public static ServerRecoverability of(ServerId server, TeamId team, List<Snapshot> snapshots, List<Backup> backups,
                                          RecoveryActivity activity, Instant now, Duration expiringWithin) {
        Optional<Snapshot> snapshot = snapshots.stream()
                .filter(s -> s.server().id().equals(server) && s.isCompleted())
                .max(Comparator.comparing(Snapshot::createdAt));
        List<Backup> usable = backups.stream()
                .filter(b -> b.server().id().equals(server) && b.isCompleted() && !b.isExpiredAt(now))
                .toList();
        Optional<Backup> backup = usable.stream().max(Comparator.comparing(Backup::createdAt));
        Instant horizon = now.plus(expiringWithin);
        List<Backup> expiring = usable.stream()
                .filter(b -> !b.isManual() && b.expiresAt().filter(e -> !e.isAfter(horizon)).isPresent())
                .sorted(Comparator.comparing(b -> b.expiresAt().orElseThrow()))
                .toList();
        return new ServerRecoverability(server, team, snapshot, backup, expiring, activity);
    }

    public boolean hasRecoveryPoint() {
        return newestSnapshot.isPresent() || newestBackup.isPresent();
    }
}
