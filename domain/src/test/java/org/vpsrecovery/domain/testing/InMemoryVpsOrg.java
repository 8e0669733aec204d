package org.vpsrecovery.domain.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * An in-memory VPS.org account for application tests, held to {@code ProviderContract} like the
 * real client against the simulator. It deliberately does not enforce the provider's limits, so
 * that tests prove the platform does, and a creation keeps the status it was given (tests choose
 * it); it records every call it receives. Test controls: {@link #failNextCallWith},
 * {@link #loseNextMutationAnswer}, {@link #delayMutations}, {@link #keepListingExpiredBackups},
 * {@link #leaveOutOfPagedLists}.
 */
public final class InMemoryVpsOrg implements SnapshotProvider, BackupProvider {

    private final Clock clock;
    private final Map<ServerId, Server> servers = new LinkedHashMap<>();
    private final Map<SnapshotId, Snapshot> snapshots = new LinkedHashMap<>();
    private final Map<BackupId, Backup> backups = new LinkedHashMap<>();
    private final Deque<ProviderFailure> scheduledFailures = new ArrayDeque<>();
    private String brokenCall;
    private RuntimeException breakage;
    private final List<String> calls = new ArrayList<>();
    private final Map<ServerId, Instant> restoresEnd = new LinkedHashMap<>();
    /** Within the provider's documented 5 to 15 minutes. */
    private static final Duration RESTORE_TIME = Duration.ofMinutes(10);
    private long nextId = 10_000;
    private volatile Duration mutationDelay = Duration.ZERO;
    private boolean keepExpiredBackups;
    private final Set<ResourceRef> leftOutOfPagedLists = new HashSet<>();
    /** Points whose every delete VPS.org refuses, and how (a snapshot locked or in use there). */
    private final Map<ResourceRef, ProviderFailure> deletesRefused = new LinkedHashMap<>();
    private final List<ConsistentListBound> consistentListBounds = new ArrayList<>();

    /** How far VPS.org's clock reads from ours (negative: behind); the times it gives and its expiries follow it. */
    private volatile Duration clockOff = Duration.ZERO;

    public InMemoryVpsOrg(Clock clock) {
        this.clock = clock;
    }

    public synchronized ServerRef addServer(long id, String name) {
        ServerRef ref = new ServerRef(new ServerId(id), name);
        servers.put(ref.id(), new Server(ref, ServerStatus.RUNNING));
        return ref;
    }

    public Snapshot addSnapshot(long id, ServerRef server, CreationStatus status) {
        return addSnapshot(new Snapshot(new SnapshotId(id), server, "snap-" + id, status,
                status.is(CreationStatus.Phase.COMPLETED) ? OptionalLong.of(1024) : OptionalLong.empty(),
                now(), ""));
    }

    public synchronized Snapshot addSnapshot(Snapshot snapshot) {
        snapshots.put(snapshot.id(), snapshot);
        return snapshot;
    }

    public Backup addBackup(long id, ServerRef server, BackupType type, CreationStatus status,
                            Optional<Instant> expiresAt) {
        return addBackup(new Backup(new BackupId(id), server, type, status,
                status.is(CreationStatus.Phase.COMPLETED) ? OptionalLong.of(2048) : OptionalLong.empty(),
                now(), expiresAt, ""));
    }

    public synchronized Backup addBackup(Backup backup) {
        backups.put(backup.id(), backup);
        return backup;
    }

    /** The next provider call (of any kind) throws this failure. */
    public synchronized void failNextCallWith(ProviderFailure failure) {
        scheduledFailures.add(failure);
    }

    /**
     * The next call whose name starts with {@code call} (e.g. "create snapshot") throws {@code unexpected},
     * as a fault around the call would: the caller cannot tell whether VPS.org acted.
     */
    public synchronized void breakNextCall(String call, RuntimeException unexpected) {
        brokenCall = call;
        breakage = unexpected;
    }

    /** VPS.org finishes making every snapshot and backup in progress (as it does after 3-10 minutes). */
    public synchronized void finishCreations() {
        snapshots.replaceAll((id, s) -> s.status().is(CreationStatus.Phase.IN_PROGRESS)
                ? new Snapshot(s.id(), s.server(), s.name(), CreationStatus.COMPLETED, OptionalLong.of(1024), s.createdAt(),
                        s.description()) : s);
        backups.replaceAll((id, b) -> b.status().is(CreationStatus.Phase.IN_PROGRESS)
                ? new Backup(b.id(), b.server(), b.type(), CreationStatus.COMPLETED, OptionalLong.of(1024),
                        b.createdAt(), b.expiresAt(), b.description()) : b);
    }

    /** VPS.org moves one snapshot to {@code status} (e.g. a creation that failed). */
    public synchronized void replaceSnapshot(SnapshotId id, CreationStatus status) {
        snapshots.computeIfPresent(id, (k, s) -> new Snapshot(s.id(), s.server(), s.name(), status, s.sizeMb(),
                s.createdAt(), s.description()));
    }

    /** The next create, restore or delete acts, then its answer is lost ({@code OUTCOME_UNKNOWN}). */
    public synchronized void loseNextMutationAnswer() {
        loseNextAnswer = true;
    }

    private boolean loseNextAnswer;

    private <T> T answer(T result, String what) {
        if (loseNextAnswer) {
            loseNextAnswer = false;
            throw new ProviderFailure(ProviderFailure.Kind.OUTCOME_UNKNOWN, "the answer to " + what + " was lost");
        }
        return result;
    }

    /** From now on every delete of {@code point} is answered {@code refusal}, the point staying (locked at VPS.org). */
    public synchronized void refuseDeletesOf(ResourceRef point, ProviderFailure refusal) {
        deletesRefused.put(point, refusal);
    }

    /**
     * Expired automatic backups stay listed instead of going at {@code expires_at}: a provider slow
     * to remove them, so that tests reach the platform's own expiry check.
     */
    public synchronized void keepListingExpiredBackups() {
        keepExpiredBackups = true;
    }

    /**
     * From now on the ordinary lists leave {@code point} out, as a list joined from pages may when a delete and an add
     * land between two page reads (ADR 0010, amended in session 38); the consistent lists still show it while it is
     * there.
     */
    public synchronized void leaveOutOfPagedLists(ResourceRef point) {
        leftOutOfPagedLists.add(point);
    }

    /**
     * From now on VPS.org's clock reads ours plus {@code offset} (negative: behind): the {@code created_at} it gives and
     * the moment it removes an expired backup follow its clock, as VPS.org documents nothing about it (ADR 0003).
     */
    public void clockOffFromOursBy(Duration offset) {
        clockOff = offset;
    }

    /** Every create, restore and delete waits this long first: widens race windows in tests. */
    public void delayMutations(Duration delay) {
        this.mutationDelay = delay;
    }

    /** The bound of each consistent list read so far, in order (one object per request: compared by identity). */
    public synchronized List<ConsistentListBound> consistentListBounds() {
        return List.copyOf(consistentListBounds);
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized long snapshotCount(ServerId server) {
        return snapshots.values().stream().filter(s -> s.server().id().equals(server)).count();
    }

    public synchronized long manualBackupCount(ServerId server) {
        return backups.values().stream().filter(b -> b.server().id().equals(server)).filter(Backup::isManual).count();
    }

    public synchronized Server server(ServerId id) {
        return servers.get(id);
    }

    public synchronized Optional<Snapshot> snapshot(SnapshotId id) {
        return Optional.ofNullable(snapshots.get(id));
    }

    public synchronized Optional<Backup> backup(BackupId id) {
        return Optional.ofNullable(backups.get(id));
    }

    @Override
    public synchronized List<Snapshot> listSnapshots(Optional<ServerId> server) {
        enter("list snapshots" + server.map(s -> " of " + s).orElse(""));
        return snapshots.values().stream().filter(s -> server.map(s.server().id()::equals).orElse(true))
                .filter(s -> !leftOutOfPagedLists.contains(ResourceRef.of(s.id()))).toList();
    }

    @Override
    public synchronized List<Snapshot> listSnapshotsConsistently(Optional<ServerId> server, ConsistentListBound bound) {
        consistentListBounds.add(bound);
        enter("list snapshots consistently" + server.map(s -> " of " + s).orElse(""));
        return snapshots.values().stream().filter(s -> server.map(s.server().id()::equals).orElse(true)).toList();
    }

    @Override
    public Snapshot createSnapshot(SnapshotDraft draft) {
        pause();
        synchronized (this) {
            enter("create snapshot on " + draft.server());
            Server server = requireServer(draft.server());
            Snapshot created = new Snapshot(new SnapshotId(nextId++), server.ref(), draft.name().value(),
                    CreationStatus.IN_PROGRESS, OptionalLong.empty(), now(),
                    draft.description().map(Description::value).orElse(""));
            snapshots.put(created.id(), created);
            return answer(created, "create snapshot");
        }
    }

    @Override
    public RestoreStarted restoreSnapshot(SnapshotId id, ServerId itsServer) {
        pause();
        synchronized (this) {
            enter("restore snapshot " + id);
            Snapshot snapshot = Optional.ofNullable(snapshots.get(id)).orElseThrow(() -> notFound("snapshot " + id));
            requireCompleted(snapshot.isCompleted(), "snapshot " + id);
            return answer(startRestore(snapshot.server().id()), "restore snapshot");
        }
    }

    @Override
    public void deleteSnapshot(SnapshotId id) {
        pause();
        synchronized (this) {
            enter("delete snapshot " + id);
            if (deletesRefused.containsKey(ResourceRef.of(id))) {
                throw deletesRefused.get(ResourceRef.of(id));
            }
            if (snapshots.remove(id) == null) {
                throw notFound("snapshot " + id);
            }
            answer(id, "delete snapshot");
        }
    }

    @Override
    public synchronized List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
        enter("list backups" + server.map(s -> " of " + s).orElse(""));
        return backups.values().stream()
                .filter(b -> server.map(b.server().id()::equals).orElse(true))
                .filter(b -> type.map(b.type()::is).orElse(true))
                .filter(b -> !leftOutOfPagedLists.contains(ResourceRef.of(b.id())))
                .toList();
    }

    @Override
    public synchronized List<Backup> listBackupsConsistently(Optional<ServerId> server, Optional<BackupType.Kind> type,
                                                             ConsistentListBound bound) {
        consistentListBounds.add(bound);
        enter("list backups consistently" + server.map(s -> " of " + s).orElse(""));
        return backups.values().stream()
                .filter(b -> server.map(b.server().id()::equals).orElse(true))
                .filter(b -> type.map(b.type()::is).orElse(true))
                .toList();
    }

    @Override
    public Backup createManualBackup(BackupDraft draft) {
        pause();
        synchronized (this) {
            enter("create backup on " + draft.server());
            Server server = requireServer(draft.server());
            Backup created = new Backup(new BackupId(nextId++), server.ref(), BackupType.MANUAL,
                    CreationStatus.IN_PROGRESS, OptionalLong.empty(), now(), Optional.empty(),
                    draft.description().map(Description::value).orElse(""));
            backups.put(created.id(), created);
            return answer(created, "create backup");
        }
    }

    @Override
    public void deleteBackup(BackupId id) {
        pause();
        synchronized (this) {
            enter("delete backup " + id);
            if (deletesRefused.containsKey(ResourceRef.of(id))) {
                throw deletesRefused.get(ResourceRef.of(id));
            }
            if (backups.remove(id) == null) {
                throw notFound("backup " + id);
            }
            answer(id, "delete backup");
        }
    }

    @Override
    public RestoreStarted restoreServerFromBackup(ServerId server, BackupId backup) {
        pause();
        synchronized (this) {
            enter("restore server " + server + " from backup " + backup);
            requireServer(server);
            Backup restored = Optional.ofNullable(backups.get(backup)).orElseThrow(() -> notFound("backup " + backup));
            requireCompleted(restored.isCompleted(), "backup " + backup);
            return answer(startRestore(server), "restore server");
        }
    }

    private RestoreStarted startRestore(ServerId id) {
        Server current = requireServer(id);
        Instant now = clock.instant();
        if (current.isRestoring() && now.isBefore(restoresEnd.getOrDefault(id, Instant.MIN))) {
            throw new ProviderFailure(ProviderFailure.Kind.REJECTED, "server " + id + " is not in a valid state for restoration");
        }
        Server restoring = (current.isRestoring() ? current.finishRestore() : current).beginRestore();
        servers.put(id, restoring);
        restoresEnd.put(id, now.plus(RESTORE_TIME));
        return new RestoreStarted(restoring);
    }

    private void enter(String call) {
        calls.add(call);
        if (!keepExpiredBackups) {
            // At expires_at on its own clock, exactly: not Backup.isExpiredAt, the platform's, which allows for that clock
            // being off ours (ADR 0003, amended in session 48).
            Instant now = clock.instant().plus(clockOff);
            backups.values().removeIf(b -> !b.isManual() && b.expiresAt().filter(at -> !now.isBefore(at)).isPresent());
        }
        ProviderFailure failure = scheduledFailures.poll();
        if (failure != null) {
            throw failure;
        }
        if (brokenCall != null && call.startsWith(brokenCall)) {
            RuntimeException unexpected = breakage;
            brokenCall = null;
            breakage = null;
            throw unexpected;
        }
    }

    private static void requireCompleted(boolean completed, String what) {
        if (!completed) {
            throw new ProviderFailure(ProviderFailure.Kind.REJECTED, what + " is not completed and cannot be restored");
        }
    }

    /** The provider reports times to the second. */
    private Instant now() {
        return clock.instant().plus(clockOff).truncatedTo(ChronoUnit.SECONDS);
    }

    private Server requireServer(ServerId id) {
        return Optional.ofNullable(servers.get(id)).orElseThrow(() -> notFound("server " + id));
    }

    private static ProviderFailure notFound(String what) {
        return new ProviderFailure(ProviderFailure.Kind.NOT_FOUND, what + " not found at the provider");
    }

    private void pause() {
        Duration delay = mutationDelay;
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
