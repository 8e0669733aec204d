package org.vpsrecovery.application.attempt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * Closes intents that never got an outcome (a crash, a lost answer) by looking at the provider:
 * under the server's lock, so no request of that server is running, it appends the outcome it can
 * establish — {@code COMPLETED} when the provider shows the change, {@code FAILED} when it shows
 * that nothing happened, {@code FAILED OUTCOME_UNKNOWN} when the provider cannot tell (restores).
 * Only intents older than {@code settleAfter} are touched: longer than any bounded request.
 */
public final class ReconcilePendingIntentsService {

    /** Outcome events written here say so, for auditors. */
    public static final String RECONCILED = "reconciled";

    private final AuditHistory history;
    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final ServerLock lock;
    private final Clock clock;
    private final Duration settleAfter;

    public ReconcilePendingIntentsService(AuditHistory history, SnapshotProvider snapshots, BackupProvider backups,
                                          ServerLock lock, Clock clock, Duration settleAfter) {
        this.history = Objects.requireNonNull(history, "history");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settleAfter = Objects.requireNonNull(settleAfter, "settle after");
    }

    /** Reconciles up to {@code limit} pending intents; returns how many got an outcome. */
    public int reconcile(int limit) {
        List<RecordedAuditEvent> pending = history.pendingIntents(clock.instant().minus(settleAfter), limit);
        int closed = 0;
        for (RecordedAuditEvent intent : pending) {
            Optional<ServerId> server = intent.event().server();
            if (server.isEmpty()) {
                continue; // every intent is written on a server; nothing to look at otherwise
            }
            try {
                closed += lock.callExclusively(server.get(), () -> closeIfStillPending(intent, server.get())) ? 1 : 0;
            } catch (ProviderFailure | org.vpsrecovery.domain.port.ServerBusy unavailableNow) {
                // The provider or the server is busy: the intent stays pending for the next round.
            }
        }
        return closed;
    }

    private boolean closeIfStillPending(RecordedAuditEvent intent, ServerId server) {
        AuditEvent accepted = intent.event();
        boolean answered = history.query(AuditQuery.latest(10).forRequest(accepted.requestId())
                        .withOperations(java.util.Set.of(accepted.operation())))
                .stream().anyMatch(e -> e.sequence() > intent.sequence()
                        && (e.event().outcome() instanceof Outcome.Completed || e.event().outcome() instanceof Outcome.Failed));
        if (answered) {
            return false;
        }
        Finding finding = switch (accepted.operation()) {
            case CREATE_SNAPSHOT -> findCreatedSnapshot(accepted, server);
            case CREATE_MANUAL_BACKUP -> findCreatedBackup(accepted, server);
            case DELETE_SNAPSHOT -> accepted.resource().map(r -> snapshots.listSnapshots(Optional.of(server)).stream()
                    .anyMatch(s -> s.id().value() == r.id())
                    ? Finding.failed("the snapshot is still at the provider") : Finding.completed(r)).orElse(Finding.unknown());
            case DELETE_BACKUP -> accepted.resource().map(r -> backups.listBackups(Optional.of(server), Optional.empty())
                    .stream().anyMatch(b -> b.id().value() == r.id())
                    ? Finding.failed("the backup is still at the provider") : Finding.completed(r)).orElse(Finding.unknown());
            case RESTORE_SNAPSHOT, RESTORE_SERVER_FROM_BACKUP -> Finding.unknown();
        };
        Map<String, String> detail = new LinkedHashMap<>(accepted.detail());
        detail.put(RECONCILED, "true");
        detail.put("message", finding.message());
        history.append(new AuditEvent(clock.instant(), accepted.team(), accepted.requestId(), accepted.operation(),
                accepted.server(), finding.resource().or(accepted::resource), finding.outcome(), OptionalInt.empty(), detail));
        return true;
    }

    /** A snapshot of the intent's name on its server, made after the intent: the create happened. */
    private Finding findCreatedSnapshot(AuditEvent accepted, ServerId server) {
        String name = accepted.detail().get("name");
        Instant notBefore = accepted.occurredAt().minusSeconds(60);
        return snapshots.listSnapshots(Optional.of(server)).stream()
                .filter(s -> s.name().equals(name) && !s.createdAt().isBefore(notBefore))
                .map(Snapshot::id).findFirst()
                .map(id -> Finding.completed(ResourceRef.of(id)))
                .orElseGet(() -> Finding.failed("no snapshot named " + name + " was made on server " + server));
    }

    /** Manual backups carry no name: one made after the intent that no audit event claims is taken as ours. */
    private Finding findCreatedBackup(AuditEvent accepted, ServerId server) {
        Instant notBefore = accepted.occurredAt().minusSeconds(60);
        List<Backup> candidates = backups.listBackups(Optional.of(server), Optional.empty()).stream()
                .filter(Backup::isManual)
                .filter(b -> !b.createdAt().isBefore(notBefore))
                .filter(b -> history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forServer(server).withOutcome(Outcome.Kind.COMPLETED)
                                .since(notBefore)).stream()
                        .noneMatch(e -> e.event().resource().filter(r -> r.equals(ResourceRef.of(b.id()))).isPresent()))
                .toList();
        if (candidates.size() == 1) {
            return Finding.completed(ResourceRef.of(candidates.get(0).id()));
        }
        return candidates.isEmpty()
                ? Finding.failed("no manual backup was made on server " + server)
                : Finding.unknown();
    }

    private record Finding(Outcome outcome, Optional<ResourceRef> resource, String message) {
        static Finding completed(ResourceRef resource) {
            return new Finding(new Outcome.Completed(), Optional.of(resource), "the provider shows the change was made");
        }

        static Finding failed(String why) {
            return new Finding(new Outcome.Failed(ReasonCode.NOT_DONE_AT_PROVIDER, why), Optional.empty(),
                    "the provider shows the change was not made");
        }

        static Finding unknown() {
            return new Finding(new Outcome.Failed(ReasonCode.OUTCOME_UNKNOWN,
                    "the provider's state cannot tell whether this happened; check the server"),
                    Optional.empty(), "not verifiable at the provider");
        }
    }
}
