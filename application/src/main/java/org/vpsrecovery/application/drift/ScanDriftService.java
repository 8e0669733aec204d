package org.vpsrecovery.application.drift;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.drift.AuditedPoints;
import org.vpsrecovery.domain.drift.Drift;
import org.vpsrecovery.domain.drift.DriftScan;
import org.vpsrecovery.domain.drift.ListedPoint;
import org.vpsrecovery.domain.drift.RecordedDrift;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamDirectory;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The drift scan (ADR 0035). One call scans at most {@code maxServers} owned servers after a cursor (the
 * last server scanned), in server id order, wrapping round, with a {@link Pacing} pause between servers so
 * that thousands of servers reach VPS.org spread out, not at once. Each server is scanned under its lock
 * (the one every create and delete takes), so a change in flight is either wholly before the scan (its
 * events on record) or after it; what an open operation still follows is the tracker's, never drift.
 *
 * <p>Each drift found is appended to the audit history ({@code DRIFT_DETECTED}, {@code COMPLETED}; webhooks
 * follow from it) before it is stored, so none is on record without its event; a resolution likewise
 * ({@code DRIFT_RESOLVED}). A server whose lock is busy, or whose lists VPS.org does not answer, is passed
 * over until the next round. An interrupt (a graceful stop) ends the round; the cursor it returns is then the
 * last server it reached, so the next round starts with the first one not reached.
 */
public final class ScanDriftService {

    /** The pause between two servers' scans; the job sleeps, tests pass none. */
    @FunctionalInterface
    public interface Pacing {
        /** Throws when the thread is interrupted (a graceful stop): the round ends there. */
        void pause() throws InterruptedException;
    }

    /** What one call did, and where the next starts. */
    public record Round(int scanned, int passedOver, int detected, int resolved, Optional<Long> lastServer) {
    }

    private static final int HISTORY_PAGE = AuditQuery.MAX_LIMIT;

    private final TeamDirectory teams;
    private final ServerOwnership ownership;
    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final AuditHistory history;
    private final AuditWriter writer;
    private final RecoveryOperations operations;
    private final DriftRecords drifts;
    private final ServerLock lock;
    private final Clock clock;
    private final Duration stuckAfter;

    public ScanDriftService(TeamDirectory teams, ServerOwnership ownership, SnapshotProvider snapshots, BackupProvider backups,
                            AuditHistory history, AuditWriter writer, RecoveryOperations operations, DriftRecords drifts,
                            ServerLock lock, Clock clock, Duration stuckAfter) {
        this.teams = Objects.requireNonNull(teams, "teams");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.history = Objects.requireNonNull(history, "history");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.drifts = Objects.requireNonNull(drifts, "drifts");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stuckAfter = Objects.requireNonNull(stuckAfter, "stuck after");
    }

    private record Owned(long server, TeamId team) {
    }

    /** What one server's scan recorded. */
    private record Recorded(int detected, int resolved) {
    }

    /** Scans up to {@code maxServers} servers after {@code after} (wrapping round to the lowest id). */
    public Round scan(Optional<Long> after, int maxServers, Pacing pacing) {
        if (maxServers < 1) {
            throw new IllegalArgumentException("a round scans at least one server");
        }
        List<Owned> owned = new ArrayList<>();
        for (TeamId team : teams.teams()) {
            ownership.serversOf(team).forEach(server -> owned.add(new Owned(server.value(), team)));
        }
        owned.sort(Comparator.comparingLong(Owned::server).thenComparing(o -> o.team().value()));
        if (owned.isEmpty()) {
            return new Round(0, 0, 0, 0, after);
        }
        int start = 0;
        while (after.isPresent() && start < owned.size() && owned.get(start).server() <= after.get()) {
            start++;
        }
        int scanned = 0;
        int passedOver = 0;
        int detected = 0;
        int resolved = 0;
        Optional<Long> last = after;
        int round = Math.min(maxServers, owned.size());
        for (int i = 0; i < round && !stopping(); i++) {
            Owned next = owned.get((start + i) % owned.size());
            if (i > 0) {
                try {
                    pacing.pause();
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt(); // kept for the job's runner
                    break;
                }
            }
            try {
                ServerId server = new ServerId(next.server());
                Recorded recorded = lock.callExclusively(server, () -> scanServer(next.team(), server));
                scanned++;
                detected += recorded.detected();
                resolved += recorded.resolved();
            } catch (RecoveryException busyOrUnanswered) {
                if (stopping()) {
                    break; // the lock's wait was cut short by the stop: this server was not scanned, the next round starts at it
                }
                passedOver++; // the lock was busy, VPS.org did not answer, or the history could not take an event
            }
            last = Optional.of(next.server());
        }
        return new Round(scanned, passedOver, detected, resolved, last);
    }

