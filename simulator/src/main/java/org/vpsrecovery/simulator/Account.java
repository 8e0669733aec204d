package org.vpsrecovery.simulator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What one API token sees: its servers, snapshots and backups, by id. Callers hold the state's lock. */
final class Account {

    final Map<Long, Server> servers = new LinkedHashMap<>();
    final Map<Long, Snapshot> snapshots = new LinkedHashMap<>();
    final Map<Long, Backup> backups = new LinkedHashMap<>();

    /** Seeded creations still in progress complete after the shortest duration of their kind. */
    static Account seeded(Seed.AccountSeed seed, Lifecycle lifecycle) {
        Account account = new Account();
        seed.servers().forEach(s -> account.servers.put(s.id(), new Server(s.id(), s.name(), s.status(), s.diskUsedMb())));
        for (Seed.SnapshotSeed s : seed.snapshots()) {
            Server server = account.seededServer(s.serverId());
            account.snapshots.put(s.id(), new Snapshot(s.id(), server, s.name(), s.createdAt(), s.description(),
                    CreationProgress.seeded(s.status(), s.sizeMb(), s.createdAt(),
                            lifecycle.snapshotCreation().min(), server)));
        }
        for (Seed.BackupSeed b : seed.backups()) {
            Server server = account.seededServer(b.serverId());
            account.backups.put(b.id(), new Backup(b.id(), server, b.backupType(), b.createdAt(), b.expiresAt(),
                    b.description(), CreationProgress.seeded(b.status(), b.sizeMb(), b.createdAt(),
                            lifecycle.backupCreation().min(), server)));
        }
        return account;
    }

    Optional<Server> server(long id) {
        return Optional.ofNullable(servers.get(id));
    }

    /** Every snapshot counts toward the limit, whatever its status (ADR 0003). */
    long snapshotsOf(Server server) {
        return snapshots.values().stream().filter(s -> s.server() == server).count();
    }

    /** Manual backups count toward their limit, whatever their status; automatic ones never. */
    long manualBackupsOf(Server server) {
        return backups.values().stream().filter(b -> b.server() == server && b.isManual()).count();
    }

    /** Expired automatic backups and vanished creations are gone, as if the provider had deleted them. */
    void forgetGone(Instant now) {
        backups.values().removeIf(b -> b.isExpiredAt(now) || b.progress().hasVanishedBy(now));
        snapshots.values().removeIf(s -> s.progress().hasVanishedBy(now));
    }

    private Server seededServer(long id) {
        return server(id).orElseThrow(() ->
                new IllegalArgumentException("seed refers to server " + id + ", which its account lacks"));
    }
}
