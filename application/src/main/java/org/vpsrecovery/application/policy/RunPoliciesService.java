package org.vpsrecovery.application.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.job.RunBudget;
import org.vpsrecovery.application.backup.DeleteBackupCommand;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.ManualBackupQuota;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.Retention;
import org.vpsrecovery.domain.policy.RetentionCandidate;
import org.vpsrecovery.domain.policy.RetentionVerdict;
import org.vpsrecovery.domain.policy.Rotation;
import org.vpsrecovery.domain.policy.RunJitter;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.RunCalendar;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamDirectory;
import org.vpsrecovery.domain.port.TeamLimits;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.snapshot.SnapshotQuota;

/**
 * The policies' scheduled runs (ADR 0028). One tick covers a window of time {@code (from, to]}: a
 * (policy, server) pair runs once if one of its cron times, delayed by the server's {@link RunJitter},
 * falls in the window and after the policy's last change. However many cron times a long window holds
 * (the instances were all down), the pair runs once. The caller (bootstrap's cluster job, once across
 * instances) keeps the window's end in db-scheduler's table, so the next tick starts where this one ended; a tick its run's
 * budget cut short says the last pair it reached, and the caller ticks the rest of the window first (session 46).
 *
 * <p>A run is an ordinary audited create ({@link AuditedAttempts}: checked under the server's lock,
 * intent first, the operation tracked to its end) whose events name the policy, its version and the
 * cron time. At a server's limit (snapshots, or manual backups for a backup policy), the oldest point
 * retention lets go once the run's point is counted ({@link Rotation}) is deleted first through the
 * audited delete (holds respected), under the same lock; if none may go, or one would not make room (a server over
 * its limit), the run is refused {@code ROTATION_NOT_POSSIBLE} before anything is deleted, audited, and so sent as a
 * webhook; so too when VPS.org refuses that delete for good (session 49). The deletes name the policy's version. Each run reads its policy again under the lock: one deleted or changed since the tick read it does nothing. After a run made its point, retention's
 * other drops are deleted the same way (ADR 0036). Who made a point is read from the platform's record of
 * its create ({@link PolicyPoints}).
 */
public final class RunPoliciesService {

    private static final int PAGE = 100;

    private final TeamDirectory teams;
    private final RecoveryPolicies policies;
    private final ServerOwnership ownership;
    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final TeamLimits limits;
    private final PolicyPoints points;
    private final RunCalendar calendar;
    private final AuditedAttempts attempts;
    private final DeleteSnapshotUseCase deletes;
    private final DeleteBackupUseCase backupDeletes;
    private final RecoveryOperations operations;
    private final ServerStates servers;
    private final Clock clock;

    private static final System.Logger LOG = System.getLogger(RunPoliciesService.class.getName());

    /** How soon a run whose policy could not be read again under the lock is worth trying again. */
    private static final Duration POLICY_REREAD_RETRY_AFTER = Duration.ofSeconds(5);

    private final java.util.concurrent.atomic.AtomicLong mergedCronTimes = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Per (policy, server) pair, the latest cron time this instance knows is audited refused while paused (or was made
     * before the pause): the next paused tick walks the calendar from it, not from the window's last end, and reads the
     * history only for a cron time after it (session 53). Only saves work: the history stays the judge of once-only.
     */
    private final java.util.Map<PausedPair, Instant> pausedAuditedUpTo = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int PAUSED_PAIRS_REMEMBERED = 10_000;
    /**
     * How far back a paused tick with nothing remembered (this instance's first) looks for a pair's latest cron time
     * first: a frequent schedule finds it there, so a week's pause is not walked cron time by cron time (session 53).
     */
    static final Duration PAUSED_LOOK_BACK = Duration.ofDays(1);

    private record PausedPair(PolicyId policy, ServerId server) { }

    /** {@code vpsr.policies.retry-first}'s default, for the constructor that is not given it. */
    static final Duration DEFAULT_RETRY_FIRST = Duration.ofMinutes(1);
    private final Duration retryFirst;

    public RunPoliciesService(TeamDirectory teams, RecoveryPolicies policies, ServerOwnership ownership,
                              SnapshotProvider snapshots, BackupProvider backups, TeamLimits limits,
                              RecoveryOperations operations, RecoveryPointHolds holds, ServerStates servers,
                              RunCalendar calendar, AuditedAttempts attempts, DeleteSnapshotUseCase deletes,
                              DeleteBackupUseCase backupDeletes, Clock clock) {
        this(teams, policies, ownership, snapshots, backups, limits, operations, holds, servers, calendar, attempts, deletes,
                backupDeletes, clock, DEFAULT_RETRY_FIRST);
    }

    /**
     * {@code retryFirst}: the retry job's first delay ({@code vpsr.policies.retry-first}); a run VPS.org's 429 asked to
     * wait is retried after that wait or this, whichever is longer, so it is judged owed or missed at that time (ADR
     * 0028, amended in session 56).
     */
    public RunPoliciesService(TeamDirectory teams, RecoveryPolicies policies, ServerOwnership ownership,
                              SnapshotProvider snapshots, BackupProvider backups, TeamLimits limits,
                              RecoveryOperations operations, RecoveryPointHolds holds, ServerStates servers,
                              RunCalendar calendar, AuditedAttempts attempts, DeleteSnapshotUseCase deletes,
                              DeleteBackupUseCase backupDeletes, Clock clock, Duration retryFirst) {
        this.retryFirst = Objects.requireNonNull(retryFirst, "retry first");
        this.teams = Objects.requireNonNull(teams, "teams");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.deletes = Objects.requireNonNull(deletes, "deletes");
        this.backupDeletes = Objects.requireNonNull(backupDeletes, "backup deletes");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.points = new PolicyPoints(snapshots, backups, operations, holds, clock);
    }

    /**
     * What one run came to: made; refused by a check (a limit nothing may be rotated under); failed when it
     * certainly did not happen (VPS.org or the platform refused or was out of reach: tried again with a
     * bounded backoff, see {@link #retry}); unresolved when it may have happened (an answer lost: the tracker
     * settles it, and a retry could make a second point, so none is made); not settled when it was not run now because
     * an earlier try's create is still open ({@code accepted} or {@code unresolved}: a lost answer, or a process that died
     * during the create), so whether that try made the point is not known yet: looked at again later, and run only once
     * the tracker ended that create not made. Put off when a restore holds the server until a known time (its window's
     * end) before the run's next cron time: nothing was asked of VPS.org (audited FAILED {@code SERVER_RESTORING}), and
     * the run is owed when the hold ends, not a failure to back off from ({@link Run#putOffUntil}). Missed when that hold
     * lasts until the run's next cron time or later: that time's run makes the next point, so this one is owed by no one
     * and not tried again; its audited failure says so (ADR 0028, amended in session 50). Missed too when VPS.org's 429
     * asked to wait until that time or later: its audited failure is the 429's (ADR 0028, amended in session 51), and
     * says the run is missed and until when VPS.org asked to wait (session 52).
     */
    public enum RunResult { MADE, REFUSED, FAILED, UNRESOLVED, NOT_SETTLED, PUT_OFF, MISSED }

