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
import java.util.concurrent.ConcurrentHashMap;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.job.RunBudget;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.drift.AuditedPoints;
import org.vpsrecovery.domain.drift.AuditedPointsTally;
import org.vpsrecovery.domain.drift.Drift;
import org.vpsrecovery.domain.drift.DriftScan;
import org.vpsrecovery.domain.drift.LostWork;
import org.vpsrecovery.domain.drift.ListedPoint;
import org.vpsrecovery.domain.drift.RecordedDrift;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamDirectory;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * The drift scan (ADR 0035). One call scans at most {@code maxServers} owned servers after a cursor (the
 * last server scanned), in server id order, wrapping round, with a {@link Pacing} pause between servers so
 * that thousands of servers reach VPS.org spread out, not at once. Each server's findings are made under its
 * lock (the one every create and delete takes), so a change in flight is either wholly before them (its
 * events on record) or after; what an open operation still follows is the tracker's, never drift. VPS.org's
 * lists and the history are read before the lock; under it only what the platform may have changed since is
 * read again (see {@link #scanServer}).
 *
 * <p>Each drift found is appended to the audit history ({@code DRIFT_DETECTED}, {@code COMPLETED}; webhooks
 * follow from it) before it is stored, so none is on record without its event; a resolution likewise
 * ({@code DRIFT_RESOLVED}). A server whose lock is busy, whose lists VPS.org does not answer, or whose scan
 * fails otherwise (the database) is passed over until the next round, which goes on with the next server. An interrupt (a graceful stop) ends the round; the cursor it returns is then the
 * last server it reached, so the next round starts with the first one not reached.
 *
 * <p>What a server's create and delete events say is kept between rounds as a tally with the newest sequence it
 * counted (ADR 0114), so each round reads only the events after it: sequences are handed out under the chain
 * head's lock, so an event is visible before any later one is written. A kept tally lets go of the attempts no
 * verdict needs any more (a point made and deleted through the platform, no longer listed; refusals and failures), so it
 * holds about what is still live. The tallies kept together hold at most {@code maxKeptAttempts} attempts; a server
 * beyond that is read whole each round, as before.
 *
 * <p>A kept tally is true only of the database it was counted on. The platform's database can go back under a running
 * instance (a standby promoted without the last transactions, a restore to a point in time): counted events are gone
 * and their sequences are handed out again, so the next events after a mark would be skipped and the lost ones still
 * counted. The newest event any tally counted is therefore kept as a witness, and read again by its sequence in each
 * server's scan, after that server's events and before its findings: while it is stored as it was read, nothing at or
 * below it went (a database goes back to a point, never by a hole); once it is not, every kept tally is let go and the
 * server is read whole (ADR 0114, amended in session 46).
 */
public final class ScanDriftService {

    private static final System.Logger LOG = System.getLogger(ScanDriftService.class.getName());

    /** The pause between two servers' scans; the job sleeps, tests pass none. */
    @FunctionalInterface
    public interface Pacing {
        /** Throws when the thread is interrupted (a graceful stop): the round ends there. */
        void pause() throws InterruptedException;
    }

    /**
     * What one call did, and where the next starts; {@code leftByBudget}: how many of the servers it was to take (at most
     * one of each) its spent budget left, so the caller may go on with them soon (0: it took them all, or a stop ended
     * it) (ADR 0035, amended in session 46). {@code throttledFor}: VPS.org answered a list 429, so the round ended at that
     * server, which it did not reach (the next round starts at it), and how long VPS.org asked to wait (zero: it did not
     * say) (session 51).
     */
    public record Round(int scanned, int passedOver, int detected, int resolved, Optional<Long> lastServer,
                        int leftByBudget, Optional<Duration> throttledFor) {

        public Round {
            if (leftByBudget < 0) {
                throw new IllegalArgumentException("a round leaves no negative count of servers");
            }
            Objects.requireNonNull(throttledFor, "throttled for (may be empty, not null)");
            if (throttledFor.isPresent() && leftByBudget > 0) {
                throw new IllegalArgumentException("a round VPS.org throttled is not one its budget cut short");
            }
        }

        /** A round VPS.org did not ask to slow down. */
        public Round(int scanned, int passedOver, int detected, int resolved, Optional<Long> lastServer, int leftByBudget) {
            this(scanned, passedOver, detected, resolved, lastServer, leftByBudget, Optional.empty());
        }
    }

    /** A server's create and delete events hold {@code row}: the server is passed over this round. */
    private static final class LaterReleaseRowInHistory extends RuntimeException {
        private final transient LaterReleaseEvent row;

        LaterReleaseRowInHistory(LaterReleaseEvent row) {
            super(row.unknownName(), null, false, false);
            this.row = row;
        }
    }

    /**
     * Why a round passed a server over: its create and delete events hold a row a later release wrote under a name that
     * changes what they say of its points ({@link #LATER_RELEASE}), or its scan failed ({@link #FAILED}: its lock busy,
     * VPS.org or the database failing, a record refused).
     */
    public enum PassedOver { LATER_RELEASE, FAILED }

    /** How many times a round passed a server over for {@code why}, since start. */
    public long serversPassedOver(PassedOver why) {
        return passedOverFor.get(why).sum();
    }

    /** A former owner's open drift's resolution: the server is no longer its team's, so no scan follows it for them. */
    static final String NO_LONGER_FOLLOWED = "no longer followed: the server is no longer the team's";

    private static final int HISTORY_PAGE = AuditQuery.MAX_LIMIT;
    /** The events since the high-water mark, under the lock: seldom more than a few. */
    private static final int SINCE_PAGE = 20;

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
    private final int maxKeptAttempts;
    /** Servers passed over since start, by why (ADR 0035, amended in session 51). */
    private final Map<PassedOver, java.util.concurrent.atomic.LongAdder> passedOverFor = Map.of(
            PassedOver.LATER_RELEASE, new java.util.concurrent.atomic.LongAdder(),
            PassedOver.FAILED, new java.util.concurrent.atomic.LongAdder());
    /** Each server's tally as of its last scan; only the scanning job's thread writes it. */
    private final Map<ServerId, Kept> kept = new ConcurrentHashMap<>();
    /** The newest event the kept tallies counted, as it was read: at or after every event they hold. */
    private volatile Optional<AuditHistoryEntry> witness = Optional.empty();

    /** A server's tally and the newest sequence it counted. */
    private record Kept(AuditedPointsTally tally, long highWater) {
    }

    /** The default bound of the tallies kept between rounds: ~100-200 bytes an attempt. */
    public static final int DEFAULT_KEPT_ATTEMPTS = 100_000;

    public ScanDriftService(TeamDirectory teams, ServerOwnership ownership, SnapshotProvider snapshots, BackupProvider backups,
                            AuditHistory history, AuditWriter writer, RecoveryOperations operations, DriftRecords drifts,
                            ServerLock lock, Clock clock, Duration stuckAfter) {
        this(teams, ownership, snapshots, backups, history, writer, operations, drifts, lock, clock, stuckAfter, DEFAULT_KEPT_ATTEMPTS);
    }

    public ScanDriftService(TeamDirectory teams, ServerOwnership ownership, SnapshotProvider snapshots, BackupProvider backups,
                            AuditHistory history, AuditWriter writer, RecoveryOperations operations, DriftRecords drifts,
                            ServerLock lock, Clock clock, Duration stuckAfter, int keptAttempts) {
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
        if (keptAttempts < 0) {
            throw new IllegalArgumentException("kept attempts must not be negative");
        }
        this.maxKeptAttempts = keptAttempts;
        this.lostWork = Optional::empty;
    }

    /**
     * {@code lostWork}: when the platform's own work was lost to its database going back (the checkpoints' cut, ADR
     * 0022), if it was: a point created outside in it is said to be maybe the platform's own (ADR 0035, session 52).
     */
    public ScanDriftService(TeamDirectory teams, ServerOwnership ownership, SnapshotProvider snapshots, BackupProvider backups,
                            AuditHistory history, AuditWriter writer, RecoveryOperations operations, DriftRecords drifts,
                            ServerLock lock, Clock clock, Duration stuckAfter, int keptAttempts,
                            java.util.function.Supplier<Optional<LostWork>> lostWork) {
        this(teams, ownership, snapshots, backups, history, writer, operations, drifts, lock, clock, stuckAfter, keptAttempts);
        this.lostWork = Objects.requireNonNull(lostWork, "lost work");
    }

    private java.util.function.Supplier<Optional<LostWork>> lostWork;

    private record Owned(long server, TeamId team) {
    }

    /** What one server's scan recorded. */
    private record Recorded(int detected, int resolved) {
    }

    /** Scans up to {@code maxServers} servers after {@code after} (wrapping round to the lowest id). */
    public Round scan(Optional<Long> after, int maxServers, Pacing pacing) {
        return scan(after, maxServers, pacing, RunBudget.UNBOUNDED);
    }

    /**
     * As above, taking no further server once {@code budget} is spent (checked between two servers): the round's
     * cursor is then the last server it reached, so the next round starts with the first one it did not.
     */
    public Round scan(Optional<Long> after, int maxServers, Pacing pacing, RunBudget budget) {
        if (maxServers < 1) {
            throw new IllegalArgumentException("a round scans at least one server");
        }
        List<Owned> owned = new ArrayList<>();
        for (TeamId team : teams.teams()) {
            ownership.serversOf(team).forEach(server -> owned.add(new Owned(server.value(), team)));
        }
        owned.sort(Comparator.comparingLong(Owned::server).thenComparing(o -> o.team().value()));
        Set<ServerId> stillOwned = new HashSet<>();
        owned.forEach(o -> stillOwned.add(new ServerId(o.server())));
        kept.keySet().retainAll(stillOwned); // a server no team owns any more is not scanned: its tally goes
        if (owned.isEmpty()) {
            return new Round(0, 0, 0, 0, after, 0);
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
        int leftByBudget = 0;
        Optional<Duration> throttledFor = Optional.empty();
        int round = Math.min(maxServers, owned.size());
        for (int i = 0; i < round && !stopping(); i++) {
            Owned next = owned.get((start + i) % owned.size());
            if (i > 0) {
                if (budget.spent()) {
                    leftByBudget = round - i;
                    break;
                }
                try {
                    pacing.pause();
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt(); // kept for the job's runner
                    break;
                }
            }
            try {
                ServerId server = new ServerId(next.server());
                Recorded recorded = scanServer(next.team(), server);
                scanned++;
                detected += recorded.detected();
                resolved += recorded.resolved();
            } catch (LaterReleaseRowInHistory later) {
                // Judged without that row, the server could be found to hold a point deleted outside the platform
                // that a later release's event explains, or miss one: no finding, no tally, until that release runs.
                passedOver++;
                passedOverFor.get(PassedOver.LATER_RELEASE).increment();
                LOG.log(System.Logger.Level.WARNING, "drift scan passed over server {0} of team {1} this round: its "
                        + "create and delete events hold event {2}, which holds {3}, a name this release does not know "
                        + "(a later release wrote it; its hash holds)", String.valueOf(next.server()), next.team().value(),
                        String.valueOf(later.row.sequence()), later.row.unknownName());
            } catch (RecoveryException busyOrUnanswered) {
                if (stopping()) {
                    break; // the lock's wait was cut short by the stop: this server was not scanned, the next round starts at it
                }
                if (busyOrUnanswered instanceof ProviderFailure failure && failure.kind() == ProviderFailure.Kind.RATE_LIMITED) {
                    // VPS.org's limit is the account's: every later server would be refused too, and each call spends
                    // more of it. The round ends here and the next starts at this server (ADR 0035, session 51).
                    throttledFor = Optional.of(failure.retryAfter().orElse(Duration.ZERO));
                    break;
                }
                passedOver++; // the lock was busy, VPS.org did not answer, or the history could not take an event
                passedOverFor.get(PassedOver.FAILED).increment();
            } catch (RuntimeException failed) {
                if (stopping()) {
                    break;
                }
                // Any other failure of one server (the database, a record refused) passes it over too: thrown, it would
                // end the round unsaved, and one that repeats would keep every later server from ever being scanned.
                passedOver++;
                passedOverFor.get(PassedOver.FAILED).increment();
                LOG.log(System.Logger.Level.WARNING, "drift scan passed over server {0} of team {1} until its next turn: {2}: {3}",
                        String.valueOf(next.server()), next.team().value(), failed.getClass().getSimpleName(), failed.getMessage());
            }
            last = Optional.of(next.server());
        }
        return new Round(scanned, passedOver, detected, resolved, last, leftByBudget, throttledFor);
    }

    /**
     * Whether the thread was interrupted (a graceful stop interrupts the scheduler's jobs): every later lock
     * wait would fail at once, so the round ends and the cursor stays on the last server it reached.
     */
    private static boolean stopping() {
        return Thread.currentThread().isInterrupted();
    }

    /**
     * What the scan read of one server before taking its lock: VPS.org's lists, the server's create and delete
     * events up to a high-water mark (the newest sequence read), and the points its open operations follow.
     */
    private record Reading(List<ListedPoint> listed, Instant listedAt, AuditedPointsTally audited, OptionalLong highWater,
                           Optional<AuditHistoryEntry> newest, Set<ResourceRef> tracked) {
    }

    /**
     * One server. The slow reads (two VPS.org lists, the server's whole create and delete history) are made
     * before its lock is taken, so users' requests wait on it only for the re-check: under the lock, the open
     * operations and the events after the high-water mark are read again, and VPS.org is listed again only
     * if the platform touched the server meanwhile (a new event, or an operation opened or ended).
     */
    private Recorded scanServer(TeamId team, ServerId server) {
        Reading before = read(server);
        return lock.callExclusively(server, () -> scanLocked(team, server, before));
    }

    /** How many attempts the tallies kept between rounds hold. */
    public int keptAttempts() {
        return kept.values().stream().mapToInt(k -> k.tally().attempts()).sum();
    }

    /**
     * Keeps a server's tally for its next scan, once it let go of the attempts no verdict needs any more (those of points
     * deleted for good and not {@code stillSeen}, refused and failed ones: ADR 0114, amended in session 46), if the bound
     * allows; a tally that outgrew it is let go.
     */
    private void keep(ServerId server, AuditedPointsTally tally, OptionalLong highWater, Set<ResourceRef> stillSeen) {
        kept.remove(server);
        tally.forgetSettled(stillSeen);
        if (highWater.isPresent() && keptAttempts() + tally.attempts() <= maxKeptAttempts) {
            kept.put(server, new Kept(tally, highWater.getAsLong()));
        }
    }

    private Reading read(ServerId server) {
        List<ListedPoint> listed = list(server);
        Instant listedAt = clock.instant();
        Set<ResourceRef> tracked = tracked(server); // before the events, as under the lock
        Kept known = kept.get(server);
        // A copy: the scan may still fail, and what is kept must be what a finished scan counted.
        AuditedPointsTally audited = known == null ? new AuditedPointsTally() : known.tally().copy();
        OptionalLong mark = known == null ? OptionalLong.empty() : OptionalLong.of(known.highWater());
        Optional<AuditHistoryEntry> newest = readHistory(server, mark, mark.isEmpty() ? HISTORY_PAGE : SINCE_PAGE, audited);
        return new Reading(listed, listedAt, audited, highWater(newest, mark), newest, tracked);
    }

    private static OptionalLong highWater(Optional<AuditHistoryEntry> newest, OptionalLong mark) {
        return newest.map(e -> OptionalLong.of(e.sequence())).orElse(mark);
    }

    /**
     * Whether the witness is still stored as it was read (one read by sequence): if so, every event the kept tallies
     * counted is still there as counted. An event that no longer reads as one is not the witness either.
     */
    private boolean witnessStands() {
        Optional<AuditHistoryEntry> seen = witness;
        if (seen.isEmpty()) {
            return true;
        }
        List<AuditHistoryEntry> now;
        try {
            // As entries, not query: a later release's row counted (its reason alone unknown) may be the witness.
            now = history.entries(AuditQuery.latest(1).before(seen.get().sequence() + 1));
        } catch (AuditEventAltered altered) {
            return false;
        }
        return now.size() == 1 && now.getFirst().equals(seen.get());
    }

    /** Lets every kept tally go: the database they were counted on went back (or was changed behind the platform). */
    private void forgetKept() {
        LOG.log(System.Logger.Level.WARNING, "drift scan: the audit history no longer holds event {0} as this instance "
                + "read it (the database went back: a failover or a restore?); every server''s create and delete events "
                + "are read whole again", String.valueOf(witness.map(AuditHistoryEntry::sequence).orElse(0L)));
        kept.clear();
        witness = Optional.empty();
    }

    /** The witness moves to {@code newest} if newer: checked first, so that it never stands for a tally it does not. */
    private void witnessed(Optional<AuditHistoryEntry> newest) {
        newest.filter(e -> witness.isEmpty() || e.sequence() > witness.get().sequence()).ifPresent(e -> witness = Optional.of(e));
    }

    private Recorded scanLocked(TeamId team, ServerId server, Reading before) {
        // The open operations before the events: a tracker ends what VPS.org took without this lock (ADR 0057),
        // writing the end's event before the operation's move, so an end is then still tracked or already read.
        Set<ResourceRef> tracked = tracked(server);
        AuditedPointsTally audited = before.audited();
        Optional<AuditHistoryEntry> newer = readHistory(server, before.highWater(), SINCE_PAGE, audited);
        OptionalLong highWater = highWater(newer, before.highWater());
        Optional<AuditHistoryEntry> newest = newer.or(before::newest);
        boolean touched = !highWater.equals(before.highWater()) || !tracked.equals(before.tracked());
        // After this server's events were read, so that none of them is from before a going back the witness missed.
        if (!witnessStands()) {
            forgetKept();
            // Read whole again even when it was read whole before the lock: that read may be from before the going back,
            // holding events now lost and missing new ones at their sequences again (ADR 0114, amended in session 46).
            audited = new AuditedPointsTally();
            newest = readHistory(server, OptionalLong.empty(), HISTORY_PAGE, audited);
            highWater = highWater(newest, OptionalLong.empty());
            touched = true; // VPS.org listed again: the whole read may hold events newer than the first list
        }
        witnessed(newest);
        List<ListedPoint> listed = touched ? list(server) : before.listed();
        Instant now = touched ? clock.instant() : before.listedAt();
        List<ListedPoint.Sighting> sightings = drifts.sightings(server);
        // Only the owner's own records: a server the teams file moved is judged for its new owner afresh (ADR 0035,
        // amended in session 38); what a former owner's records say is theirs, never resolved by what happens later.
        List<RecordedDrift> onServer = drifts.onServer(server);
        List<RecordedDrift> recorded = onServer.stream().filter(r -> r.drift().team().equals(team)).toList();
        Optional<LostWork> lost = lostWork.get();
        DriftScan.Findings findings = new DriftScan(team, server, listed, audited.points(), tracked,
                recorded, sightings, now, stuckAfter, lost).findings();
        if (findings.restOnAbsence()) {
            // A point left out of a list joined from pages is no drift: judged again on lists read consistently.
            listed = list(server, true);
            findings = new DriftScan(team, server, listed, audited.points(), tracked, recorded, sightings,
                    clock.instant(), stuckAfter, lost).findings();
        }
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
        // A former owner's open drifts are closed once, under its name, saying only that they are no longer followed.
        for (RecordedDrift formerOwners : onServer) {
            Drift drift = formerOwners.drift();
            if (drift.isOpen() && !ownership.owns(drift.team(), server)) {
                RecordedDrift closed = new RecordedDrift(formerOwners.id(), drift.resolved(now, NO_LONGER_FOLLOWED));
                writer.appendNow(event(closed.drift(), Operation.DRIFT_RESOLVED, Map.of(AuditEvent.DRIFT_KIND,
                        drift.kind().wireName(), AuditEvent.DRIFT_RESOLUTION, NO_LONGER_FOLLOWED, AuditEvent.MESSAGE,
                        drift.kind().wireName() + " resolved: " + NO_LONGER_FOLLOWED)));
                drifts.resolve(closed);
            }
        }
        if (!findings.changesNothing(sightings)) {
            drifts.replaceSightings(server, findings.sightings());
        }
        Set<ResourceRef> stillSeen = new HashSet<>(tracked);
        listed.forEach(point -> stillSeen.add(point.ref()));
        keep(server, audited, highWater, stillSeen);
        return new Recorded(detected, resolved);
    }

    /**
     * VPS.org's points of {@code server}. Only its own: were VPS.org to ignore {@code server_id}, other servers' points
     * (other teams') would be recorded as created outside on this one. The providers given hold every list to the asked
     * server ({@code ProviderAnswersOnTheAskedServer}, under {@code SharedListReads} in the composition root and in the
     * tests alike), so the scan does not check it again (ADR 0024, amended in session 40).
     */
    private List<ListedPoint> list(ServerId server) {
        return list(server, false);
    }

    /** {@code consistently}: lists that leave out nothing there when they were read (ADR 0010, amended in session 38). */
    private List<ListedPoint> list(ServerId server, boolean consistently) {
        List<ListedPoint> listed = new ArrayList<>();
        for (Snapshot snapshot : consistently
                ? snapshots.listSnapshotsConsistently(Optional.of(server), ConsistentListBound.eachReadItsOwnDeadline())
                : snapshots.listSnapshots(Optional.of(server))) {
            listed.add(ListedPoint.of(snapshot));
        }
        for (Backup backup : consistently ? backups.listBackupsConsistently(Optional.of(server), Optional.empty(),
                        ConsistentListBound.eachReadItsOwnDeadline())
                : backups.listBackups(Optional.of(server), Optional.empty())) {
            listed.add(ListedPoint.of(backup));
        }
        return listed;
    }

    /** The points the server's open operations follow, read state by state (however many closed ones it has). */
    private Set<ResourceRef> tracked(ServerId server) {
        Set<ResourceRef> tracked = new HashSet<>();
        for (OperationState state : OperationState.values()) {
            if (!state.isFinal()) {
                operations.list(Optional.empty(), Optional.of(server), Optional.of(state), RecoveryOperations.MAX_PAGE)
                        .forEach(operation -> operation.resource().ifPresent(tracked::add));
            }
        }
        return tracked;
    }

    /**
     * Counts into {@code events} the server's create and delete events newer than {@code after} (all of them when
     * empty), read page by page newest first (the order does not matter); returns the newest one counted, whose
     * sequence is the new high-water mark (none counted: the mark stays). After a mark the pages start small and
     * double, so that a few new events cost one short page.
     *
     * @throws LaterReleaseRowInHistory at a row among them a later release wrote under a name this release does not know
     *     (ADR 0005, amended in session 50), unless that name is its reason alone: such a row is counted (session 51)
     */
    private Optional<AuditHistoryEntry> readHistory(ServerId server, OptionalLong after, int firstPage, AuditedPointsTally events) {
        AuditEventFilter filter = AuditEventFilter.everything().forServer(server).withOperations(AuditedPoints.READ_FROM);
        Optional<AuditHistoryEntry> newest = Optional.empty();
        OptionalLong before = OptionalLong.empty();
        int size = firstPage;
        boolean more;
        do {
            List<AuditHistoryEntry> page = history.entries(new AuditQuery(filter, before, size));
            boolean reachedMark = false;
            for (AuditHistoryEntry entry : page) {
                if (after.isPresent() && entry.sequence() <= after.getAsLong()) {
                    reachedMark = true;
                    break;
                }
                if (entry instanceof RecordedAuditEvent recorded) {
                    events.add(recorded.event());
                } else if (!events.addIfOnlyItsReasonUnknown((LaterReleaseEvent) entry)) {
                    // A later release's row under an operation or outcome this release does not know: what it says of a
                    // point is unknown, so no verdict on this server holds. One whose reason alone is unknown is counted
                    // (ADR 0005, amended in session 51): a reason does not change which points exist.
                    throw new LaterReleaseRowInHistory((LaterReleaseEvent) entry);
                }
                if (newest.isEmpty() || entry.sequence() > newest.get().sequence()) {
                    newest = Optional.of(entry);
                }
            }
            more = !reachedMark && page.size() == size;
            before = page.isEmpty() ? before : OptionalLong.of(page.getLast().sequence());
            size = Math.min(size * 2, HISTORY_PAGE);
        } while (more);
        return newest;
    }

    private AuditEvent event(Drift drift, Operation operation, Map<String, String> detail) {
        Instant at = drift.resolution().map(Drift.Resolution::at).orElse(drift.detectedAt());
        return new AuditEvent(at, drift.team(), new RequestId("drift-scan:" + drift.server().value() + ":" + at.getEpochSecond()),
                operation, Optional.of(drift.server()), Optional.of(drift.point()), new Outcome.Completed(), OptionalInt.empty(),
                Actor.SYSTEM.into(new HashMap<>(detail))); // the scheduler's job (ADR 0034)
    }
}
