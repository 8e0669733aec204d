package org.vpsrecovery.application.operation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.failure.AtMostEvery;
import org.vpsrecovery.application.job.RunBudget;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ProviderClock;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.AttemptAlreadyEnded;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * Follows every open operation to its end at VPS.org, whose only reads are its two lists. One tick
 * takes the operations that are due, and per server, a few at a time under that server's lock (so no
 * request of it is running; requests go in between, ADR 0048), lists its snapshots and its backups at
 * most once each per hold, then moves each operation by what the lists show and writes the audit event
 * that says so:
 *
 * <ul>
 *   <li>a create in progress: {@code completed} → COMPLETED; {@code failed} → FAILED
 *   RECOVERY_POINT_FAILED; missing from the list once the settle period since VPS.org took it has passed → FAILED
 *   RECOVERY_POINT_VANISHED (before that it is followed on: the list may lag behind VPS.org's answer);</li>
 *   <li>a delete in progress: gone from the list → COMPLETED;</li>
 *   <li>a restore in progress: its window ended → UNVERIFIABLE OUTCOME_UNKNOWN, saying VPS.org has no server status
 *   read (the window's end is no evidence that it finished: ADR 0024, amended in session 49);</li>
 *   <li>a lost answer (or an intent whose request died, still {@code accepted}): found at VPS.org →
 *   SUBMITTED with the id (then followed as above); not there → FAILED NOT_DONE_AT_PROVIDER; a restore
 *   cannot be found either way → UNVERIFIABLE at its deadline, nor can a backup create while unclaimed manual
 *   backups none of which carries its description are there, nor a create not listed when a delete of ours since
 *   removed a point no create claims (unless its SUBMITTED on record names that point: ended as the delete saw it),
 *   nor one beside more unclaimed points of its name than lost creates alike (its point is looked for among those VPS.org
 *   dates since {@link ProviderClock#TOLERANCE} before the acceptance, as its clock may be behind ours), nor one whose
 *   older lost create alike is open (that one takes its point first) until that one has; a point is claimed by another
 *   create, or by any operation of ours that named it before this create's intent (the audit history's order, never
 *   two instances' clocks), never by a restore or delete asked since;</li>
 *   <li>still {@code accepted} with no intent on record (stored, then its intent never written): VPS.org was not
 *   called → FAILED NOT_DONE_AT_PROVIDER, whatever its list shows;</li>
 *   <li>no end by the deadline → UNVERIFIABLE TRACKING_DEADLINE_PASSED; otherwise look again later, backing off.</li>
 * </ul>
 *
 * An end's event is on record before its operation is closed (ADR 0024). Runs once across instances
 * (the scheduler's job), and safely twice: every move is a versioned write under the server's lock, or,
 * for an operation VPS.org took (in progress: a create or delete of a snapshot or backup), under the
 * following lock, which orders the trackers among themselves and never a request (ADR 0057).
 */
public final class TrackOperationsService {

    /** Audit events written here say so. */
    public static final String TRACKED = "tracked";

    private static final System.Logger LOG = System.getLogger(TrackOperationsService.class.getName());

    /** How often the WARN about a server passed over is said again while it lasts. */
    public static final Duration WARN_AGAIN_AFTER = Duration.ofMinutes(10);

    /** At most this many of an attempt's events are read: an attempt has one intent and an end or two. */
    private static final int ATTEMPT_EVENTS_READ = AuditQuery.MAX_LIMIT;

    /** The end of an accepted operation whose attempt has no intent on record: VPS.org was never asked. */
    private static final String NOT_CALLED = "VPS.org was not called";

    private static final String NO_INTENT =
            "no intent of this attempt is on record, and VPS.org is called only once it is";

    /** How long before its operation an intent may have been written (the intent's append, then the store). */
    private static final Duration INTENT_BEFORE_OPERATION = Duration.ofMinutes(1);

    /**
     * {@code settleAfter}: how long after an answer was lost (or a request died) the tracker waits
     * before looking, since VPS.org may still be acting on a request whose caller is gone; and how long after VPS.org
     * took a create its point may be missing from the list before it counts as vanished (the list may lag).
     */
    public record Settings(Duration firstLook, Duration longestLook, int batch, Duration settleAfter, int perLockHold) {

        /** Operations followed under one hold of a server's lock, by default (ADR 0048). */
        public static final int PER_LOCK_HOLD = 20;

        public Settings(Duration firstLook, Duration longestLook, int batch, Duration settleAfter) {
            this(firstLook, longestLook, batch, settleAfter, PER_LOCK_HOLD);
        }

        public Settings {
            if (perLockHold < 1) {
                throw new IllegalArgumentException("operations per lock hold must be positive");
            }
            Objects.requireNonNull(settleAfter, "settle after");
            if (settleAfter.isNegative()) {
                throw new IllegalArgumentException("settle after must not be negative");
            }
            Objects.requireNonNull(firstLook, "first look");
            Objects.requireNonNull(longestLook, "longest look");
            if (firstLook.isNegative() || firstLook.isZero() || longestLook.compareTo(firstLook) < 0) {
                throw new IllegalArgumentException("looks must be positive, the longest no shorter than the first");
            }
            if (batch < 1 || batch > RecoveryOperations.MAX_PAGE) {
                throw new IllegalArgumentException("the operations read per tracking run (batch) must be 1-"
                        + RecoveryOperations.MAX_PAGE);
            }
        }

        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(5), Duration.ofMinutes(1), 200,
                Duration.ofMinutes(5));
    }

    private final RecoveryOperations operations;
    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final AuditHistory history;
    private final AuditWriter writer;
    private final ServerLock lock;
    private final ServerLock followingLock;
    private final Clock clock;
    private final Settings settings;
    private final java.util.concurrent.atomic.LongAdder serversPassedOver = new java.util.concurrent.atomic.LongAdder();
    /**
     * The WARN about each server passed over, at most once a {@link #WARN_AGAIN_AFTER}, by the shared rule of
     * {@link AtMostEvery} (session 54; before, a map of its own). Spaced on this service's clock, as before.
     */
    private final AtMostEvery<ServerId> passedOverLines;

    public TrackOperationsService(RecoveryOperations operations, SnapshotProvider snapshots, BackupProvider backups,
                                  AuditHistory history, AuditWriter writer, ServerLock lock, Clock clock,
                                  Settings settings) {
        this(operations, snapshots, backups, history, writer, lock, lock, clock, settings);
    }

    /**
     * {@code followingLock}: orders trackers (of any instance) on a server when they follow operations VPS.org
     * took, which needs no request kept out (ADR 0057); the server's {@code lock} is still taken for lost answers
     * and restores. The same lock for both follows everything under the server's lock, as before.
     */
    public TrackOperationsService(RecoveryOperations operations, SnapshotProvider snapshots, BackupProvider backups,
                                  AuditHistory history, AuditWriter writer, ServerLock lock, ServerLock followingLock,
                                  Clock clock, Settings settings) {
        this.followingLock = Objects.requireNonNull(followingLock, "following lock");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.history = Objects.requireNonNull(history, "history");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        // Nanoseconds since the epoch on the service's clock (fits a long until 2262): the tests move that clock.
        this.passedOverLines = new AtMostEvery<>(WARN_AGAIN_AFTER, PASSED_OVER_REMEMBERED, () -> {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }, heldBack -> LOG.log(System.Logger.Level.WARNING, "the tracker passed over more servers than the {0} whose "
                + "line is remembered, each said at most once a {1}: {2} passing(s) over of other servers held back since "
                + "the last such line (its VPS.org or database outage may be wide; the count of servers passed over is "
                + "in the metrics)", String.valueOf(PASSED_OVER_REMEMBERED), WARN_AGAIN_AFTER, String.valueOf(heldBack)));
    }

    /** What it was configured with: the operator's keys as they reached it. */
    public Settings settings() {
        return settings;
    }

    /**
     * One round over what is due; returns how many operations changed state. A server's operations are
     * followed a few at a time ({@link Settings#perLockHold}), each few under its own hold of the server's
     * lock with its own read of the lists: the lock's queue is fair, so requests waiting for the server go
     * in between instead of behind the whole round (ADR 0048).
     */
    public int tick() {
        return tick(RunBudget.UNBOUNDED);
    }

    /**
     * As above, taking no further slice once {@code budget} is spent (checked between two slices, the first always
     * taken). What was not reached stays due as it was, and the operations are read most overdue first, while each one
     * followed is due again only after its next look: the next round starts with those this one did not reach
     * (ADR 0024, amended in session 45).
     */
    public int tick(RunBudget budget) {
        return round(budget).moved();
    }

    /**
     * The passed-over counts no next line will say: a server passed over again within its interval and then not for a
     * whole one (ADR 0025, amended in session 55). At the end of each round, after its own lines.
     */
    private void sayPassedOverHeldBack() {
        for (AtMostEvery.Expired<ServerId> quiet : passedOverLines.sayExpired()) {
            LOG.log(System.Logger.Level.WARNING, "the tracker passed over server {0} {1} more time(s) since its last line, "
                    + "and not since for {2}", String.valueOf(quiet.key().value()), String.valueOf(quiet.heldBack()),
                    WARN_AGAIN_AFTER);
        }
    }

    /**
     * Every passed-over count held back on this instance, whatever its interval: at this instance's stop, after its
     * rounds ended, since no later round here would say them (ADR 0025, session 55).
     */
    public void sayHeldLinesAtStop() {
        for (AtMostEvery.Expired<ServerId> held : passedOverLines.sayAllHeld()) {
            LOG.log(System.Logger.Level.WARNING, "the tracker passed over server {0} {1} more time(s) since its last line, "
                    + "said as this instance stops", String.valueOf(held.key().value()), String.valueOf(held.heldBack()));
        }
    }

    /**
     * What one round did: how many operations changed state, and the operations it read as due that its spent budget
     * left, in the order it would have taken them (empty: it took them all, or a stop ended it). Those of a server whose
     * few failed in this round are not among them: they stay due for the next round, as before budgets.
     * {@code throttledFor}: VPS.org answered 429, so the round ended there (what it did not reach stays due), and how
     * long VPS.org asked to wait (zero: it did not say) (session 51).
     */
    public record Round(int moved, List<OperationId> leftByBudget, Optional<Duration> throttledFor) {
        public Round {
            if (moved < 0) {
                throw new IllegalArgumentException("a round moves no negative count of operations, was " + moved);
            }
            leftByBudget = List.copyOf(leftByBudget);
            Objects.requireNonNull(throttledFor, "throttled for (may be empty, not null)");
        }

        /** A round VPS.org did not ask to slow down. */
        public Round(int moved, List<OperationId> leftByBudget) {
            this(moved, leftByBudget, Optional.empty());
        }
    }

    /** A round over what is due now (as {@link #tick(RunBudget)}), saying what its budget left. */
    public Round round(RunBudget budget) {
        try {
            return follow(operations.openByServer(clock.instant(), settings.batch()), budget);
        } finally {
            sayPassedOverHeldBack();
        }
    }

    /**
     * The rest of a round its budget cut short ({@link Round#leftByBudget}): those of {@code left} still open and due,
     * in that order, so it goes on after what the round reached rather than from the most overdue again, which would
     * first be what failed in it (ADR 0024, amended in session 47). At most {@value RecoveryOperations#MAX_PAGE}.
     */
    public Round roundGoingOn(List<OperationId> left, RunBudget budget) {
        Instant now = clock.instant();
        Map<OperationId, RecoveryOperation> read = operations.findAll(left);
        Map<ServerId, List<RecoveryOperation>> dueByServer = new LinkedHashMap<>();
        for (OperationId id : left) {
            RecoveryOperation operation = read.get(id);
            // As openByServer reads them: open, and due (one a request or another tracker looked at since is not).
            if (operation != null && FOLLOWED.contains(operation.state()) && !operation.nextCheckAt().isAfter(now)) {
                dueByServer.computeIfAbsent(operation.server(), server -> new ArrayList<>()).add(operation);
            }
        }
        try {
            return follow(dueByServer, budget);
        } finally {
            sayPassedOverHeldBack();
        }
    }

    /** The states a round follows: those {@link RecoveryOperations#openByServer} reads. */
    private static final Set<OperationState> FOLLOWED =
            java.util.EnumSet.of(OperationState.ACCEPTED, OperationState.IN_PROGRESS, OperationState.UNRESOLVED);

    private Round follow(Map<ServerId, List<RecoveryOperation>> dueByServer, RunBudget budget) {
        List<Slice> slices = new ArrayList<>();
        for (Map.Entry<ServerId, List<RecoveryOperation>> due : dueByServer.entrySet()) {
            // What VPS.org took is followed without keeping the server's requests out (ADR 0057); the rest under its lock.
            Map<Boolean, List<RecoveryOperation>> byLock = due.getValue().stream()
                    .collect(Collectors.partitioningBy(TrackOperationsService::followedWithoutRequestsKeptOut));
            slice(due.getKey(), byLock.get(true), true, slices);
            slice(due.getKey(), byLock.get(false), false, slices);
        }
        int moved = 0;
        Set<Slice.Key> notNow = new HashSet<>();
        for (int i = 0; i < slices.size(); i++) {
            // A stop first, whatever the budget: the last few's lock wait may be the one it cut short, and a stopping
            // job's rest is not run at once (the next round reads what is due).
            if (stopping()) {
                return new Round(moved, List.of());
            }
            if (i > 0 && budget.spent()) {
                return new Round(moved, slices.subList(i, slices.size()).stream()
                        .filter(slice -> !notNow.contains(slice.key()))
                        .flatMap(slice -> slice.few().stream()).map(RecoveryOperation::id).toList());
            }
            Slice slice = slices.get(i);
            if (notNow.contains(slice.key())) {
                continue;
            }
            try {
                moved += (slice.key().takenOnly() ? followingLock : lock).callExclusively(slice.key().server(),
                        () -> trackServer(slice.key().server(), slice.few(), slice.key().takenOnly(),
                                () -> notNow.add(slice.key())));
            } catch (RecoveryException busyOrFailed) {
                if (busyOrFailed instanceof ProviderFailure failure && failure.kind() == ProviderFailure.Kind.RATE_LIMITED) {
                    // VPS.org's limit is the account's: every later server would be refused too (ADR 0024, session 51).
                    return new Round(moved, List.of(), Optional.of(failure.retryAfter().orElse(Duration.ZERO)));
                }
                // The server is busy, VPS.org or the database failed: its later slices under this lock stay due for the
                // next round.
                notNow.add(slice.key());
                if (!stopping()) { // a stop cuts the lock's wait short: no server was passed over
                    passedOver(slice.key().server(), busyOrFailed, true);
                }
            }
        }
        return new Round(moved, List.of());
    }

    /**
     * Counts a server a round passed over, and says why at WARN at most once a {@link #WARN_AGAIN_AFTER} per server: a
     * round runs every few seconds, and a server failing for an hour would otherwise fill the log (ADR 0024, amended in
     * session 51). Before, the tracker passed a server over silently, and nothing could tell a stuck tracker.
     */
    private void passedOver(ServerId server, RecoveryException cause, boolean stayDue) {
        serversPassedOver.increment();
        passedOverLines.sayNow(server).ifPresent(since -> LOG.log(System.Logger.Level.WARNING,
                "the tracker passed over server {0} this round, " + (stayDue
                        ? "its operations stay due for the next one"
                        : "its operations are looked at again later, those past their deadline ended unverifiable")
                        + ": {1}: {2} (said again in {3} if it lasts; passed over {4} more time(s) since its last line)",
                String.valueOf(server.value()), cause.getClass().getSimpleName(), cause.getMessage(), WARN_AGAIN_AFTER,
                String.valueOf(since)));
    }

    /**
     * Servers whose passed-over WARN is remembered (about 200 bytes each): past this, those whose interval has passed
     * are forgotten; the others share one line an interval ({@link AtMostEvery}).
     */
    private static final int PASSED_OVER_REMEMBERED = 1000;

    /** How many times a round passed a server over (its lock busy, VPS.org or the database failing), since start. */
    public long serversPassedOver() {
        return serversPassedOver.sum();
    }

    /** The operations open now, for the gauges of a stuck tracker (ADR 0024, amended in session 51). */
    public RecoveryOperations.Open open() {
        return operations.open();
    }

    /** Whether the thread was interrupted: a graceful stop interrupts the scheduler's jobs, and every lock wait fails. */
    private static boolean stopping() {
        return Thread.currentThread().isInterrupted();
    }

    /** A few operations of one server followed under one hold of the lock {@code takenOnly} names. */
    private record Slice(Key key, List<RecoveryOperation> few) {
        record Key(ServerId server, boolean takenOnly) {
        }
    }

    private void slice(ServerId server, List<RecoveryOperation> open, boolean takenOnly, List<Slice> into) {
        for (int from = 0; from < open.size(); from += settings.perLockHold()) {
            into.add(new Slice(new Slice.Key(server, takenOnly),
                    open.subList(from, Math.min(open.size(), from + settings.perLockHold()))));
        }
    }

    /**
     * An operation VPS.org took, of a recovery point: its end is read from VPS.org's list, and every request that could
     * change what that list shows of it (a delete of ours) has its intent and operation on record before it calls
     * VPS.org, so before the list is read; the history and operations read after the list see them. So such an end
     * needs no request of the server kept out. A lost answer does (a create in flight has not yet claimed what it
     * made), and so do restores (their hold is a server's state the requests decide on).
     */
    private static boolean followedWithoutRequestsKeptOut(RecoveryOperation operation) {
        return operation.state() == OperationState.IN_PROGRESS
                && switch (operation.kind()) {
                    case CREATE_SNAPSHOT, CREATE_MANUAL_BACKUP, DELETE_SNAPSHOT, DELETE_BACKUP -> true;
                    default -> false;
                };
    }

    /**
     * The two lists of one server, each read at most once per round; and, once a point's absence would end an operation,
     * each read again consistently (at most once more per hold), so that a point left out of a list joined from pages is
     * never ended as gone (ADR 0010, amended in session 38). A consistent read that failed is not tried again under the
     * same hold: it may have taken minutes to fail (a list that kept changing, four reads to their deadlines), and the
     * hold's other operations would each repeat it while keeping the server's requests out (ADR 0024, amended in
     * session 39).
     */
    private final class ServerView {
        /** A job's consistent lists: no key nor call slot is leased on a round (ADR 0010, amended in session 39). */
        private static final ConsistentListBound JOB = ConsistentListBound.eachReadItsOwnDeadline();

        private final ServerId server;
        /** The ends found under this hold, written together by {@link #endAll}. */
        private final List<Ending> endings = new ArrayList<>();
        /**
         * The attempts' events read under this hold, by operation: a create ended as its delete's check saw reads that
         * delete's intent, and the delete's own end reads the same events again (ADR 0123).
         */
        private final Map<OperationId, List<RecordedAuditEvent>> attempts = new HashMap<>();
        private List<Snapshot> snapshotList;
        private List<Backup> backupList;
        /** Whether the lists are (from now on) read consistently. */
        private boolean consistent;
        /** The ordinary lists as read under this hold, kept once the lists are read consistently; null if unread. */
        private List<Snapshot> listedSnapshots;
        private List<Backup> listedBackups;
        /** How a consistent read failed under this hold: answered again instead of read again. */
        private AbsenceUnconfirmed snapshotsUnconfirmed;
        private AbsenceUnconfirmed backupsUnconfirmed;
        /** How an ordinary list failed under this hold: answered again instead of read again (ADR 0024, session 53). */
        private ProviderFailure snapshotsFailed;
        private ProviderFailure backupsFailed;
        /** The last list failure an operation of this hold was moved on by; null if none. */
        private ProviderFailure listFailure;

        ServerView(ServerId server) {
            this.server = server;
        }

        List<Snapshot> snapshots() {
            if (snapshotList == null && !consistent) {
                if (snapshotsFailed != null) {
                    throw snapshotsFailed;
                }
                try {
                    snapshotList = snapshots.listSnapshots(Optional.of(server));
                } catch (ProviderFailure failure) {
                    snapshotsFailed = failure;
                    throw failure;
                }
                listedSnapshots = snapshotList;
            } else if (snapshotList == null) {
                if (snapshotsUnconfirmed != null) {
                    throw snapshotsUnconfirmed;
                }
                try {
                    snapshotList = snapshots.listSnapshotsConsistently(Optional.of(server), JOB);
                } catch (ProviderFailure failure) {
                    snapshotsUnconfirmed = new AbsenceUnconfirmed(failure);
                    throw snapshotsUnconfirmed;
                }
            }
            return snapshotList;
        }

        List<Backup> backups() {
            if (backupList == null && !consistent) {
                if (backupsFailed != null) {
                    throw backupsFailed;
                }
                try {
                    backupList = backups.listBackups(Optional.of(server), Optional.empty());
                } catch (ProviderFailure failure) {
                    backupsFailed = failure;
                    throw failure;
                }
                listedBackups = backupList;
            } else if (backupList == null) {
                if (backupsUnconfirmed != null) {
                    throw backupsUnconfirmed;
                }
                try {
                    backupList = backups.listBackupsConsistently(Optional.of(server), Optional.empty(), JOB);
                } catch (ProviderFailure failure) {
                    backupsUnconfirmed = new AbsenceUnconfirmed(failure);
                    throw backupsUnconfirmed;
                }
            }
            return backupList;
        }

        /** The lists read again consistently, each when next asked for; false if they already were. */
        boolean readConsistently() {
            if (consistent) {
                return false;
            }
            consistent = true;
            snapshotList = null;
            backupList = null;
            return true;
        }

        /** The point's status as listed; when the list leaves it out, as a consistent list shows it (empty: gone). */
        Optional<CreationStatus> statusConfirmingAbsence(ResourceRef ref) {
            Optional<CreationStatus> status = statusOf(ref);
            return status.isPresent() || !readConsistently() ? status : statusOf(ref);
        }

        /**
         * The point's status in the lists as they are read now. When their consistent read failed, a point the ordinary
         * list showed under this hold is there as it showed: only an absence needed that read.
         */
        Optional<CreationStatus> statusOf(ResourceRef ref) {
            return switch (ref.type()) {
                case SNAPSHOT -> inSnapshots(listed -> statusIn(listed, ref, s -> s.id().value(), Snapshot::status));
                case BACKUP -> inBackups(listed -> statusIn(listed, ref, b -> b.id().value(), Backup::status),
                        Optional::isPresent);
            };
        }

        /**
         * What {@code find} finds in the snapshots as read now. When their consistent read failed, what it finds in
         * those the ordinary list showed under this hold (a listed point is there; only an absence needed that read),
         * the failure if it finds nothing there either.
         */
        <R> Optional<R> inSnapshots(java.util.function.Function<List<Snapshot>, Optional<R>> find) {
            return foundIn(this::snapshots, listedSnapshots, find, Optional::isPresent);
        }

        /** As {@link #inSnapshots}, for the backups; {@code found} says whether a result found something. */
        <R> R inBackups(java.util.function.Function<List<Backup>, R> find, Predicate<R> found) {
            return foundIn(this::backups, listedBackups, find, found);
        }

        private static <P, R> R foundIn(java.util.function.Supplier<List<P>> read, List<P> listed,
                                        java.util.function.Function<List<P>, R> find,
                                        Predicate<R> found) {
            try {
                return find.apply(read.get());
            } catch (AbsenceUnconfirmed unconfirmed) {
                R inListed = listed == null ? null : find.apply(listed);
                if (inListed == null || !found.test(inListed)) {
                    throw unconfirmed;
                }
                return inListed;
            }
        }

        private static <T> Optional<CreationStatus> statusIn(List<T> listed, ResourceRef ref,
                                                             java.util.function.ToLongFunction<T> idOf,
                                                             java.util.function.Function<T, CreationStatus> statusOf) {
            return listed.stream().filter(point -> idOf.applyAsLong(point) == ref.id()).findFirst().map(statusOf);
        }
    }

    /** {@code listFailed}: told when VPS.org's list failed under this hold, so the server's later few wait a round. */
    private int trackServer(ServerId server, List<RecoveryOperation> due, boolean takenOnly, Runnable listFailed) {
        ServerView view = new ServerView(server);
        Set<OperationId> counted = new HashSet<>();
        int moved = 0;
        try {
            // Re-read under the lock, all in one read: a request of this server may have moved one before we got here.
            // Within the hold only this tracker moves them (ADR 0120), and every move is over the version read.
            Map<OperationId, RecoveryOperation> now = operations.findAll(due.stream().map(RecoveryOperation::id).toList());
            for (RecoveryOperation stale : due) {
                Optional<RecoveryOperation> current = Optional.ofNullable(now.get(stale.id()));
                // Each operation under one lock: one VPS.org took since it was read (its request answered meanwhile)
                // is the following lock's now, or a tracker holding the server's lock and another holding the
                // following lock (two runs at once) could each find its end unwritten and write it.
                if (current.isEmpty() || current.get().isFinal()
                        || takenOnly != followedWithoutRequestsKeptOut(current.get())) {
                    continue;
                }
                boolean movedOne;
                try {
                    movedOne = track(current.get(), view);
                } catch (ProviderFailure listUnread) {
                    if (listUnread.kind() == ProviderFailure.Kind.RATE_LIMITED) {
                        throw listUnread; // the account's limit: the round ends (session 51)
                    }
                    if (stopping() || listUnread.lastTryNotSent()
                            .filter(why -> why == ProviderFailure.NotSent.CLIENT_CLOSED).isPresent()) {
                        // A stop's failure (the job interrupted, the client closed) says nothing of VPS.org: ending
                        // an overdue operation on it would record unverifiable what a real look may find done
                        // (own-merge review of session 53). Left as it was, for the next instance's round.
                        throw listUnread;
                    }
                    // VPS.org's list keeps failing (an outage, an answer in a shape we cannot read): passing the server
                    // over left its operations first in the queue for good, past their deadlines, and every other
                    // server's behind them. Ended at the deadline naming the failure, else looked at again after the
                    // usual back-off (ADR 0024, amended in session 53). The failed list is not read again in this hold.
                    view.listFailure = listUnread;
                    movedOne = dueOrLater(current.get(), clock.instant(), new AttemptEvents(current.get(), view),
                            "VPS.org's list could not be read: " + listUnread.getMessage());
                }
                if (movedOne && counted.add(current.get().id())) {
                    moved++;
                }
            }
        } finally {
            // Still under the lock; the ends found before a look that failed are written too.
            moved += endAll(view, counted);
        }
        if (view.listFailure != null) {
            listFailed.run();
            passedOver(server, view.listFailure, false);
        }
        return moved;
    }

    private boolean track(RecoveryOperation operation, ServerView view) {
        Instant now = clock.instant();
        try {
            return switch (operation.state()) {
                case ACCEPTED, UNRESOLVED -> look(operation, view, now);
                case IN_PROGRESS -> follow(operation, view, now);
                default -> false;
            };
        } catch (AbsenceUnconfirmed unconfirmed) {
            if (!operation.isDue(now)) {
                throw unconfirmed.failure; // VPS.org failed: looked at again next round, as for any failed list
            }
            // A consistent list that keeps failing (slow, changing) must not keep an operation open past its deadline.
            return dueOrLater(operation, now, new AttemptEvents(operation, view),
                    "its absence from VPS.org's list could not be confirmed: " + unconfirmed.failure.getMessage());
        } catch (OrderUnknown unknown) {
            // Taking the point or not would each be a guess: open this look, unverifiable at its deadline.
            return dueOrLater(operation, now, new AttemptEvents(operation, view), unknown.getMessage());
        }
    }

    /** A consistent read of a server's list failed: an absence that would end an operation is not established. */
    private static final class AbsenceUnconfirmed extends RuntimeException {
        private final ProviderFailure failure;

        AbsenceUnconfirmed(ProviderFailure failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    /** Whether VPS.org acted on an attempt whose answer never reached us. */
    private boolean look(RecoveryOperation operation, ServerView view, Instant now) {
        if (now.isBefore(operation.updatedAt().plus(settings.settleAfter())) && !operation.isDue(now)) {
            return later(operation, now); // VPS.org may still be acting on it
        }
        AttemptEvents attempt = new AttemptEvents(operation, view);
        if (operation.state() == OperationState.ACCEPTED && attempt.noIntentOnRecord()) {
            // Stored just before its intent (ADR 0084), and VPS.org is called only once the intent is on record: with
            // none, this attempt asked nothing. What VPS.org shows now is someone else's doing (a retry's delete, another
            // request's backup), never this attempt's end. Under the server's lock no request is between the two.
            return apply(operation, operation.notFound(now, NOT_CALLED),
                    new Outcome.Failed(ReasonCode.NOT_DONE_AT_PROVIDER, NO_INTENT), NOT_CALLED, attempt);
        }
        switch (operation.kind()) {
            case CREATE_SNAPSHOT, CREATE_MANUAL_BACKUP -> {
                List<RecoveryOperation> others = othersOnServer(operation);
                Predicate<ResourceRef> claimed = claimedBy(operation, others, view);
                Match match = made(operation, attempt, view, claimed, others);
                if (match.none() && view.readConsistently()) {
                    // "Not made" would rest on its point's absence: looked for again in lists read consistently.
                    match = made(operation, attempt, view, claimed, others);
                }
                if (match.olderAlike() > 0) {
                    // Each point of its name since the window's start may be an older lost create's, which takes it first
                    // (oldest first, as alike creates always took theirs): looked at again once that one has.
                    return dueOrLater(operation, now, attempt, match.untold() + " unclaimed " + match.what()
                            + " made on " + operation.server() + " since " + ProviderClock.TOLERANCE.toMinutes()
                            + " min before its acceptance, while " + match.olderAlike() + " lost create(s) alike asked "
                            + "before it, still open, may have made them");
                }
                if (match.untold() > 0) {
                    // The window reaches minutes back for VPS.org's clock: a point of its name made just before may be in
                    // it too, and taking either would be a guess. Open until its deadline, then unverifiable.
                    return dueOrLater(operation, now, attempt, match.untold() + " unclaimed " + match.what()
                            + " made on " + operation.server() + " since " + ProviderClock.TOLERANCE.toMinutes()
                            + " min before its acceptance, more than the lost creates alike, and nothing tells which is "
                            + "this attempt's");
                }
                Optional<ResourceRef> made = match.point();
                if (made.isEmpty() && operation.kind() == org.vpsrecovery.domain.audit.Operation.CREATE_MANUAL_BACKUP) {
                    int unclaimed = unclaimedBackups(operation, view, claimed).size();
                    if (unclaimed > 0) {
                        // Backups carry no name: one that does not match may still be this attempt's (VPS.org changed
                        // its description, or the intent is out of reach), so "not made" would be a guess. Open until
                        // its deadline, then unverifiable.
                        return dueOrLater(operation, now, attempt, unclaimed + " unclaimed manual backup(s) made on "
                                + operation.server() + " since " + ProviderClock.TOLERANCE.toMinutes()
                                + " min before its acceptance, none with its description");
                    }
                }
                if (made.isPresent()) {
                    // Found, it is taken: followed from the next round on, under the following lock alone (trackServer).
                    RecoveryOperation found = operation.found(made, now, "found at VPS.org as " + describe(made.get()));
                    return apply(operation, found, new Outcome.Submitted(), "found at VPS.org as " + describe(made.get()),
                            attempt);
                }
                List<ResourceRef> deleted = deletedThroughThePlatformSince(operation, others, view);
                if (!deleted.isEmpty()) {
                    // Not listed, but a delete of ours removed a point no create of ours claims since this attempt: it may
                    // have been this attempt's (its SUBMITTED on record and its move lost, or its caller found it in the
                    // list). Never "not made" then.
                    return endOfAPointPerhapsDeleted(operation, deleted, view, now, attempt);
                }
                return end(operation, operation.notFound(now, "not at VPS.org"),
                        "VPS.org's list shows no recovery point made by this attempt",
                        "the provider shows the change was not made", attempt);
            }
            case DELETE_SNAPSHOT, DELETE_BACKUP -> {
                ResourceRef target = operation.resource().orElseThrow();
                if (view.statusConfirmingAbsence(target).isEmpty()) {
                    RecoveryOperation found = operation.found(Optional.empty(), now, "gone from VPS.org's list");
                    return end(operation, found.completed(now, "gone from VPS.org's list"),
                            describe(target) + " is gone from VPS.org's list", attempt);
                }
                return end(operation, operation.notFound(now, "still at VPS.org"),
                        describe(target) + " is still in VPS.org's list",
                        "the provider shows the change was not made", attempt);
            }
            default -> {
                // A restore leaves nothing to find: VPS.org has no server status read.
                if (operation.isDue(now)) {
                    return end(operation, operation.timedOut(now, "unverifiable at VPS.org"),
                            "VPS.org offers no server status read, so whether this restore ran cannot be established; "
                                    + "the server was held until " + operation.deadline(),
                            "not verifiable at the provider", attempt);
                }
                return later(operation, now);
            }
        }
    }

    /** Where a taken operation stands now. */
    private boolean follow(RecoveryOperation operation, ServerView view, Instant now) {
        // Read when an event needs it: an operation still going at VPS.org reads no history at all.
        AttemptEvents attempt = new AttemptEvents(operation, view);
        switch (operation.kind()) {
            case CREATE_SNAPSHOT, CREATE_MANUAL_BACKUP -> {
                ResourceRef made = operation.resource().orElseThrow();
                Optional<CreationStatus> status = view.statusOf(made);
                if (status.isEmpty()) {
                    Optional<CreationStatus.Phase> seenByDelete = seenByDeletionThroughThePlatform(operation, made, view);
                    if (seenByDelete.isPresent()) {
                        return endSeenByDelete(operation, made, seenByDelete.get(), now, attempt);
                    }
                }
                if (status.isEmpty() && !settledSinceTaken(operation, now)) {
                    // VPS.org promises no read-your-writes: its list may lag behind the answer that made the point (a
                    // replica, a cache). Not listed within the settle period is not yet gone: followed on (ADR 0024).
                    return dueOrLater(operation, now, attempt, describe(made) + " is not (yet) in VPS.org's list");
                }
                if (status.isEmpty()) {
                    // Vanished would rest on its absence: looked for again in a list read consistently.
                    status = view.statusConfirmingAbsence(made);
                    if (status.isEmpty()) {
                        // Requests are not kept out here: a delete of ours may have removed it during the consistent
                        // read, after the operations were read above. Its check saw how it ended.
                        Optional<CreationStatus.Phase> seenByDelete = seenByDeletionThroughThePlatform(operation, made, view);
                        if (seenByDelete.isPresent()) {
                            return endSeenByDelete(operation, made, seenByDelete.get(), now, attempt);
                        }
                    }
                }
                if (status.isEmpty()) {
                    return end(operation, operation.vanished(now, "gone from VPS.org's list"),
                            describe(made) + " disappeared from VPS.org's list before completing",
                            "vanished at the provider", attempt);
                }
                if (status.get().is(CreationStatus.Phase.COMPLETED)) {
                    return end(operation, operation.completed(now, "completed at VPS.org"),
                            describe(made) + " is completed at VPS.org", attempt);
                }
                if (status.get().is(CreationStatus.Phase.FAILED)) {
                    return end(operation, operation.failedAtProvider(now, "VPS.org reports " + status.get().label()),
                            "VPS.org reports " + describe(made) + " as " + status.get().label(), "failed at the provider", attempt);
                }
                return dueOrLater(operation, now, attempt, describe(made) + " is still " + status.get().label());
            }
            case DELETE_SNAPSHOT, DELETE_BACKUP -> {
                ResourceRef target = operation.resource().orElseThrow();
                if (view.statusConfirmingAbsence(target).isEmpty()) {
                    return end(operation, operation.completed(now, "gone from VPS.org's list"),
                            describe(target) + " is gone from VPS.org's list", attempt);
                }
                return dueOrLater(operation, now, attempt, describe(target) + " is still in VPS.org's list");
            }
            default -> {
                // VPS.org took the restore, but shows nothing of a server (no status read; its lists carry none): the
                // window's end ends the hold, not the restore. Never COMPLETED: unverifiable, as a hold released early.
                if (operation.isDue(now)) {
                    return end(operation, operation.timedOut(now, "restore window ended, its end not shown at VPS.org"),
                            "the restore window ended at " + operation.deadline() + "; VPS.org offers no server status "
                                    + "read, so whether this restore finished, or succeeded, cannot be established",
                            attempt);
                }
                return later(operation, now);
            }
        }
    }

    /**
     * Whether VPS.org took the operation (its answer, or the list that found it: its last move) at least the settle
     * period ago ({@link Settings#settleAfter}, the reconciler's): only then is a created point missing from the list
     * taken as vanished. A point seen listed and then missing is held to the same period from the take: a list that
     * flaps between an up-to-date and a lagging replica looks the same within it.
     */
    private boolean settledSinceTaken(RecoveryOperation operation, Instant now) {
        return !now.isBefore(operation.updatedAt().plus(settings.settleAfter()));
    }

    /**
     * A created point gone from the list, where a delete of ours names it: the phase that delete's
     * check saw, just before it deleted (recorded in its intent); {@code UNKNOWN} when it recorded
     * none (a delete from before it did). Empty when no delete of ours names it.
     */
    private Optional<CreationStatus.Phase> seenByDeletionThroughThePlatform(RecoveryOperation create, ResourceRef made,
                                                                           ServerView view) {
        // The operations about this very point (an index read), not the server's newest page of operations.
        List<CreationStatus.Phase> seen = operations.about(List.of(made))
                .stream()
                .filter(o -> (o.kind() == org.vpsrecovery.domain.audit.Operation.DELETE_SNAPSHOT
                        || o.kind() == org.vpsrecovery.domain.audit.Operation.DELETE_BACKUP)
                        && o.resource().equals(Optional.of(made))
                        && o.state() != OperationState.FAILED)
                .map(delete -> intentOf(delete, view).map(e -> e.detail().get(AuditEvent.RECOVERY_POINT_STATUS))
                        .map(CreationStatus.Phase::ofWireName).orElse(CreationStatus.Phase.UNKNOWN))
                .toList();
        return seen.stream().filter(phase -> phase != CreationStatus.Phase.UNKNOWN).findFirst()
                .or(() -> seen.stream().findFirst());
    }

    /**
     * The end of a create whose point was deleted through the platform is what the delete's check
     * saw, and nothing else: completed or failed; otherwise its end was never seen, and it stays open
     * until its deadline makes it unverifiable.
     */
    private boolean endSeenByDelete(RecoveryOperation operation, ResourceRef made, CreationStatus.Phase seen,
                                    Instant now, AttemptEvents attempt) {
        String how = describe(made) + " was deleted through the platform; the delete's check saw it " + seen.wireName();
        return switch (seen) {
            case COMPLETED -> end(operation, operation.completed(now, "completed, then deleted through the platform"), how, attempt);
            case FAILED -> end(operation, operation.failedAtProvider(now, "failed, then deleted through the platform"), how, attempt);
            case IN_PROGRESS, UNKNOWN -> dueOrLater(operation, now, attempt, how + ", so its end was never seen");
        };
    }

    private boolean dueOrLater(RecoveryOperation operation, Instant now, AttemptEvents attempt, String seen) {
        if (operation.isDue(now)) {
            return end(operation, operation.timedOut(now, seen), "no end at VPS.org by " + operation.deadline() + ": " + seen,
                    "the tracking deadline passed", attempt);
        }
        return later(operation, now);
    }

    private boolean later(RecoveryOperation operation, Instant now) {
        operations.update(operation, operation.unchanged(now, settings.firstLook(), settings.longestLook()));
        return false;
    }

    /** An end whose outcome's words are its message. */
    private boolean end(RecoveryOperation from, RecoveryOperation next, String cause, AttemptEvents attempt) {
        return end(from, next, cause, cause, attempt);
    }

    /** An end: its audit outcome is the one the operation's end stands for ({@link RecoveryOperation#end(String)}). */
    private boolean end(RecoveryOperation from, RecoveryOperation next, String cause, String message,
                        AttemptEvents attempt) {
        return apply(from, next, next.end(cause), message, attempt);
    }

    /**
     * A move that ends the operation writes its final event first, durably, and only then moves it: a
     * reader never sees the operation ended without its event, and a crash (or a store that fails) in
     * between leaves the operation open with its end on record, which the next look closes as recorded
     * ({@link #closeAsRecorded}) without a second event. An event the history cannot take now leaves the
     * operation open and due. Other moves (a lost answer found) are written first, their event after.
     * The ends found under one hold of the lock are written together when the hold's looks are done, in one append
     * where the history writes one (one statement and one flush for all: ADR 0116), and only then moved
     * ({@link #endAll}); so this records the end and moves nothing (false).
     */
    private boolean apply(RecoveryOperation from, RecoveryOperation next, Outcome outcome, String message,
                          AttemptEvents attempt) {
        if (!next.isFinal()) {
            if (!operations.update(from, next)) {
                return false; // someone else moved it first; they wrote its event
            }
            writer.appendOrDefer(event(next, outcome, message, attempt.intent()));
            return true;
        }
        Optional<AuditEvent> recorded = attempt.recordedEnd();
        if (recorded.isPresent()) {
            return closeAsRecorded(from, recorded.get());
        }
        attempt.view.endings.add(new Ending(from, next, event(next, outcome, message, attempt.intent())));
        return false;
    }

    /** An end found under the lock's hold, its event not yet written. */
    private record Ending(RecoveryOperation from, RecoveryOperation next, AuditEvent event) {
    }

    /**
     * Writes the ends found under this hold, then moves their operations; returns how many moved that {@code counted}
     * did not hold yet (and adds them). All the events are on record before any operation is closed. Should the
     * append fail, some may be on record all the same (a batch whose answer was lost, a history that writes one at a
     * time): each is then looked for and written alone, as one end always was.
     */
    private int endAll(ServerView view, Set<OperationId> counted) {
        List<Ending> found = List.copyOf(view.endings);
        view.endings.clear();
        if (found.isEmpty()) {
            return 0;
        }
        int moved = 0;
        try {
            writer.appendAllNow(found.stream().map(Ending::event).toList());
        } catch (RuntimeException notAllOnRecord) {
            for (Ending one : found) {
                moved += endAlone(one) && counted.add(one.from().id()) ? 1 : 0;
            }
            return moved;
        }
        for (Ending one : found) {
            // Under the server's lock (or, for one VPS.org took, the following lock) no other tracker moves it, and no
            // request moves an operation VPS.org took; were it moved meanwhile, its end is already on record. Unflushed
            // (ADR 0083): a move lost in a crash leaves it open with its end on record, which the next look closes.
            moved += operations.updateUnflushed(one.from(), one.next()) && counted.add(one.from().id()) ? 1 : 0;
        }
        return moved;
    }

    /** One end written on its own, unless it is on record already. */
    private boolean endAlone(Ending one) {
        try {
            Optional<AuditEvent> recorded = recordedEnd(one.from());
            if (recorded.isPresent()) {
                return closeAsRecorded(one.from(), recorded.get());
            }
            writer.appendNow(one.event());
        } catch (AttemptAlreadyEnded endedMeanwhile) {
            // Another writer (a flush of kept events, another instance) ended it since the look: closed as it says.
            try {
                return recordedEnd(one.from()).map(recorded -> closeAsRecorded(one.from(), recorded)).orElse(false);
            } catch (RuntimeException historyUnavailable) {
                return false; // the next round closes it as recorded
            }
        } catch (RuntimeException historyUnavailable) {
            return false; // nothing is ended without its event on record: the next round tries again
        }
        return operations.updateUnflushed(one.from(), one.next());
    }

    /** An end whose event a previous look (or the request) wrote but whose operation was never moved. */
    private boolean closeAsRecorded(RecoveryOperation open, AuditEvent recorded) {
        return operations.update(open, open.endedAs(recorded.outcome(), clock.instant(),
                "closed as its audit event of " + recorded.occurredAt() + " records"));
    }

    /** The final event of the operation's attempt, if one is on record already: read now, not taken from the hold's. */
    private Optional<AuditEvent> recordedEnd(RecoveryOperation operation) {
        return endIn(operation, attemptEvents(operation));
    }

    /**
     * The attempt's events as read once under this hold (ADR 0123). Within the hold no one else writes an end of this
     * server's operations (under the server's lock no request runs; under the following lock no request moves one
     * VPS.org took, and no other tracker runs), and this tracker writes its ends only after the hold's looks
     * ({@link #endAll}), so a read earlier in the hold is as good as one just before: an end is looked for within the
     * hold that would write one. After a failed append of the ends, each is looked for again, read anew
     * ({@link #endAlone}).
     */
    private List<RecordedAuditEvent> attemptEvents(RecoveryOperation operation, ServerView view) {
        return view.attempts.computeIfAbsent(operation.id(), id -> attemptEvents(operation));
    }

    /**
     * The intent and final events of the operation's attempt (by its attempt id; the request id, the caller's, only
     * narrows), of its kind on its server, from before its intent on: one index probe by attempt id, whatever number
     * of events share the request id (ADR 0108).
     */
    private List<RecordedAuditEvent> attemptEvents(RecoveryOperation operation) {
        return history.attemptEvents(operation.server(), operation.requestId(), operation.kind(),
                operation.id().toString(), operation.acceptedAt().minus(INTENT_BEFORE_OPERATION), ATTEMPT_EVENTS_READ);
    }

    private static Optional<AuditEvent> endIn(RecoveryOperation operation, List<RecordedAuditEvent> read) {
        String attempt = operation.id().toString();
        return read.stream().map(RecordedAuditEvent::event)
                .filter(e -> e.outcome().kind().settlesAttempt() && e.attemptId().filter(attempt::equals).isPresent())
                .findFirst();
    }

    /**
     * An operation's intent and recorded end, each read once a look needs it, one read for both where it can be
     * (ADR 0093): {@link #recordedEnd} and {@link #intentOf} read the same events (the attempt's, ADR 0108), so an
     * end looked for first brings the intent with it, unless that read was full (the intent may be among the events
     * it left out: then read as before). Both come from the hold's one read of the attempt ({@link
     * #attemptEvents(RecoveryOperation, ServerView)}): an end is looked for within the hold that would write one.
     */
    private final class AttemptEvents {
        private final RecoveryOperation operation;
        private final ServerView view;
        private Optional<AuditEvent> intent;

        AttemptEvents(RecoveryOperation operation, ServerView view) {
            this.operation = operation;
            this.view = view;
        }

        Optional<AuditEvent> intent() {
            if (intent == null) {
                intent = intentOf(operation, view);
            }
            return intent;
        }

        /**
         * Whether the hold's read of the attempt shows no intent of it at all, whenever written (an approved run's is
         * written when it runs, long after its acceptance). A full read shows nothing: the intent may be among the
         * events it left out.
         */
        boolean noIntentOnRecord() {
            List<RecordedAuditEvent> read = attemptEvents(operation, view);
            String id = operation.id().toString();
            return read.size() < ATTEMPT_EVENTS_READ && read.stream().map(RecordedAuditEvent::event)
                    .noneMatch(e -> e.outcome().kind() == Outcome.Kind.ACCEPTED && e.attemptId().filter(id::equals).isPresent());
        }

        Optional<AuditEvent> recordedEnd() {
            List<RecordedAuditEvent> read = attemptEvents(operation, view);
            if (intent == null && read.size() < ATTEMPT_EVENTS_READ) {
                intent = intentIn(operation, read);
            }
            return endIn(operation, read);
        }
    }

    private AuditEvent event(RecoveryOperation next, Outcome outcome, String message, Optional<AuditEvent> intent) {
        Map<String, String> detail = new LinkedHashMap<>(intent.map(AuditEvent::detail).orElse(Map.of()));
        detail.put(AuditEvent.ATTEMPT_ID, next.id().toString());
        detail.put(TRACKED, "true");
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(message));
        Actor.SYSTEM.into(detail);
        return new AuditEvent(clock.instant(), next.team(), next.requestId(), next.kind(),
                Optional.of(next.server()), next.resource(), outcome, OptionalInt.empty(), detail);
    }

    /**
     * The operation's intent, found by its attempt id. The caller's request id only narrows the search (ADR 0048):
     * every event of an attempt carries its operation's request id, but a client may send one X-Request-Id with any
     * number of requests (ADR 0027), so it never decides, and the read is found by the attempt id (ADR 0108). The
     * intent is written on the operation's server just before the operation is stored, so the search looks there.
     */
    private Optional<AuditEvent> intentOf(RecoveryOperation operation, ServerView view) {
        return intentIn(operation, attemptEvents(operation, view));
    }

    /**
     * The operation's intent among {@code read}: its attempt's {@code ACCEPTED} event, whenever written. No upper bound in
     * time: an approved run keeps the acceptance of its request, but its intent is written when it runs, often long after
     * (AuditedAttempts.startApproved); the attempt id alone names it (one intent per attempt, of the operation's kind).
     */
    private static Optional<AuditEvent> intentIn(RecoveryOperation operation, List<RecordedAuditEvent> read) {
        String attempt = operation.id().toString();
        return read.stream().map(RecordedAuditEvent::event)
                .filter(e -> e.outcome().kind() == Outcome.Kind.ACCEPTED)
                .filter(e -> e.attemptId().filter(attempt::equals).isPresent())
                .findFirst();
    }

    /** The server's other operations (its newest page: a lost answer is looked at within minutes). */
    private List<RecoveryOperation> othersOnServer(RecoveryOperation operation) {
        return operations.list(Optional.empty(), Optional.of(operation.server()), Optional.empty(), RecoveryOperations.MAX_PAGE)
                .stream().filter(o -> !o.id().equals(operation.id())).toList();
    }

    /**
     * The points that cannot be what {@code create} made: those another create of ours names as its own, and those any
     * operation of ours named before this create's intent (a caller names only a point VPS.org already listed, so it
     * existed before this create asked for anything). A restore or delete asked since (even one failed, or held for
     * approval) claims nothing: its caller may have found this create's point in the list (ADR 0024, amended in session
     * 47, review). Before and since are the audit history's order (its sequence, one for all instances), never two
     * instances' clocks: the other operation's first event (its approval request, else its intent) against this create's
     * intent (ADR 0024, amended in session 47: instances' clocks). Read only for a point a look asks about, and only
     * when an operation other than a create names it; an order that cannot be read leaves the create open this look
     * ({@link OrderUnknown}).
     */
    private Predicate<ResourceRef> claimedBy(RecoveryOperation create, List<RecoveryOperation> others, ServerView view) {
        Set<ResourceRef> byCreates = others.stream()
                .filter(o -> o.kind() == org.vpsrecovery.domain.audit.Operation.CREATE_SNAPSHOT
                        || o.kind() == org.vpsrecovery.domain.audit.Operation.CREATE_MANUAL_BACKUP)
                .flatMap(o -> o.resource().stream())
                .collect(Collectors.toSet());
        Map<ResourceRef, Boolean> namedBefore = new HashMap<>();
        return point -> byCreates.contains(point) || namedBefore.computeIfAbsent(point, named -> {
            for (RecoveryOperation o : others.stream().filter(o -> o.resource().equals(Optional.of(named))).toList()) {
                boolean before = namedBeforeIntent(o, create, view).orElseThrow(() -> new OrderUnknown("operation "
                        + o.id() + " names " + describe(named) + ", but the audit history does not show whether before "
                        + "this attempt's intent (the first event of either is not on record)"));
                if (before) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * Whether {@code other}'s first event is before {@code create}'s intent in the audit history; empty when either is
     * not on record.
     */
    private Optional<Boolean> namedBeforeIntent(RecoveryOperation other, RecoveryOperation create, ServerView view) {
        OptionalLong intent = intentSequence(create, view);
        OptionalLong first = intent.isEmpty() ? OptionalLong.empty() : firstSequence(other, view);
        return first.isEmpty() ? Optional.empty() : Optional.of(first.getAsLong() < intent.getAsLong());
    }

    /** The sequence of the operation's intent in the audit history, as the hold's read of its attempt shows it. */
    private OptionalLong intentSequence(RecoveryOperation operation, ServerView view) {
        String attempt = operation.id().toString();
        return attemptEvents(operation, view).stream()
                .filter(e -> e.event().outcome().kind() == Outcome.Kind.ACCEPTED)
                .filter(e -> e.event().attemptId().filter(attempt::equals).isPresent())
                .mapToLong(RecordedAuditEvent::sequence).min();
    }

    /**
     * Where in the audit history an operation of ours first named its point: its approval request (an approved run's
     * intent is written when it runs, long after), else its intent. Empty when neither is on record.
     */
    private OptionalLong firstSequence(RecoveryOperation operation, ServerView view) {
        OptionalLong intent = intentSequence(operation, view);
        if (operation.approval().isEmpty()) {
            return intent;
        }
        String id = operation.id().toString();
        OptionalLong asked = history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forServer(operation.server())
                        .forRequest(operation.requestId())
                        .withOperations(Set.of(org.vpsrecovery.domain.audit.Operation.REQUEST_APPROVAL))
                        .since(operation.acceptedAt().minus(INTENT_BEFORE_OPERATION)))
                .stream().filter(e -> id.equals(e.event().detail().get(AuditEvent.APPROVAL_OF)))
                .mapToLong(RecordedAuditEvent::sequence).min();
        return asked.isPresent() && intent.isPresent()
                ? OptionalLong.of(Math.min(asked.getAsLong(), intent.getAsLong()))
                : asked.isPresent() ? asked : intent;
    }

    /** The order of a lost create and an operation naming a candidate point cannot be read: no answer this look. */
    private static final class OrderUnknown extends RuntimeException {
        OrderUnknown(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The points of the create's type that a delete of ours (not failed) removed or is removing, asked since the
     * create's intent in the audit history (what it made exists only after that: a rotation's delete just before its
     * create is never one; one whose order cannot be read counts as since, which leaves the create open rather than
     * "not made"), which no other create of ours names as its own (the operations about them, an index read, however
     * long ago made): each may be what this create made. Only deletes accepted no earlier than
     * {@link #INTENT_BEFORE_OPERATION} before the create by their instances' clocks have their order read: instances'
     * clocks are kept well within that (docs/deploy.md, Clocks), so the reads stay few.
     */
    private List<ResourceRef> deletedThroughThePlatformSince(RecoveryOperation create, List<RecoveryOperation> others,
                                                             ServerView view) {
        org.vpsrecovery.domain.audit.Operation deleteKind = create.kind() == org.vpsrecovery.domain.audit.Operation.CREATE_SNAPSHOT
                ? org.vpsrecovery.domain.audit.Operation.DELETE_SNAPSHOT : org.vpsrecovery.domain.audit.Operation.DELETE_BACKUP;
        List<ResourceRef> deleted = others.stream()
                .filter(o -> o.kind() == deleteKind && o.state() != OperationState.FAILED
                        && !o.acceptedAt().isBefore(create.acceptedAt().minus(INTENT_BEFORE_OPERATION))
                        && !namedBeforeIntent(o, create, view).orElse(false))
                .flatMap(o -> o.resource().stream())
                .distinct()
                .toList();
        if (deleted.isEmpty()) {
            return List.of();
        }
        Set<ResourceRef> created = operations.about(deleted).stream()
                .filter(o -> o.kind() == create.kind() && !o.id().equals(create.id()))
                .flatMap(o -> o.resource().stream())
                .collect(Collectors.toSet());
        return deleted.stream().filter(point -> !created.contains(point)).toList();
    }

    /**
     * A lost create whose point may be one a delete of ours removed. Its SUBMITTED on record names what VPS.org made
     * (the move to in progress lost in a crash, ADR 0083, or the caller answered and the request died): found as that
     * point, without a second SUBMITTED, and ended as the delete's check saw it; otherwise VPS.org's list can no longer
     * say, and it stays open until its deadline makes it unverifiable.
     */
    private boolean endOfAPointPerhapsDeleted(RecoveryOperation operation, List<ResourceRef> deleted, ServerView view,
                                              Instant now, AttemptEvents attempt) {
        Optional<ResourceRef> submitted = submittedPoint(operation);
        if (submitted.isEmpty()) {
            return dueOrLater(operation, now, attempt, "not in VPS.org's list, but "
                    + deleted.stream().map(TrackOperationsService::describe).collect(Collectors.joining(", "))
                    + " deleted through the platform since this attempt may have been its own, so whether it made one "
                    + "cannot be established");
        }
        ResourceRef made = submitted.get();
        RecoveryOperation found = operation.found(submitted, now, "taken at VPS.org as " + describe(made)
                + ", as its SUBMITTED on record says");
        Optional<CreationStatus.Phase> seen = view.statusOf(made).isPresent() ? Optional.empty()
                : seenByDeletionThroughThePlatform(operation, made, view);
        if (seen.isPresent() && seen.get() == CreationStatus.Phase.COMPLETED) {
            return end(operation, found.completed(now, "completed, then deleted through the platform"),
                    describe(made) + " was deleted through the platform; the delete's check saw it completed", attempt);
        }
        if (seen.isPresent() && seen.get() == CreationStatus.Phase.FAILED) {
            return end(operation, found.failedAtProvider(now, "failed, then deleted through the platform"),
                    describe(made) + " was deleted through the platform; the delete's check saw it failed", attempt);
        }
        // Taken, as its SUBMITTED says: followed from the next round on (its event is on record already).
        return operations.update(operation, found);
    }

    /**
     * The point this attempt's SUBMITTED names, if one is on record: read only for a lost create that a delete of ours
     * may have removed (rare), as the attempt's own read carries intents and ends only (ADR 0108).
     */
    private Optional<ResourceRef> submittedPoint(RecoveryOperation operation) {
        String attempt = operation.id().toString();
        return history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forServer(operation.server())
                        .forRequest(operation.requestId()).withOperations(Set.of(operation.kind()))
                        .withOutcome(Outcome.Kind.SUBMITTED).since(operation.acceptedAt().minus(INTENT_BEFORE_OPERATION)))
                .stream().map(RecordedAuditEvent::event)
                .filter(e -> e.attemptId().filter(attempt::equals).isPresent())
                .flatMap(e -> e.resource().stream())
                .findFirst();
    }

    /**
     * What a lost create's look found among the listed points: its point; none; or {@code untold} candidates of its name
     * (its description, for a backup) that cannot be told apart, {@code what} naming them; {@code olderAlike} counts the
     * older lost creates alike still open, which take theirs first (none is taken then: {@code untold} counts the
     * candidates).
     */
    private record Match(Optional<ResourceRef> point, int untold, String what, int olderAlike) {
        static final Match NONE = new Match(Optional.empty(), 0, "", 0);

        Match {
            Objects.requireNonNull(point, "point (may be empty, not null)");
            if (untold < 0 || olderAlike < 0 || (untold > 0 && point.isPresent()) || (olderAlike > 0 && untold == 0)) {
                throw new IllegalArgumentException("a match finds a point or counts the candidates it cannot tell apart");
            }
        }

        boolean none() {
            return point.isEmpty() && untold == 0;
        }
    }

    /** The point a lost create made, as the view's lists show it. */
    private Match made(RecoveryOperation operation, AttemptEvents attempt, ServerView view,
                       Predicate<ResourceRef> claimed, List<RecoveryOperation> others) {
        return operation.kind() == org.vpsrecovery.domain.audit.Operation.CREATE_SNAPSHOT
                ? madeSnapshot(operation, attempt.intent(), view, claimed, others)
                : madeBackup(operation, attempt.intent(), view, claimed, others);
    }

    /**
     * A snapshot of the intent's name, dated since {@link ProviderClock#TOLERANCE} before the acceptance by VPS.org's
     * clock, that is not claimed ({@link #claimedBy}).
     */
    private Match madeSnapshot(RecoveryOperation operation, Optional<AuditEvent> intent, ServerView view,
                               Predicate<ResourceRef> claimed, List<RecoveryOperation> others) {
        if (intent.isEmpty()) {
            return Match.NONE;
        }
        String name = intent.get().detail().get(AuditEvent.NAME);
        Instant notBefore = ProviderClock.earliestDatingOf(operation.acceptedAt());
        // Found in what the ordinary list showed when the consistent read failed (statusOf alike): a false "not made".
        List<ResourceRef> candidates = view.inSnapshots(listed -> Optional.of(listed.stream()
                        .filter(s -> s.name().equals(name) && !s.createdAt().isBefore(notBefore))
                        .sorted(java.util.Comparator.comparing(Snapshot::createdAt).thenComparing(s -> s.id().value()))
                        .map(s -> ResourceRef.of(s.id()))
                        .filter(ref -> !claimed.test(ref))
                        .toList()).filter(found -> !found.isEmpty()))
                .orElse(List.of());
        return oneOf(candidates, "snapshots named " + name, operation, others, view,
                e -> Optional.ofNullable(e.detail().get(AuditEvent.NAME)).filter(name::equals).isPresent());
    }

    /**
     * Backups carry no name, so the intent's description stands in for it (ADR 0027, amended in session 37): the oldest
     * unclaimed manual backup dated since {@link ProviderClock#TOLERANCE} before the acceptance whose description is the
     * one this attempt sent ({@code ""} when it sent none), both stripped, as snapshots are matched by name. Two lost creates alike each
     * take one, oldest first; a backup made directly at VPS.org with other words is never taken. None when the intent is
     * out of reach.
     */
    private Match madeBackup(RecoveryOperation operation, Optional<AuditEvent> intent, ServerView view,
                             Predicate<ResourceRef> claimed, List<RecoveryOperation> others) {
        if (intent.isEmpty()) {
            return Match.NONE;
        }
        // Compared stripped on both sides: VPS.org (DRF) trims a text field, so a description sent with edge spaces is
        // listed without them (ADR 0027, amended in session 50). What is sent is not changed.
        String description = intent.get().detail().getOrDefault(AuditEvent.DESCRIPTION, "").strip();
        List<ResourceRef> candidates = unclaimedBackups(operation, view, claimed).stream()
                .filter(b -> b.description().strip().equals(description))
                .map(b -> ResourceRef.of(b.id()))
                .toList();
        return oneOf(candidates, "manual backups described \"" + description + "\"", operation, others, view,
                e -> e.detail().getOrDefault(AuditEvent.DESCRIPTION, "").strip().equals(description));
    }

    /**
     * This create's point among {@code candidates} (oldest first). Several are told apart only by as many lost creates
     * alike (open, of this kind, on this server, their intents matching as {@code alike} says), which take one each,
     * oldest first (ADR 0027, amended in session 37); more than those, and one is a stranger no one can tell from this
     * attempt's point: none is taken (ADR 0024, amended in session 47). Nor while an older lost create alike is open:
     * its point is in this one's window too, and it takes it first (ADR 0024, amended in session 47, review). The intents
     * of the others are read only when a candidate is listed and such a create is open, or several are listed.
     */
    private Match oneOf(List<ResourceRef> candidates, String what, RecoveryOperation operation,
                        List<RecoveryOperation> others, ServerView view,
                        Predicate<AuditEvent> alike) {
        if (candidates.isEmpty()) {
            return Match.NONE;
        }
        List<RecoveryOperation> lostOfItsKind = others.stream()
                .filter(o -> o.kind() == operation.kind() && o.resource().isEmpty()
                        && (o.state() == OperationState.ACCEPTED || o.state() == OperationState.UNRESOLVED))
                .toList();
        // An older one's point is in this one's window too, and a lone candidate would be taken unasked: the older
        // lost creates alike take theirs first, whatever order their looks come in (ADR 0024, amended in session 47).
        long olderAlike = lostOfItsKind.stream()
                // Older by the history's order of their intents, one for all instances (not their clocks, nor ids
                // drawn at random within a millisecond); an order that cannot be read makes none older here.
                .filter(o -> namedBeforeIntent(o, operation, view).orElse(false))
                .filter(o -> intentIn(o, attemptEvents(o, view)).filter(alike).isPresent())
                .count();
        if (olderAlike > 0) {
            return new Match(Optional.empty(), candidates.size(), what, (int) olderAlike);
        }
        if (candidates.size() > 1) {
            long lostAlike = 1 + lostOfItsKind.stream()
                    .filter(o -> intentIn(o, attemptEvents(o, view)).filter(alike).isPresent())
                    .count();
            if (candidates.size() > lostAlike) {
                return new Match(Optional.empty(), candidates.size(), what, 0);
            }
        }
        return new Match(Optional.of(candidates.get(0)), 0, what, 0);
    }

    /**
     * The manual backups dated since {@link ProviderClock#TOLERANCE} before the acceptance by VPS.org's clock that
     * are not claimed ({@link #claimedBy}), oldest first.
     */
    private static List<Backup> unclaimedBackups(RecoveryOperation operation, ServerView view,
                                                 Predicate<ResourceRef> claimed) {
        Instant notBefore = ProviderClock.earliestDatingOf(operation.acceptedAt());
        // Those the ordinary list showed when the consistent read failed and it showed any (statusOf alike).
        return view.inBackups(listed -> listed.stream()
                .filter(Backup::isManual)
                .filter(b -> !b.createdAt().isBefore(notBefore))
                .filter(b -> !claimed.test(ResourceRef.of(b.id())))
                .sorted(java.util.Comparator.comparing(Backup::createdAt).thenComparing(b -> b.id().value()))
                .toList(), unclaimed -> !unclaimed.isEmpty());
    }

    private static String describe(ResourceRef ref) {
        return ref.type().name().toLowerCase(java.util.Locale.ROOT) + " " + ref.id();
    }
}