    /**
     * One due (policy, server) pair and what its run came to; {@code removed}: the points its policy
     * deleted, the one rotated for room first, then what retention dropped after the point was made; {@code putOffUntil}:
     * for a run {@link RunResult#PUT_OFF}, when the hold that put it off ends, and only for it; {@code rateLimitedFor}:
     * for a run {@link RunResult#FAILED} because VPS.org answered 429 (or the client held the call back after one) naming
     * a wait, that wait: the run is owed after it, no failure to back off from (ADR 0028, amended in session 51).
     */
    public record Run(TeamId team, PolicyId policy, ServerId server, Instant scheduledFor, RunResult result,
                      List<ResourceRef> removed, Optional<Instant> putOffUntil, Optional<Duration> rateLimitedFor) {

        public Run {
            removed = List.copyOf(removed);
            Objects.requireNonNull(putOffUntil, "put off until (may be empty, not null)");
            Objects.requireNonNull(rateLimitedFor, "rate limited for (may be empty, not null)");
            if (putOffUntil.isPresent() != (result == RunResult.PUT_OFF)) {
                throw new IllegalArgumentException("a run put off, and only it, says until when: " + result);
            }
            if (rateLimitedFor.isPresent() && (result != RunResult.FAILED || !rateLimitedFor.get().isPositive())) {
                throw new IllegalArgumentException("only a failed run waits VPS.org's Retry-After, a positive one: "
                        + result + ", " + rateLimitedFor.get());
            }
        }

        /** A run not rate limited. */
        public Run(TeamId team, PolicyId policy, ServerId server, Instant scheduledFor, RunResult result,
                   List<ResourceRef> removed, Optional<Instant> putOffUntil) {
            this(team, policy, server, scheduledFor, result, removed, putOffUntil, Optional.empty());
        }

        /** A run neither put off nor rate limited. */
        public Run(TeamId team, PolicyId policy, ServerId server, Instant scheduledFor, RunResult result,
                   List<ResourceRef> removed) {
            this(team, policy, server, scheduledFor, result, removed, Optional.empty(), Optional.empty());
        }
    }

    /**
     * Thrown by {@link #tick} when its thread was interrupted (a graceful stop interrupts a job still running after the
     * scheduler's shutdown wait): the pairs not reached yet are not run, and nothing is written for them. Thrown, so the
     * caller keeps no end for the window: it is ticked again, where the runs made already are skipped ({@link #tried}).
     */
    public static final class TickStopped extends RuntimeException {

        TickStopped(Instant from, Instant to) {
            super("the policy runs of (" + from + ", " + to + "] were stopped by an interrupt before the window's end; "
                    + "the window is ticked again", null, false, false);
        }
    }

    /**
     * A (policy, server) pair where a tick meets it: tick order is the team's name, then the policy's creation time and
     * id, then the server's id. Kept by the caller when a tick's budget ended it, so the next tick of the same window
     * starts with the first pair after it (ADR 0028, amended in session 46). By values, not by a position in the store's
     * pages: a policy deleted or created meanwhile moves no other pair before or after it.
     */
    public record PairReached(TeamId team, Instant policyCreatedAt, PolicyId policy, ServerId server)
            implements Comparable<PairReached> {

        private static final Comparator<PairReached> TICK_ORDER = Comparator
                .comparing((PairReached p) -> p.team().value())
                .thenComparing(PairReached::policyCreatedAt)
                .thenComparing(p -> p.policy().value().toString())
                .thenComparingLong(p -> p.server().value());

        public PairReached {
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(policyCreatedAt, "policy created at");
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(server, "server");
        }

        static PairReached of(RecoveryPolicy policy, ServerId server) {
            return new PairReached(policy.team(), policy.createdAt(), policy.id(), server);
        }

        @Override
        public int compareTo(PairReached other) {
            return TICK_ORDER.compare(this, other);
        }
    }

    /**
     * What one tick did: its runs and, when its budget ended it before the window's last pair, the last pair it reached
     * (empty: the window is done). {@code throttledFor}: VPS.org answered a run 429, so the tick ended after that pair
     * (its run FAILED, retried as any), and how long VPS.org asked to wait (zero: it did not say) (session 51).
     */
    public record Ticked(List<Run> runs, Optional<PairReached> stoppedAfter, Optional<Duration> throttledFor) {

        public Ticked {
            runs = List.copyOf(runs);
            Objects.requireNonNull(stoppedAfter, "stopped after");
            Objects.requireNonNull(throttledFor, "throttled for (may be empty, not null)");
            if (throttledFor.isPresent() && stoppedAfter.isEmpty()) {
                throw new IllegalArgumentException("a tick VPS.org throttled stopped after a pair");
            }
        }

        /** A tick VPS.org did not ask to slow down. */
        public Ticked(List<Run> runs, Optional<PairReached> stoppedAfter) {
            this(runs, stoppedAfter, Optional.empty());
        }

        public boolean windowDone() {
            return stoppedAfter.isEmpty();
        }
    }

    /**
     * Runs every pair due in {@code (from, to]}, each once; a failed run is audited and does not stop the others. An
     * interrupt ends the tick ({@link TickStopped}), as it ends a drift scan's round.
     */
    public List<Run> tick(Instant from, Instant to) {
        return tick(from, to, Optional.empty(), RunBudget.UNBOUNDED).runs();
    }