    /**
     * Whether the thread was interrupted (a graceful stop interrupts the scheduler's jobs): every later lock
     * wait would fail at once, so the round ends and the cursor stays on the last server it reached.
     */
    private static boolean stopping() {
        return Thread.currentThread().isInterrupted();
    }

    /** One server, under its lock. */
    private Recorded scanServer(TeamId team, ServerId server) {
        List<ListedPoint> listed = new ArrayList<>();
        snapshots.listSnapshots(Optional.of(server)).forEach(s -> listed.add(ListedPoint.of(s)));
        backups.listBackups(Optional.of(server), Optional.empty()).forEach(b -> listed.add(ListedPoint.of(b)));
        Instant now = clock.instant();
        Set<ResourceRef> tracked = new HashSet<>();
        for (RecoveryOperation operation : operations.list(Optional.empty(), Optional.of(server), Optional.empty(),
                RecoveryOperations.MAX_PAGE)) {
            if (!operation.isFinal()) {
                operation.resource().ifPresent(tracked::add);
            }
        }
        List<ListedPoint.Sighting> sightings = drifts.sightings(server);
        DriftScan.Findings findings = new DriftScan(team, server, listed, audited(server), tracked, drifts.onServer(server),
                sightings, now, stuckAfter).findings();
        int detected = 0;
        for (Drift drift : findings.detected()) {
            writer.appendNow(event(drift, Operation.DRIFT_DETECTED, Map.of(AuditEvent.DRIFT_KIND, drift.kind().wireName(),
                    AuditEvent.DRIFT_SEEN, drift.seen(), AuditEvent.MESSAGE, drift.kind().wireName() + ": " + drift.seen())));
            if (drifts.record(drift).isPresent()) {
                detected++;
            }
        }
        int resolved = 0;
        for (RecordedDrift gone : findings.resolved()) {
            Drift drift = gone.drift();
            String how = drift.resolution().orElseThrow().how();
            writer.appendNow(event(drift, Operation.DRIFT_RESOLVED, Map.of(AuditEvent.DRIFT_KIND, drift.kind().wireName(),
                    AuditEvent.DRIFT_RESOLUTION, how, AuditEvent.MESSAGE, drift.kind().wireName() + " resolved: " + how)));
            if (drifts.resolve(gone)) {
                resolved++;
            }
        }
        if (!findings.changesNothing(sightings)) {
            drifts.replaceSightings(server, findings.sightings());
        }
        return new Recorded(detected, resolved);
    }

    /** Every create and delete event of the server, read page by page (newest first; the order does not matter). */
    private AuditedPoints audited(ServerId server) {
        AuditEventFilter filter = AuditEventFilter.everything().forServer(server).withOperations(AuditedPoints.READ_FROM);
        List<AuditEvent> events = new ArrayList<>();
        OptionalLong before = OptionalLong.empty();
        List<RecordedAuditEvent> page;
        do {
            page = history.query(new AuditQuery(filter, before, HISTORY_PAGE));
            page.forEach(recorded -> events.add(recorded.event()));
            before = page.isEmpty() ? before : OptionalLong.of(page.getLast().sequence());
        } while (page.size() == HISTORY_PAGE);
        return AuditedPoints.from(events);
    }

    private AuditEvent event(Drift drift, Operation operation, Map<String, String> detail) {
        Instant at = drift.resolution().map(Drift.Resolution::at).orElse(drift.detectedAt());
        return new AuditEvent(at, drift.team(), new RequestId("drift-scan:" + drift.server().value() + ":" + at.getEpochSecond()),
                operation, Optional.of(drift.server()), Optional.of(drift.point()), new Outcome.Completed(), OptionalInt.empty(),
                Actor.SYSTEM.into(new HashMap<>(detail))); // the scheduler's job (ADR 0034)
    }
}