    /**
     * As above, for the pairs after {@code after} only (in tick order), taking no further pair once {@code budget} is
     * spent (checked between two pairs, the first always taken, so every tick makes progress). A tick cut short says the
     * last pair it reached; the caller ticks the same window again after it, so no pair is run twice or left out, and a
     * slow VPS.org (a create per due pair) holds a job thread for the budget and one pair, not the whole window (ADR
     * 0024 and 0028, amended in session 46).
     */
    public Ticked tick(Instant from, Instant to, Optional<PairReached> after, RunBudget budget) {
        if (!from.isBefore(to)) {
            return new Ticked(List.of(), Optional.empty());
        }
        List<Run> done = new ArrayList<>();
        Optional<PairReached> reached = Optional.empty();
        java.util.concurrent.atomic.AtomicReference<Duration> throttled = new java.util.concurrent.atomic.AtomicReference<>();
        for (TeamId team : teams.teams().stream().sorted(Comparator.comparing(TeamId::value)).toList()) {
            if (after.isPresent() && team.value().compareTo(after.get().team().value()) < 0) {
                continue; // every pair of the team was reached before
            }
            for (RecoveryPolicy policy : inTickOrder(team)) {
                for (ServerId server : covered(policy)) {
                    PairReached pair = PairReached.of(policy, server);
                    if (after.isPresent() && pair.compareTo(after.get()) <= 0) {
                        continue;
                    }
                    // A stop first: the previous pair's lock wait may be the one it cut short, so that pair may not be
                    // kept as reached, however spent the budget is.
                    requireNotStopping(from, to);
                    if (reached.isPresent() && budget.spent()) {
                        return new Ticked(done, reached);
                    }
                    Due due = due(policy, server, from, to);
                    reportMerged(policy, server, from, to, due);
                    due.latest().flatMap(at -> runUnlessTried(policy, server, at, throttled::set)).ifPresent(done::add);
                    reached = Optional.of(pair);
                    if (throttled.get() != null) {
                        // VPS.org's limit is the account's: every later pair's create would be refused too (ADR 0028,
                        // amended in session 51). The rest of the window goes on after the wait.
                        return new Ticked(done, reached, Optional.of(throttled.get()));
                    }
                }
            }
        }
        // The last pair's lock wait may have been the one the stop cut short: its run did not happen, so neither may the
        // window's end be kept.
        requireNotStopping(from, to);
        return new Ticked(done, Optional.empty());
    }

    /**
     * While the instance is paused after its database was restored ({@link AuditedAttempts#pausedAfterRestore()}): no
     * run is made, and each pair's latest cron time due in {@code (from, to]} (the one the first tick after the pause
     * runs; an earlier one is merged into it and never runs) is audited once as its create refused before VPS.org:
     * {@code REJECTED PAUSED_AFTER_RESTORE} under the run's request id, with the policy, its version and the cron time,
     * as a person's create is refused then. So an auditor sees which points were not taken, and why, in the history, not
     * in a log. Written once per cron time: the history is read first (by the run's request id; a refusal does not
     * count as tried, so the run is still made after the pause). Returns how many were written now. A tick's cost does not
     * grow with the pause's length (session 53): each pair's walk starts at the cron time this instance last audited (or
     * looks back {@link #PAUSED_LOOK_BACK} first on its first paused tick), and the history is read only for a cron time
     * newer than that one.
     */
    public int auditPutOffWhilePaused(Instant from, Instant to) {
        if (!attempts.pausedAfterRestore() || !from.isBefore(to)) {
            return 0;
        }
        int written = 0;
        for (TeamId team : teams.teams().stream().sorted(Comparator.comparing(TeamId::value)).toList()) {
            for (RecoveryPolicy policy : inTickOrder(team)) {
                for (ServerId server : covered(policy)) {
                    PausedPair pair = new PausedPair(policy.id(), server);
                    Instant known = pausedAuditedUpTo.get(pair);
                    if (known != null && known.isAfter(to)) {
                        // The clock stepped back: forgotten, or the real cron times up to it would go unaudited.
                        pausedAuditedUpTo.remove(pair);
                        known = null;
                    }
                    Optional<Instant> latest = latestPutOff(policy, server, known == null || known.isBefore(from)
                            ? from : known, to);
                    if (latest.isEmpty() || latest.get().equals(known)) {
                        continue;
                    }
                    Operation create = policy.spec().kind() == PolicyKind.SNAPSHOT
                            ? Operation.CREATE_SNAPSHOT : Operation.CREATE_MANUAL_BACKUP;
                    RequestId request = policy.runRequest(server, latest.get());
                    // Made before the pause (a window under way), or on record refused already (by another instance,
                    // or this one before a restart): not put off now.
                    if (attempts.refusedWhilePaused(request, create)
                            || tried(policy, server, latest.get()) != Tried.NOT_YET) {
                        rememberPausedAudit(pair, latest.get());
                        continue;
                    }
                    var attempt = attempts.attempt(new CallContext(policy.team(), request), create).onServer(server);
                    made(attempt, policy, latest.get());
                    attempt.refuse(AuditedAttempts.pausedAfterRestoreRefusal(create));
                    rememberPausedAudit(pair, latest.get());
                    written++;
                }
            }
        }
        return written;
    }

    /**
     * A pair's latest cron time due in {@code (from, to]}, walking at most {@link #PAUSED_LOOK_BACK} of cron times when
     * one is there: the walk's cost follows the schedule's frequency, not the pause's length. Only a schedule with none
     * in the look-back (a weekly one) walks the rest, a few cron times.
     */
    private Optional<Instant> latestPutOff(RecoveryPolicy policy, ServerId server, Instant from, Instant to) {
        Instant lookBack = to.minus(PAUSED_LOOK_BACK);
        if (!lookBack.isAfter(from)) {
            return due(policy, server, from, to).latest();
        }
        Optional<Instant> recent = due(policy, server, lookBack, to).latest();
        return recent.isPresent() ? recent : due(policy, server, from, lookBack).latest();
    }

    private void rememberPausedAudit(PausedPair pair, Instant cronTime) {
        if (pausedAuditedUpTo.size() > PAUSED_PAIRS_REMEMBERED) {
            pausedAuditedUpTo.clear(); // only saves walks and reads of the history
        }
        pausedAuditedUpTo.merge(pair, cronTime, (was, now) -> now.isAfter(was) ? now : was);
    }

    /** A team's policies, oldest first and then by id: read whole (a team has a bounded few), in {@link PairReached}'s order. */
    private List<RecoveryPolicy> inTickOrder(TeamId team) {
        List<RecoveryPolicy> all = new ArrayList<>();
        Optional<PolicyId> after = Optional.empty();
        List<RecoveryPolicy> page;
        do {
            page = policies.list(team, after, PAGE);
            all.addAll(page);
            after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).id());
        } while (page.size() == PAGE);
        all.sort(Comparator.comparing(RecoveryPolicy::createdAt).thenComparing(p -> p.id().value().toString()));
        return all;
    }

    /**
     * An interrupted thread's every later lock wait fails at once: each remaining pair would be refused "busy with
     * another request", audited and sent as {@code request.rejected}, and retried, though no other request held it.
     */
    private static void requireNotStopping(Instant from, Instant to) {
        if (Thread.currentThread().isInterrupted()) {
            throw new TickStopped(from, to);
        }
    }

    /**
     * A failed run tried again ({@code PolicyRunJobs}: a bounded exponential backoff), as the same run (its
     * request id names the same cron time). Only while it is still owed: the policy is there and unchanged
     * since that run's moment (its cron time plus jitter, as the tick judged it), still covers the server, and its next cron time (jittered) has not come, since that
     * run is the tick's; and not made already (by an earlier try of this retry). Empty when it is no longer owed:
     * nothing is done. {@link RunResult#NOT_SETTLED} when an earlier try's create is still open: nothing is done now,
     * and the caller asks again later (the tracker ends it; only if not made is the run owed).
     */
    public Optional<Run> retry(TeamId team, PolicyId id, ServerId server, Instant scheduledFor) {
        Optional<RecoveryPolicy> found = policies.find(team, id).filter(p -> covered(p).contains(server));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RecoveryPolicy policy = found.get();
        // Unchanged since the run's moment (its cron time plus jitter), the rule by which the tick ran it (due).
        if (policy.updatedAt().isAfter(moment(policy, server, scheduledFor))) {
            return Optional.empty();
        }
        if (!owedAt(policy, server, scheduledFor, clock.instant())) {
            return Optional.empty();
        }
        // A retry task runs at least once, not exactly once: one that made the point and died before its row was
        // removed (a kill, a rolling deploy) is run again by another instance, and must not make a second point. One
        // whose earlier try is still open answers NOT_SETTLED, so the job looks again instead of giving the run up.
        // VPS.org's wait after a 429 is on the run it answers (Run#rateLimitedFor): the retry job schedules by it.
        return runUnlessTried(policy, server, scheduledFor, wait -> { });
    }

    /** What an earlier try of a run came to, as its create's operations under the run's request id show it. */
    private enum Tried { NOT_YET, OPEN, DONE }

    /** The run, unless an earlier try made it (nothing) or may still have (NOT_SETTLED, not run). */
    private Optional<Run> runUnlessTried(RecoveryPolicy policy, ServerId server, Instant scheduledFor,
                                         java.util.function.Consumer<Duration> throttled) {
        return switch (tried(policy, server, scheduledFor)) {
            case NOT_YET -> run(policy, server, scheduledFor, throttled);
            case OPEN -> Optional.of(notSettled(policy, server, scheduledFor));
            case DONE -> Optional.empty();
        };
    }

    private static Run notSettled(RecoveryPolicy policy, ServerId server, Instant scheduledFor) {
        return new Run(policy.team(), policy.id(), server, scheduledFor, RunResult.NOT_SETTLED, List.of());
    }

    /**
     * Thrown by a run's check, under the server's lock, when another try of the same cron time got there first: a
     * second tick of the window (db-scheduler revives a run whose heartbeats stopped while it still runs) read
     * {@link #tried} as not yet before the first stored its create, and waited for the lock meanwhile. Not a
     * {@code RecoveryException}, so the attempt writes nothing for it: nothing was refused, and nothing was done.
     */
    private static final class TriedMeanwhile extends RuntimeException {
        private final Tried tried;

        TriedMeanwhile(Tried tried) {
            super("this cron time's run was tried meanwhile", null, false, false);
            this.tried = tried;
        }
    }

    /** Under the run's lock: the first read of {@link #tried} was made without it, so it is read again here. */
    private void requireNotTriedMeanwhile(RecoveryPolicy policy, ServerId server, Instant scheduledFor) {
        Tried now = tried(policy, server, scheduledFor);
        if (now != Tried.NOT_YET) {
            throw new TriedMeanwhile(now);
        }
    }

    /**
     * Whether this cron time's run was tried already: a window is ticked again when its tick did not end (an instance
     * stopped during it, a read failed after some runs; its end is kept only when the tick returns), and a retry task
     * is run again when its instance died before removing it; the runs made then must not be made twice. Its create has
     * an operation under the run's request id, looked up by that id (ADR 0036, amended in session 39). Failed without
     * happening: not yet (the retry job runs it again as the same run). Accepted or unresolved (an answer lost, a
     * process that died during the create): open, since the tracker may still end it not made, and then the run is owed.
     * Any other state (taken, made, vanished, unverifiable): done, as a second point could follow.
     */
    private Tried tried(RecoveryPolicy policy, ServerId server, Instant scheduledFor) {
        RequestId request = policy.runRequest(server, scheduledFor);
        // By the request id itself: the server's newest operations need not hold it (a busy server, a retry revived late).
        List<OperationState> states = operations.withRequest(policy.team(), request, RecoveryOperations.MAX_PAGE).stream()
                .filter(operation -> operation.server().equals(server) && operation.state() != OperationState.FAILED)
                .map(operation -> operation.state()).toList();
        if (states.isEmpty()) {
            return Tried.NOT_YET;
        }
        return states.stream().allMatch(state -> state == OperationState.ACCEPTED || state == OperationState.UNRESOLVED)
                ? Tried.OPEN : Tried.DONE;
    }

    /**
     * A pair's cron times in a window: the latest, which runs, and the earlier ones merged into it (none run, counted
     * with the first and last of them).
     */
    record Due(Optional<Instant> latest, long merged, Optional<Instant> firstMerged, Optional<Instant> lastMerged) {
        Due {
            if (merged < 0 || (merged == 0) != firstMerged.isEmpty() || firstMerged.isEmpty() != lastMerged.isEmpty()) {
                throw new IllegalArgumentException("merged cron times are counted with their first and last");
            }
        }
    }

    /**
     * The cron times a window held beyond its latest are not run (ADR 0028): after downtime, and also when one tick took
     * longer than the policy's interval (the next window then holds several). Said at WARN with the policy and server,
     * and counted ({@link #mergedCronTimes}), so no merge is silent (ADR 0028, amended in session 45).
     */
    private void reportMerged(RecoveryPolicy policy, ServerId server, Instant from, Instant to, Due due) {
        if (due.merged() == 0) {
            return;
        }
        mergedCronTimes.addAndGet(due.merged());
        LOG.log(System.Logger.Level.WARNING, "policy {0} of team {1} on server {2}: {3} cron time(s) from {4} to {5} not run, "
                        + "merged into the run of {6}: the window ({7}, {8}] held more than one (downtime, or a tick longer "
                        + "than the policy''s interval)", policy.id().value(), policy.team().value(),
                String.valueOf(server.value()), due.merged(), due.firstMerged().get(), due.lastMerged().get(),
                due.latest().get(), from, to);
    }

    /** How many cron times windows merged into a later one of the same pair, since the start. */
    public long mergedCronTimes() {
        return mergedCronTimes.get();
    }

    /** The latest cron time whose jittered moment is in the window and after the policy's last change. */
    Due due(RecoveryPolicy policy, ServerId server, Instant from, Instant to) {
        // A changed policy runs at its new times only: none before the change.
        Instant start = from.isAfter(policy.updatedAt()) ? from : policy.updatedAt();
        Instant latest = null;
        long merged = 0;
        Instant firstMerged = null;
        Instant lastMerged = null;
        // No jitter is longer than the cap: a cron time before this cannot have its moment in the window.
        Instant after = start.minus(RunJitter.CAP);
        // Walks the window in small steps; a long downtime still yields a single run (the latest time). Moments keep
        // their cron times' order (each jitter is under a tenth of the gap to the next time), so the first past the
        // window ends the walk.
        for (int steps = 0; steps < 10_000; steps++) {
            List<Instant> next = calendar.nextRuns(policy.spec().schedule(), after, 50);
            boolean beyond = false;
            for (int i = 0; i < next.size(); i++) {
                Instant fire = next.get(i);
                Instant moment = fire.plus(i + 1 < next.size()
                        ? RunJitter.of(policy.id(), server, Duration.between(fire, next.get(i + 1)))
                        : jitter(policy, server, fire));
                if (moment.isAfter(to)) {
                    beyond = true;
                    break;
                }
                if (moment.isAfter(start)) {
                    if (latest != null) {
                        merged++;
                        firstMerged = firstMerged == null ? latest : firstMerged;
                        lastMerged = latest;
                    }
                    latest = fire;
                }
            }
            if (beyond || next.size() < 50) {
                break;
            }
            after = next.get(next.size() - 1);
        }
        return new Due(Optional.ofNullable(latest), merged, Optional.ofNullable(firstMerged), Optional.ofNullable(lastMerged));
    }

    /** When the run of cron time {@code fire} for {@code server} happens: the cron time plus its jitter. */
    private Instant moment(RecoveryPolicy policy, ServerId server, Instant fire) {
        return fire.plus(jitter(policy, server, fire));
    }

    /**
     * The jitter of cron time {@code fire}, a tenth of the gap to the time after it at most: one value for one cron
     * time, whichever window asks. (Taken from the gap after the window's start, an uneven schedule, {@code 0,5 3 * * *},
     * judged one cron time by two jitters on the two sides of it: run twice, and the next one skipped.)
     */
    private Duration jitter(RecoveryPolicy policy, ServerId server, Instant fire) {
        List<Instant> after = calendar.nextRuns(policy.spec().schedule(), fire, 1);
        return RunJitter.of(policy.id(), server, after.isEmpty() ? Duration.ZERO : Duration.between(fire, after.get(0)));
    }

    private List<ServerId> covered(RecoveryPolicy policy) {
        Set<ServerId> owned = ownership.serversOf(policy.team());
        List<ServerId> named = policy.spec().servers().allOwned() ? List.copyOf(owned) : policy.spec().servers().listed();
        return named.stream().filter(owned::contains).sorted(Comparator.comparingLong(ServerId::value)).toList();
    }

    /** The run; empty when another try of the same cron time, found under the lock, made it (or still may have). */
    /** {@code throttled} hears how long VPS.org asked to wait when it answered this run 429. */
    private Optional<Run> run(RecoveryPolicy policy, ServerId server, Instant scheduledFor,
                              java.util.function.Consumer<Duration> throttled) {
        CallContext context = new CallContext(policy.team(), policy.runRequest(server, scheduledFor));
        List<ResourceRef> removed = new ArrayList<>();
        RateLimitedCalls limited = new RateLimitedCalls(policy, server, scheduledFor);
        RunResult result;
        try {
            String name = policy.spec().nameTemplate().render(server, scheduledFor.atZone(policy.spec().schedule().zone()));
            if (policy.spec().kind() == PolicyKind.SNAPSHOT) {
                var attempt = attempts.attempt(context, Operation.CREATE_SNAPSHOT).onServer(server)
                        .detail(AuditEvent.NAME, name);
                made(attempt, policy, scheduledFor);
                attempt.run(() -> roomMade(attempt, policy, server, scheduledFor, limited, ReasonCode.SNAPSHOT_LIMIT_REACHED,
                                () -> {
                                    List<Snapshot> listed = limited.call(() -> snapshots.listSnapshots(Optional.of(server)));
                                    RecoveryLimits teamLimits = limits.limitsFor(policy.team());
                                    return new Room(SnapshotQuota.evaluate(server, listed, teamLimits),
                                            SnapshotQuota.toFree(server, listed, teamLimits));
                                }, removed),
                        () -> limited.call(() -> snapshots.createSnapshot(new SnapshotDraft(server, new SnapshotName(name),
                                Optional.empty()))),
                        created -> Optional.of(ResourceRef.of(created.id())));
            } else {
                var attempt = attempts.attempt(context, Operation.CREATE_MANUAL_BACKUP).onServer(server)
                        .detail(AuditEvent.DESCRIPTION, name);
                made(attempt, policy, scheduledFor);
                attempt.run(() -> roomMade(attempt, policy, server, scheduledFor, limited, ReasonCode.MANUAL_BACKUP_LIMIT_REACHED,
                                () -> {
                                    // Read consistently, as a person's create reads it (ADR 0010, amended in session
                                    // 38); a job's bound: no key nor call slot is leased on a run.
                                    List<Backup> listed = limited.call(() -> backups.listBackupsConsistently(
                                            Optional.of(server), Optional.empty(),
                                            ConsistentListBound.eachReadItsOwnDeadline()));
                                    RecoveryLimits teamLimits = limits.limitsFor(policy.team());
                                    return new Room(ManualBackupQuota.evaluate(server, listed, teamLimits),
                                            ManualBackupQuota.toFree(server, listed, teamLimits));
                                }, removed),
                        () -> limited.call(() -> backups.createManualBackup(new BackupDraft(server,
                                Optional.of(new Description(name))))),
                        created -> Optional.of(ResourceRef.of(created.id())));
            }
            result = RunResult.MADE;
        } catch (PolicyChangedMeanwhile changed) {
            // Nothing done, nothing written: the policy's own DELETE_POLICY or UPDATE_POLICY event is the record, and a
            // changed policy runs at its new times only (due), so this cron time is owed by no one: no retry.
            LOG.log(System.Logger.Level.INFO, "policy {0} of team {1} on server {2}: the run of {3} was not made: {4}",
                    policy.id().value(), policy.team().value(), String.valueOf(server.value()), scheduledFor,
                    changed.getMessage());
            return Optional.empty();
        } catch (TriedMeanwhile meanwhile) {
            // Nothing done, nothing written: the other try's own records say what came of this cron time.
            return meanwhile.tried == Tried.OPEN ? Optional.of(notSettled(policy, server, scheduledFor)) : Optional.empty();
        } catch (org.vpsrecovery.domain.common.RecoveryDenied refused) {
            result = RunResult.REFUSED;
        } catch (ProviderFailure failure) {
            Optional<Run> waiting = rateLimited(failure, policy, server, scheduledFor, limited, removed, throttled);
            if (waiting.isPresent()) {
                return waiting;
            }
            result = failure.outcomeUnknown() ? RunResult.UNRESOLVED : RunResult.FAILED;
        } catch (RecoveryException | IllegalArgumentException failed) {
            if (failed instanceof AuditedAttempts.CheckFailed check && check.getCause() instanceof ProviderFailure delete) {
                // The rotation's delete answered 429: judged as the create's own 429 is, not a plain failure retried
                // on the backoff inside VPS.org's wait (ADR 0028, amended in session 56). Nothing was created.
                Optional<Run> waiting = rateLimited(delete, policy, server, scheduledFor, limited, removed, throttled);
                if (waiting.isPresent()) {
                    return waiting;
                }
            }
            Optional<Instant> holdEnds = restoreHoldEnd(failed);
            if (holdEnds.isPresent()) {
                // Put off by a restore's hold (audited): owed when it ends, or missed if that is not before the next run.
                return Optional.of(owedAt(policy, server, scheduledFor, holdEnds.get())
                        ? new Run(policy.team(), policy.id(), server, scheduledFor, RunResult.PUT_OFF, List.of(), holdEnds)
                        : new Run(policy.team(), policy.id(), server, scheduledFor, RunResult.MISSED, List.of()));
            }
            // Audited by the attempt (or a name the template cannot render now); retried with a backoff (PolicyRunJobs).
            result = RunResult.FAILED;
        } catch (RuntimeException unexpected) {
            // The attempt audited it UNRESOLVED when it came from the call: VPS.org may have acted.
            result = RunResult.UNRESOLVED;
        }
        if (result == RunResult.MADE) {
            removed.addAll(dropsApplied(policy, server));
        }
        return Optional.of(new Run(policy.team(), policy.id(), server, scheduledFor, result, List.copyOf(removed)));
    }

    /**
     * A run VPS.org answered 429 (its create, its list, or its rotation's delete; or the client held the call back after
     * one): the tick is told to stop after this pair; when VPS.org named a wait, the run is owed after it, carried to the
     * retry job (a retry before it would only be held back and spend its attempts), or missed when that wait reaches the
     * next cron time's run (ADR 0028, session 51), as judged when the call failed, so the result is what its audited
     * failure says (session 52). Empty for any other failure, and for a 429 naming no wait (a plain failure then).
     */
    private Optional<Run> rateLimited(ProviderFailure failure, RecoveryPolicy policy, ServerId server, Instant scheduledFor,
                                      RateLimitedCalls limited, List<ResourceRef> removed,
                                      java.util.function.Consumer<Duration> throttled) {
        if (failure.kind() != ProviderFailure.Kind.RATE_LIMITED) {
            return Optional.empty();
        }
        throttled.accept(failure.retryAfter().orElse(Duration.ZERO));
        Optional<Duration> wait = failure.retryAfter().filter(Duration::isPositive);
        if (wait.isEmpty()) {
            return Optional.empty();
        }
        Instant waitEnds = limited.waitEnds().orElseGet(() -> retriedAt(wait.get()));
        return Optional.of(owedAt(policy, server, scheduledFor, waitEnds)
                ? new Run(policy.team(), policy.id(), server, scheduledFor, RunResult.FAILED, removed, Optional.empty(),
                        wait)
                : new Run(policy.team(), policy.id(), server, scheduledFor, RunResult.MISSED, removed));
    }

    /**
     * A run's calls to VPS.org. One answered 429 (or held back after one) asking to wait until the pair's next cron time
     * or later says in its words that this cron time's run is missed, so its audited failure, and its operation's record
     * when the create was sent, say so, as a restore's hold past that time does; before, they said only the 429 (ADR
     * 0028, amended in session 52). {@link #waitEnds}: when the last such wait ends, judged once.
     */
    private final class RateLimitedCalls {

        private final RecoveryPolicy policy;
        private final ServerId server;
        private final Instant scheduledFor;
        private Instant waitEnds;

        RateLimitedCalls(RecoveryPolicy policy, ServerId server, Instant scheduledFor) {
            this.policy = policy;
            this.server = server;
            this.scheduledFor = scheduledFor;
        }

        <T> T call(Supplier<T> call) {
            try {
                return call.get();
            } catch (ProviderFailure failure) {
                Optional<Instant> ends = heard(failure);
                if (ends.isEmpty() || owedAt(policy, server, scheduledFor, ends.get())) {
                    throw failure;
                }
                throw failure.saying(failure.getMessage() + "; this cron time's run is missed: VPS.org asked to wait, "
                        + "so its retry would come at " + ends.get() + ", no sooner than the next cron time's run, which "
                        + "makes the next point");
            }
        }

        /**
         * When the retry of a run VPS.org's 429 naming a wait asked to come back really runs (after the wait or
         * retry-first, whichever is longer), judged now; empty for any other failure.
         */
        Optional<Instant> heard(ProviderFailure failure) {
            Optional<Duration> wait = failure.kind() == ProviderFailure.Kind.RATE_LIMITED
                    ? failure.retryAfter().filter(Duration::isPositive) : Optional.empty();
            wait.ifPresent(w -> waitEnds = retriedAt(w));
            return wait.map(w -> waitEnds);
        }

        /**
         * What comes of a run whose rotation's delete VPS.org answered 429, for the create's event: tried again once
         * its wait ends, or missed when that is not before the next cron time's run (ADR 0028, session 56).
         */
        String whenDeleteLimited(ProviderFailure failure) {
            return heard(failure).map(ends -> owedAt(policy, server, scheduledFor, ends)
                    ? ", and VPS.org asked to wait: the run is tried again at " + ends
                    : ", and this cron time's run is missed: VPS.org asked to wait, so its retry would come at " + ends
                            + ", no sooner than the next cron time's run, which makes the next point")
                    .orElse(failure.kind() == ProviderFailure.Kind.RATE_LIMITED
                            ? ", and VPS.org named no wait: the run is tried again on the backoff" : "");
        }

        Optional<Instant> waitEnds() {
            return Optional.ofNullable(waitEnds);
        }
    }

    /** When a run VPS.org asked to wait {@code wait} is retried: after it or retry-first, whichever is longer. */
    private Instant retriedAt(Duration wait) {
        return clock.instant().plus(wait.compareTo(retryFirst) > 0 ? wait : retryFirst);
    }

    private static void made(AuditedAttempts.Attempt attempt, RecoveryPolicy policy, Instant scheduledFor) {
        attempt.detail(AuditEvent.POLICY_ID, policy.id().value().toString())
                .detail(AuditEvent.POLICY_VERSION, Long.toString(policy.version()))
                .detail(AuditEvent.SCHEDULED_FOR, scheduledFor.toString());
    }

    /** A server's room as one list read shows it: the quota's decision, and how many points must go for one more. */
    private record Room(Decision decision, long toFree) {
    }

    /**
     * Thrown under the server's lock when the policy read at the tick's start is gone or at another version now (deleted
     * or edited while the tick was on other servers). Not a {@code RecoveryException}, so the attempt writes nothing:
     * nothing was refused at VPS.org's door and nothing was done.
     */
    private static final class PolicyChangedMeanwhile extends RuntimeException {

        PolicyChangedMeanwhile(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The policy as it is now, read again by id under the server's lock: a tick reads a team's policies once, and a run
     * by a policy deleted or edited since would make a point and delete by rules that no longer exist (ADR 0028,
     * amended in session 48). Empty when it is gone or at another version.
     */
    private Optional<RecoveryPolicy> stillAsRead(RecoveryPolicy policy) {
        return policies.find(policy.team(), policy.id()).filter(now -> now.version() == policy.version());
    }

    private void requireStillAsRead(RecoveryPolicy policy) {
        Optional<RecoveryPolicy> now;
        try {
            now = stillAsRead(policy);
        } catch (RecoveryException typed) {
            throw typed;
        } catch (RuntimeException storeDown) {
            // Not now, VPS.org not asked: audited by the attempt and retried as FAILED, never taken for a call's
            // unknown end (UNRESOLVED, unaudited) as a failure of no domain type from the call would be.
            throw PlatformUnavailable.attemptEndedBeforeTheProvider("the policy could not be read again under the "
                    + "server's lock now (" + storeDown + "); nothing was asked of VPS.org", POLICY_REREAD_RETRY_AFTER,
                    storeDown);
        }
        if (now.isEmpty()) {
            throw new PolicyChangedMeanwhile("the policy (version " + policy.version() + " when the tick read it) was "
                    + "deleted or changed since, so it makes no point and deletes nothing by that version's rules");
        }
    }

    /**
     * Under the create's lock: that this cron time was not tried meanwhile, that the policy is still as the tick read it,
     * the quota, and at the limit one rotation (the oldest point retention lets go once the run's point is counted,
     * deleted through the audited delete), then the quota again. A server more than one point over its limit is refused
     * before anything is deleted: one rotation would not make room, and the point deleted would be lost for a run
     * refused anyway (ADR 0028, amended in session 48).
     */
    private Decision roomMade(AuditedAttempts.Attempt attempt, RecoveryPolicy policy, ServerId server, Instant scheduledFor,
                              RateLimitedCalls limited, ReasonCode limit, Supplier<Room> quota, List<ResourceRef> removed) {
        // Two ticks of one window overlap when db-scheduler revives a run whose heartbeats stopped while it still ran:
        // both read "not yet" before either stored its create, so the one that waited for the lock must look again.
        requireNotTriedMeanwhile(policy, server, scheduledFor);
        requireStillAsRead(policy);
        requireNotRestoring(policy, server, scheduledFor);
        Room first = quota.get();
        if (!(first.decision() instanceof Decision.Denied denied) || denied.reason() != limit) {
            return first.decision();
        }
        if (first.toFree() > 1) {
            return Decision.deny(ReasonCode.ROTATION_NOT_POSSIBLE, denied.detail() + "; " + first.toFree() + " "
                    + noun(policy.spec().kind()) + "s would have to go before one more fits (the limit was lowered, the "
                    + "server came from another team, or points were made at VPS.org directly) and a run rotates one, "
                    + "so none was deleted; delete some, or raise the limit");
        }
        Optional<ResourceRef> victim = rotationVictim(policy, server);
        if (victim.isEmpty()) {
            return Decision.deny(ReasonCode.ROTATION_NOT_POSSIBLE, denied.detail() + "; retention lets no policy-made "
                    + "completed " + noun(policy.spec().kind()) + " go, so none was rotated");
        }
        // The audited delete, whose lock on this server this thread already holds (AuditedAttempts).
        try {
            delete(policy, victim.get(), "policy-rotation:");
        } catch (RecoveryException refusedOrFailed) {
            if (refusedOrFailed instanceof ProviderFailure answered && answered.refusedForGood()) {
                // VPS.org answered this delete with a refusal asking again will not change (the snapshot locked, in
                // use): a final, typed refusal of the run, not a FAILED retried into the same refusal. The next point
                // is not rotated instead: VPS.org documents no refusal of a delete, so what it means is not known
                // here, and a run deletes one point for its room at most (ADR 0028, amended in session 49).
                return Decision.deny(ReasonCode.ROTATION_NOT_POSSIBLE, denied.detail() + "; VPS.org refused the "
                        + "rotation's delete of " + label(victim.get()) + " (" + answered.getMessage() + "), so none "
                        + "was rotated and nothing was created; unlock or delete it at VPS.org, or delete another");
            }
            // Nothing rotated, nothing created: not a refusal of the run (a restore window, a lost answer pass), so
            // the create is FAILED and the run retried, and its events name no rotation that did not happen.
            // A delete whose answer was lost may have happened: its own record is UNRESOLVED, and the tracker
            // establishes it; this event must not say otherwise.
            boolean unknown = refusedOrFailed instanceof ProviderFailure lost && lost.outcomeUnknown();
            boolean rateLimited = refusedOrFailed instanceof ProviderFailure limitedBy
                    && limitedBy.kind() == ProviderFailure.Kind.RATE_LIMITED;
            throw new AuditedAttempts.CheckFailed("the rotation's delete of " + label(victim.get())
                    + (unknown ? " got no answer, so whether it happened is not known yet ("
                            : rateLimited ? " did not happen: VPS.org rate limited it (" : " did not happen (")
                    + refusedOrFailed.reason() + ": " + refusedOrFailed.getMessage() + "); nothing was created"
                    + (rateLimited ? limited.whenDeleteLimited((ProviderFailure) refusedOrFailed)
                            : whenTriedAgain(policy, server, scheduledFor, holdEnd(refusedOrFailed))), refusedOrFailed);
        }
        // Only now: the create's events say what was rotated for it.
        attempt.detail(AuditEvent.ROTATED, label(victim.get()));
        removed.add(victim.get());
        return quota.get().decision();
    }

    /**
     * A server a restore holds is put off: VPS.org overwrites its data, so a point made meanwhile would be of neither the
     * old data nor the restored, yet kept by retention as the newest (ADR 0003, amended in session 49). Thrown as a
     * {@code CheckFailed}, as a rotation's delete refused in a restore window is: the create is audited FAILED {@code
     * SERVER_RESTORING}, VPS.org not asked. Held by a restore of ours, the run is owed again when the hold's window ends
     * ({@link RunResult#PUT_OFF}), or, when that is not before its next cron time's run, missed, as its event says
     * (ADR 0028, amended in session 50); restoring with no end known (a restore intent from before operations), it is
     * retried as a failure by {@code policy-run-retry} (ADR 0028, session 37).
     */
    private void requireNotRestoring(RecoveryPolicy policy, ServerId server, Instant scheduledFor) {
        try {
            servers.current(new ServerRef(server, "")).takesNewPoint(Optional.empty()).orThrow();
        } catch (org.vpsrecovery.domain.common.RecoveryDenied restoring) {
            String then = restoring.retryAt().map(end -> "; nothing was created" + whenTriedAgain(policy, server,
                    scheduledFor, Optional.of(end))).orElse("; nothing was created, and the run is tried again");
            throw new AuditedAttempts.CheckFailed("the run is put off: " + restoring.getMessage() + then, restoring);
        }
    }

    /**
     * What comes of a run put off by a restore's hold ending at {@code holdEnds}, for its event's cause: tried again
     * then, or missed when that is not before the next cron time's run; nothing when no hold put it off.
     */
    private String whenTriedAgain(RecoveryPolicy policy, ServerId server, Instant scheduledFor, Optional<Instant> holdEnds) {
        return holdEnds.map(end -> owedAt(policy, server, scheduledFor, end)
                ? ", and the run is tried again when the hold ends (" + end + ")"
                : ", and this cron time's run is missed: the hold ends (" + end + ") no sooner than the next cron "
                        + "time's run, which makes the next point").orElse("");
    }

    /**
     * When the restore hold that put a run off ends: the server's own ({@link #requireNotRestoring}, SERVER_RESTORING),
     * or the one on the point its rotation would delete (RECOVERY_POINT_IN_USE: a restore, on this server or another,
     * reads it until then; ADR 0028, amended in session 51). Empty for any other failure.
     */
    private static Optional<Instant> restoreHoldEnd(Exception failed) {
        return failed instanceof AuditedAttempts.CheckFailed check ? holdEnd(check.getCause()) : Optional.empty();
    }

    private static Optional<Instant> holdEnd(Throwable refusal) {
        return refusal instanceof org.vpsrecovery.domain.common.RecoveryDenied held
                && (held.reason() == ReasonCode.SERVER_RESTORING || held.reason() == ReasonCode.RECOVERY_POINT_IN_USE)
                ? held.retryAt() : Optional.empty();
    }

    /**
     * Whether the run of cron time {@code scheduledFor} is still owed at {@code at}: before its next cron time's moment
     * (jittered), from which that run is the tick's ({@link #retry} owes nothing then).
     */
    private boolean owedAt(RecoveryPolicy policy, ServerId server, Instant scheduledFor, Instant at) {
        List<Instant> next = calendar.nextRuns(policy.spec().schedule(), scheduledFor, 1);
        return next.isEmpty() || moment(policy, server, next.get(0)).isAfter(at);
    }

    /** The point a run at the limit rotates away (domain {@link Rotation}); empty when none may go. */
    Optional<ResourceRef> rotationVictim(RecoveryPolicy policy, ServerId server) {
        List<RetentionCandidate> candidates = points.candidates(policy, points.listed(policy.spec().kind(), server));
        return Rotation.victim(policy.spec().retention(), policy.spec().schedule().zone(), candidates,
                typeOf(policy.spec().kind()), clock.instant()).map(RetentionCandidate::point);
    }

    /**
     * After a run made its point: every other point retention drops, deleted through the audited delete
     * (holds checked again by it) under the server's lock, read once so nothing slips in between. A delete
     * refused or failed is audited by it and left for the next run; a busy server leaves them all.
     */
    private List<ResourceRef> dropsApplied(RecoveryPolicy policy, ServerId server) {
        try {
            return attempts.exclusively(server, () -> {
                if (stillAsRead(policy).isEmpty()) {
                    // Deleted or changed since its point was made: its old rules delete nothing (the new version's
                    // retention applies at its own next run).
                    return List.<ResourceRef>of();
                }
                List<RetentionCandidate> candidates = points.candidates(policy, points.listed(policy.spec().kind(), server));
                List<ResourceRef> deleted = new ArrayList<>();
                for (RetentionVerdict verdict : Retention.evaluate(policy.spec().retention(),
                        policy.spec().schedule().zone(), candidates, clock.instant())) {
                    if (verdict.keep()) {
                        continue;
                    }
                    try {
                        delete(policy, verdict.candidate().point(), "policy-retention:");
                        deleted.add(verdict.candidate().point());
                    } catch (RecoveryException refusedOrFailed) {
                        // Audited by the delete; the next run evaluates again. A lost lock refuses every later delete
                        // too, each after a read of VPS.org: none is tried (ADR 0023, amended session 40).
                        if (refusedOrFailed.reason() == ReasonCode.SERVER_LOCK_LOST) {
                            break;
                        }
                    }
                }
                return deleted;
            });
        } catch (RuntimeException busyOrUnreadable) {
            // A busy server or an unreadable list: nothing was deleted; the next run applies retention again.
            return List.of();
        }
    }

    /**
     * The audited delete of a point, asked by the policy: its request id names the policy, the why and the point, its
     * events the policy's version too.
     */
    private void delete(RecoveryPolicy policy, ResourceRef point, String why) {
        CallContext context = new CallContext(policy.team(), new RequestId(why + policy.id().value() + ":"
                + point.type().name().toLowerCase(Locale.ROOT) + ":" + point.id()));
        if (point.type() == ResourceRef.Type.SNAPSHOT) {
            deletes.deleteSnapshot(new DeleteSnapshotCommand(context, new SnapshotId(point.id()),
                    Optional.of(policy.atVersion())));
        } else {
            backupDeletes.deleteBackup(new DeleteBackupCommand(context, new BackupId(point.id()),
                    Optional.of(policy.atVersion())));
        }
    }

    private static ResourceRef.Type typeOf(PolicyKind kind) {
        return kind == PolicyKind.SNAPSHOT ? ResourceRef.Type.SNAPSHOT : ResourceRef.Type.BACKUP;
    }

    private static String noun(PolicyKind kind) {
        return kind == PolicyKind.SNAPSHOT ? "snapshot" : "manual backup";
    }

    private static String label(ResourceRef point) {
        return (point.type() == ResourceRef.Type.SNAPSHOT ? "snapshot " : "backup ") + point.id();
    }
}
