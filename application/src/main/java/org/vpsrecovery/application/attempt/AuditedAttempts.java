package org.vpsrecovery.application.attempt;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The one path every changing operation takes: under the server's lock, read the provider's state
 * and apply the policies; if denied, record the rejection; if allowed, record the intent, call the
 * provider, and record what came of it. Nothing reaches the provider without an intent on record
 * (no intent, no call: {@link PlatformUnavailable}). What came of it is recorded as far as it is
 * known: a lost answer is {@link Outcome.Unresolved}, never a failure; and an outcome the history
 * cannot take now is written later ({@link AuditWriter}), never lost, and never turned into an
 * error for a caller whose change happened.
 */
public final class AuditedAttempts {

    private static final System.Logger LOG = System.getLogger(AuditedAttempts.class.getName());

    /** How long a caller refused for an unavailable history is asked to wait. */
    static final Duration HISTORY_RETRY_AFTER = Duration.ofSeconds(2);

    /** How long a caller whose attempt ended on a lost server lock is asked to wait (another request may hold it). */
    static final Duration LOCK_LOST_RETRY_AFTER = Duration.ofSeconds(2);

    /** The servers whose lock this thread holds through an attempt, each with its hold (lost or not). */
    private static final ThreadLocal<Map<ServerId, ServerLock.Hold>> HELD = ThreadLocal.withInitial(HashMap::new);
    /** The approved operation this thread runs (ADR 0040): its attempt takes it over instead of storing a new one. */
    private static final ThreadLocal<ApprovedRunClaim> APPROVED = new ThreadLocal<>();

    /** Beyond this many servers remembered, the memory of the last checks starts over (it only saves reads). */
    private static final int CHECKS_REMEMBERED = 10_000;

    private final AuditWriter writer;
    /**
     * Per server and operation, whether its last check denied (ADR 0048). Only such a server's next check is
     * first read without the lock (ADR 0045); after an allowed one, the next attempt goes straight to the lock,
     * where the check is read and decides anyway. Never a decision: only whether the early read is worth making.
     */
    private final Map<LastCheck, Boolean> lastDenied = new ConcurrentHashMap<>();
    private final RecoveryOperations operations;
    private final ServerLock lock;
    private final Clock clock;
    private final TrackingDeadlines deadlines;
    /** {@code vpsr.paused-after-restore}: changes VPS.org would make are refused unsent (ADR 0028, session 52). */
    private final boolean pausedAfterRestore;

    /** How long a change refused while paused after a restore is asked to wait: the pause ends at a restart. */
    public static final Duration PAUSED_RETRY_AFTER = Duration.ofMinutes(5);

    public AuditedAttempts(AuditWriter writer, RecoveryOperations operations, ServerLock lock, Clock clock,
                           TrackingDeadlines deadlines) {
        this(writer, operations, lock, clock, deadlines, false);
    }

    /**
     * {@code pausedAfterRestore}: the platform's database was restored from a backup and has forgotten the
     * Idempotency-Keys and operations after its restore point, so a change VPS.org would make (a create, delete or
     * restore, a dry run excepted) is refused {@code PAUSED_AFTER_RESTORE} before anything is read or asked of
     * VPS.org, audited {@code REJECTED}: a client retrying a create with its key would otherwise make a second one.
     */
    public AuditedAttempts(AuditWriter writer, RecoveryOperations operations, ServerLock lock, Clock clock,
                           TrackingDeadlines deadlines, boolean pausedAfterRestore) {
        this.pausedAfterRestore = pausedAfterRestore;
        this.writer = Objects.requireNonNull(writer, "writer");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
    }

    /** Whether changes VPS.org would make are refused: the instance runs paused after its database was restored. */
    public boolean pausedAfterRestore() {
        return pausedAfterRestore;
    }

    /** The refusal of a change VPS.org would make while {@link #pausedAfterRestore()}. */
    public static PlatformUnavailable pausedAfterRestoreRefusal(Operation operation) {
        return PlatformUnavailable.pausedAfterRestore("the platform's database was restored from a backup and this "
                + "instance is paused until the operator has put it right: "
                + operation.name() + " is not done and VPS.org was not called; try again later", PAUSED_RETRY_AFTER);
    }

    /** Whether {@code operation} under {@code request} is on record refused {@code PAUSED_AFTER_RESTORE}. */
    public boolean refusedWhilePaused(org.vpsrecovery.domain.common.RequestId request, Operation operation) {
        return writer.recorded(request, operation).stream().anyMatch(event -> event.outcome().reasonCode()
                .filter(ReasonCode.PAUSED_AFTER_RESTORE::equals).isPresent());
    }

    public Attempt attempt(CallContext context, Operation operation) {
        Attempt attempt = new Attempt(context, operation);
        approvedRun(context.operationId()).ifPresent(approved -> attempt.detail(AuditEvent.REQUESTED_BY,
                approved.approval().orElseThrow().requester().subject()));
        return attempt;
    }

    /**
     * Runs {@code work}, the ordinary request of {@code approved} (ADR 0040), on this thread: its attempt
     * stores the operation over the approved one (a versioned write), so one run at most takes it, and
     * it is not held for approval again.
     */
    public <T> T asApproved(RecoveryOperation approved, Supplier<T> work) {
        if (approved.state() != OperationState.APPROVED) {
            throw new IllegalArgumentException("operation " + approved.id() + " is not approved");
        }
        return asApproved(new ApprovedRunClaim(operations, approved), work);
    }

    /**
     * As {@link #asApproved(RecoveryOperation, Supplier)}, for the runner holding {@code claim}: the attempt moves the
     * operation only through it, so a runner whose claim was taken moves nothing and writes nothing (ADR 0040).
     */
    public <T> T asApproved(ApprovedRunClaim claim, Supplier<T> work) {
        ApprovedRunClaim outer = APPROVED.get();
        APPROVED.set(Objects.requireNonNull(claim, "claim"));
        try {
            return work.get();
        } finally {
            if (outer == null) {
                APPROVED.remove();
            } else {
                APPROVED.set(outer);
            }
        }
    }

    /** The approved operation this thread runs as {@code id}, if it runs one. */
    public Optional<RecoveryOperation> approvedRun(org.vpsrecovery.domain.operation.OperationId id) {
        return approvedClaim(id).map(ApprovedRunClaim::operation);
    }

    private static Optional<ApprovedRunClaim> approvedClaim(org.vpsrecovery.domain.operation.OperationId id) {
        return Optional.ofNullable(APPROVED.get()).filter(claim -> claim.id().equals(id));
    }

    /**
     * Runs {@code work} under {@code server}'s lock (or the one this thread already holds), so that the
     * attempts it makes on that server run under it, one after another with nothing in between: a policy
     * run's retention reads the points once and deletes what it drops (ADR 0036). Not audited itself:
     * its attempts are; a busy server is thrown ({@code ServerBusy}) before anything is done.
     */
    public <T> T exclusively(ServerId server, Supplier<T> work) {
        Map<ServerId, ServerLock.Hold> mine = HELD.get();
        if (mine.containsKey(server)) {
            return work.get();
        }
        return lock.callHolding(server, hold -> {
            mine.put(server, hold);
            try {
                return work.get();
            } finally {
                mine.remove(server);
            }
        });
    }

    /** One attempt of one operation; collects what the audit events say about it. */
    public final class Attempt {

        private final CallContext context;
        private final Operation operation;
        private Optional<ServerId> server = Optional.empty();
        private Optional<ResourceRef> resource = Optional.empty();
        private Optional<ServerId> resourceServer = Optional.empty();
        private Optional<ServerId> alsoLocked = Optional.empty();
        private final Map<String, String> detail = new LinkedHashMap<>();
        /** Once the intent is on record, the attempt's end is written where it happens (or by reconciliation). */
        private boolean intentOnRecord;

        private Attempt(CallContext context, Operation operation) {
            this.context = Objects.requireNonNull(context, "context");
            this.operation = Objects.requireNonNull(operation, "operation");
        }

        public Attempt onServer(ServerId value) {
            server = Optional.of(value);
            return this;
        }

        public Attempt about(ResourceRef value) {
            resource = Optional.of(value);
            return this;
        }

        /** About {@code value}, which belongs to {@code owner}: a backup of another server restoring this one. */
        public Attempt about(ResourceRef value, ServerId owner) {
            resource = Optional.of(value);
            resourceServer = Optional.of(owner);
            return this;
        }

        /**
         * Runs under {@code other}'s lock too. Both are taken in server-id order, so two attempts that
         * lock the same two servers never wait for each other crosswise (ADR 0026).
         */
        public Attempt alsoLocking(ServerId other) {
            alsoLocked = Optional.of(other);
            return this;
        }

        public Attempt detail(String key, String value) {
            detail.put(key, value);
            return this;
        }

        /**
         * While paused after a restore, a change VPS.org would make is refused before anything is read or asked:
         * {@code REJECTED PAUSED_AFTER_RESTORE}, or, in an approved run, nothing written and the run tried again, as
         * any "not now". A dry run (a plan) is a read and passes.
         */
        private void requireNotPaused() {
            if (pausedAfterRestore && operation.isVpsOrgChange() && !detail.containsKey(AuditEvent.DRY_RUN)) {
                throw refuse(pausedAfterRestoreRefusal(operation));
            }
        }

        /** Records a refusal made before anything else (not found, not owned) and hands it back to throw. */
        public RecoveryException refuse(RecoveryException refusal) {
            if ((refusal instanceof ServerBusy || refusal instanceof PlatformUnavailable) && notNowInApprovedRun(refusal)) {
                return refusal;
            }
            return rejected(refusal.reason(), refusal.getMessage(), refusal);
        }

        /**
         * Writes a refusal's {@code REJECTED} and hands {@code refusal} back. In an approved run (ADR 0040) only the
         * claim holder decides: the operation is ended {@code rejected} over this runner's claim first, and the event
         * written only if that lands. A runner whose claim ran out and was taken writes nothing: the operation stays
         * approved for the claim holder, whose run records what comes of it (else the history could show a REJECTED
         * and then a run). A store failing under the end is a refusal all the same (it happened: the policy refused,
         * nothing was asked of VPS.org), its {@code REJECTED} kept to be written ({@link AuditWriter#appendOrDefer}) and
         * the claim told the end it was to store ({@link ApprovedRunClaim#refusedWithItsEndOwed}), which the approver is
         * answered: the settle job ends the operation as recorded (ADR 0040, amended in session 47).
         */
        private RecoveryException rejected(ReasonCode reason, String why, RecoveryException refusal) {
            Optional<ApprovedRunClaim> claim = approvedClaim(context.operationId());
            if (claim.isPresent()) {
                Optional<RecoveryOperation> ended;
                RecoveryOperation approved = claim.get().operation();
                // To the microsecond, as the row keeps it: the owed event made again from the row is this very event.
                java.time.Instant at = AuditChain.storedInstant(clock.instant());
                try {
                    // Its REJECTED marked owed in the same write, as a given-up run's: a crash before the append
                    // below leaves it for the settle job, never a REJECTED operation with no event nor webhook.
                    ended = claim.get().move(held -> held.rejectedOnRun(at, reason, why),
                            new ApprovalStep(approved.kind(), approved.requestId()));
                } catch (RuntimeException storeDown) {
                    // Stored with its answer lost, the end's owed mark leaves the event to the job, which finds this one
                    // on record and writes no second (one instant, one step). Not stored, the job finds this refusal on
                    // record before it would run the operation again, and ends it so: never a run after a REJECTED.
                    LOG.log(System.Logger.Level.WARNING, "approved operation {0} ({1}) was refused ({2}) but the "
                            + "platform could not store its end now ({3}); its REJECTED is kept to be written and the "
                            + "settle-approvals job ends it so", context.operationId(), operation, reason,
                            storeDown.toString());
                    // Recorded (written or kept) first: only a refusal on its way to the record is answered as one. At
                    // the instant its end was to be stored (never before the operation's last, so never before its
                    // decision however this clock reads), as when the end is stored: the owed event the job makes from a
                    // row stored with its answer lost is then this very one, never a second REJECTED (ADR 0040, amended
                    // in session 48).
                    java.time.Instant endAt = approved.rejectedOnRun(at, reason, why).updatedAt();
                    writer.appendOrDefer(refusalOfApprovedRun(approved, endAt, reason, why));
                    claim.get().refusedWithItsEndOwed(endAt, reason, why);
                    return refusal;
                }
                if (ended.isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, "approved operation {0} ({1}) was refused ({2}) after its claim "
                            + "was taken by another runner; nothing is written, the claim holder runs it",
                            context.operationId(), operation, reason);
                    return refusal;
                }
                try {
                    writer.appendNow(refusalOfApprovedRun(approved, ended.get().updatedAt(), reason, why));
                } catch (RuntimeException unavailable) {
                    LOG.log(System.Logger.Level.WARNING, "the REJECTED event of approved operation {0} is owed: the "
                            + "history did not take it now ({1}); the settle-approvals job writes it",
                            approved.id(), unavailable.getClass().getSimpleName());
                }
                return refusal;
            }
            writer.appendOrDefer(event(new Outcome.Rejected(reason), OptionalInt.empty(), why));
            return refusal;
        }

        /** The REJECTED of {@code approved}'s run, at the instant its end is (or was to be) stored, naming it. */
        private AuditEvent refusalOfApprovedRun(RecoveryOperation approved, java.time.Instant at, ReasonCode reason,
                                                String why) {
            AuditEvent rejected = event(new Outcome.Rejected(reason), OptionalInt.empty(), why);
            Map<String, String> facts = new LinkedHashMap<>(rejected.detail());
            facts.put(AuditEvent.APPROVAL_OF, approved.id().toString());
            return new AuditEvent(at, rejected.team(), rejected.requestId(), rejected.operation(), rejected.server(),
                    rejected.resource(), rejected.outcome(), rejected.providerStatus(), facts);
        }

        /**
         * An approved operation's run kept from starting (the server busy, VPS.org or the platform unavailable)
         * is not its outcome: it stays approved and is tried again, and only its giving up is recorded (ADR 0040).
         * So nothing is written for it here; it is logged. False outside an approved run.
         */
        private boolean notNowInApprovedRun(RecoveryException notNow) {
            Optional<RecoveryOperation> approved = approvedRun(context.operationId());
            approved.ifPresent(run -> LOG.log(System.Logger.Level.INFO, "approved operation {0} ({1}) did not start "
                    + "now: {2}; it is tried again", run.id(), operation, notNow.reason()));
            return approved.isPresent();
        }

        /**
         * A read of the provider's state before the lock (which server a snapshot or backup is on):
         * if the provider fails it, that is audited like a failed check, {@code FAILED} without an
         * intent, since nothing was asked of the provider.
         */
        public <T> T lookUp(Supplier<T> read) {
            requireNotPaused();
            try {
                return read.get();
            } catch (ProviderFailure failure) {
                if (!notNowInApprovedRun(failure)) {
                    writer.appendOrDefer(failedEvent(failure));
                }
                throw failure;
            }
        }

        /**
         * Under the server's lock: {@code check} reads the provider's state and decides; when it allows,
         * {@code call} goes to the provider. {@code produced} names the resource the call made, if any.
         */
        public <T> T run(Supplier<Decision> check, Supplier<T> call, Function<T, Optional<ResourceRef>> produced) {
            requireNotPaused();
            try {
                return locked(() -> checkThenCall(check, call, produced));
            } catch (AlreadyAudited audited) {
                throw audited.failure;
            }
        }

        /**
         * As {@link #run}, but {@code check} is first read without the lock, and a denial there is the
         * answer (audited {@code REJECTED}): it is as true as that read, and refusals no longer queue
         * for the server's lock (ADR 0045). Only an allowed check goes on to the lock, where the check
         * runs again and decides, so nothing passes the limit. The early read is made only when this server's last
         * check (here) denied or is not known: after an allowed one it would be read twice for nothing (ADR 0048).
         */
        public <T> T runDenyingEarly(Supplier<Decision> check, Supplier<T> call, Function<T, Optional<ResourceRef>> produced) {
            requireNotPaused();
            LastCheck key = new LastCheck(target(), operation);
            Supplier<Decision> remembered = () -> {
                boolean denied = true;
                try {
                    Decision decision = check.get();
                    denied = decision instanceof Decision.Denied;
                    return decision;
                } finally {
                    if (lastDenied.size() > CHECKS_REMEMBERED) {
                        lastDenied.clear();
                    }
                    lastDenied.put(key, denied);
                }
            };
            // Read early unless this server's last check allowed: a server at its limit stays refused without the
            // lock, and an allowed create reads VPS.org's list once, under the lock (ADR 0048).
            if (lastDenied.getOrDefault(key, true)) {
                try {
                    requireAllowed(remembered);
                } catch (AlreadyAudited audited) {
                    throw audited.failure;
                }
            }
            return run(remembered, call, produced);
        }

        /**
         * A change the platform makes alone, with no VPS.org call (ending a restore's hold), so no
         * operation is stored for it: under the lock, {@code check} decides (a denial is
         * {@code REJECTED}); then the intent, {@code change}, and {@code COMPLETED}, or {@code FAILED}
         * with the reason {@code change} refused it for. If the platform's own store fails during
         * {@code change}, whether it took effect is not known here: {@code UNRESOLVED}, settled later by
         * reconciliation, and the caller is told {@link PlatformOutcomeUnknown} (look before retrying), never
         * {@link PlatformUnavailable}'s "nothing was done, try again" (ADR 0023, amended in session 44).
         */
        public <T> T runHere(Supplier<Decision> check, Supplier<T> change) {
            try {
                return locked(() -> checkThenChange(check, change));
            } catch (AlreadyAudited audited) {
                throw audited.failure;
            }
        }

        /**
         * A restore that waits for its safety snapshot (ADR 0029): under the lock(s), {@code check}
         * decides (a denial is {@code REJECTED}); then the intent, and the operation {@code awaiting}
         * makes of the attempt's id, stored before anything is asked of VPS.org; then {@code then}, still
         * under the lock(s), given the stored operation: the safety snapshot is asked for in the same hold
         * as the room the check found or made, so no other create takes that room in between. It must not
         * throw; what it returns is answered. The continuation later writes what came of it.
         */
        public RecoveryOperation runAfterSafetySnapshot(Supplier<Decision> check,
                                                        Function<CallContext, RecoveryOperation> awaiting,
                                                        UnaryOperator<RecoveryOperation> then) {
            requireNotPaused();
            try {
                return locked(() -> then.apply(storedAwaiting(check, awaiting)));
            } catch (AlreadyAudited audited) {
                throw audited.failure;
            }
        }

        private RecoveryOperation storedAwaiting(Supplier<Decision> check, Function<CallContext, RecoveryOperation> awaiting) {
            requireAllowed(check);
            // Not "nothing was done": the check's rotation may already have deleted a snapshot (its own record says so).
            requireLocksStillHeld("the restore was not stored and no safety snapshot was asked for");
            detail.put(AuditEvent.ATTEMPT_ID, context.operationId().toString());
            if (approvedRun(context.operationId()).isPresent()) {
                return startApproved(() -> awaiting.apply(context), "nothing was done");
            }
            appendIntent("nothing was done");
            RecoveryOperation waiting;
            try {
                waiting = store(awaiting.apply(context));
            } catch (AlreadyAudited ended) {
                throw ended;
            } catch (RuntimeException storeDown) {
                writer.appendOrDefer(event(new Outcome.Failed(ReasonCode.PLATFORM_UNAVAILABLE,
                        "the restore could not be stored, so nothing was done"), OptionalInt.empty(), null));
                // Its end is on record (FAILED): not refused again on the way out of the lock (a second, REJECTED).
                throw new AlreadyAudited(new PlatformUnavailable("the platform cannot store the restore now, so "
                        + "nothing was done; try again shortly", HISTORY_RETRY_AFTER, storeDown));
            }
            return waiting;
        }

        /**
         * Under the lock(s), {@code check} decides (a denial is {@code REJECTED}, as for the real call); when it
         * allows, {@code then} runs, still under the lock, writing its own records: a request held for a second
         * person's approval (ADR 0040).
         */
        public <T> T runChecked(Supplier<Decision> check, Supplier<T> then) {
            requireNotPaused();
            try {
                return locked(() -> {
                    requireAllowed(check);
                    return then.get();
                });
            } catch (AlreadyAudited audited) {
                throw audited.failure;
            }
        }

        /** Stores the new operation (an approved one's run is moved over its approved version instead: startApproved). */
        private RecoveryOperation store(RecoveryOperation fresh) {
            operations.add(fresh);
            return fresh;
        }

        private <T> T checkThenChange(Supplier<Decision> check, Supplier<T> change) {
            requireAllowed(check);
            requireLocksStillHeld("nothing was done");
            detail.put(AuditEvent.ATTEMPT_ID, context.operationId().toString());
            appendIntent("nothing was done");
            T result;
            try {
                result = change.get();
            } catch (RecoveryException failed) {
                writer.appendOrDefer(event(new Outcome.Failed(failed.reason(),
                        truncate(failed.getMessage(), Outcome.MAX_CAUSE_LENGTH)), OptionalInt.empty(), null));
                // Its end is on record: a busy or unavailable failure is not refused again on the way out of the lock.
                throw failed instanceof ServerBusy || failed instanceof PlatformUnavailable ? new AlreadyAudited(failed) : failed;
            } catch (RuntimeException storeDown) {
                writer.appendOrDefer(event(new Outcome.Unresolved(ReasonCode.PLATFORM_UNAVAILABLE,
                        "the platform's store failed during the change; reconciliation establishes whether it took "
                                + "effect"), OptionalInt.empty(), null));
                // Already audited: not to be recorded again as a refusal on the way out of the lock. Not "try again":
                // the change may be stored, and a retry as told would make a second (ADR 0023, amended in session 44).
                throw new AlreadyAudited(new PlatformOutcomeUnknown("the platform's store failed while committing the "
                        + "change, so it may have taken effect; read what it changes (the hold, the server) before trying "
                        + "again", storeDown));
            }
            writer.appendOrDefer(event(new Outcome.Completed(), OptionalInt.empty(), null));
            return result;
        }

        private <T> T locked(Supplier<T> work) {
            ServerId target = server.orElseThrow(() -> new IllegalStateException("an attempt runs on a server"));
            Supplier<T> inner = work;
            // A lock this thread already holds for an enclosing attempt is not taken again: a scheduled
            // run's rotation deletes under the lock its create holds (ADR 0028). The lock is not reentrant.
            Map<ServerId, ServerLock.Hold> mine = HELD.get();
            List<ServerId> toTake = Stream.concat(Stream.of(target), alsoLocked.stream()).distinct()
                    .filter(id -> !mine.containsKey(id)).toList();
            if (!toTake.isEmpty()) {
                // All at once, in id order (ADR 0026): one change, never holding one server's lock while it waits for
                // the store's means to take the other's (ADR 0023, amended in session 45).
                Supplier<T> within = inner;
                inner = () -> lock.callHoldingAll(toTake, hold -> {
                    toTake.forEach(id -> mine.put(id, hold));
                    try {
                        return within.get();
                    } finally {
                        toTake.forEach(mine::remove);
                    }
                });
            }
            try {
                return inner.get();
            } catch (ServerBusy | PlatformUnavailable notNow) {
                // A refusal (REJECTED) only before the intent: after it, a second final outcome would contradict the
                // one written where it failed, or the reconciliation that settles an intent left without one. Nor when
                // the thread was interrupted (a stop cut the lock's wait short): nothing was done, and no other request
                // kept this one out, so "busy" would be a false record (and a false request.rejected webhook).
                throw intentOnRecord || Thread.currentThread().isInterrupted() ? notNow : refuse(notNow);
            }
        }

        /**
         * Runs the check under the lock. A read of the provider that fails is audited FAILED (nothing
         * was asked of it); a refusal or a denial is audited REJECTED; each is thrown. In an approved run, a failure of no
         * domain type is {@code PlatformUnavailable}, "not now", with nothing written (ADR 0040, amended in session 47).
         */
        private void requireAllowed(Supplier<Decision> check) {
            Decision decision;
            try {
                decision = check.get();
            } catch (ProviderFailure failure) {
                if (!notNowInApprovedRun(failure)) {
                    writer.appendOrDefer(failedEvent(failure));
                }
                throw failure;
            } catch (CheckFailed failed) {
                if (!notNowInApprovedRun(failed)) {
                    writer.appendOrDefer(event(new Outcome.Failed(failed.reason(),
                            truncate(failed.getMessage(), Outcome.MAX_CAUSE_LENGTH)), OptionalInt.empty(), null));
                }
                throw failed;
            } catch (RecoveryException refusal) {
                RecoveryException refused = refuse(refusal);
                // Its REJECTED is written: a busy or unavailable refusal is not refused again on the way out of the lock.
                throw refused instanceof ServerBusy || refused instanceof PlatformUnavailable
                        ? new AlreadyAudited(refused) : refused;
            } catch (RuntimeException failed) {
                Optional<RecoveryOperation> approved = approvedRun(context.operationId());
                if (approved.isEmpty() || failed instanceof AlreadyAudited) {
                    throw failed;
                }
                // An approved run's check failing with no domain type (a store's read the adapter could not name):
                // no rule refused it and nothing was asked of VPS.org, so it is "not now", never the approver's 500
                // nor the job's round thrown: nothing recorded, tried again until its run-by time (ADR 0040, amended
                // in session 47). Not refused again on the way out of the lock.
                LOG.log(System.Logger.Level.WARNING, "approved operation {0} ({1}) could not be checked now: {2}; it is "
                        + "tried again", approved.get().id(), operation, failed.toString());
                throw new AlreadyAudited(new PlatformUnavailable("the platform could not check the operation now, so "
                        + "VPS.org was not called; it is tried again", HISTORY_RETRY_AFTER, failed));
            }
            if (decision instanceof Decision.Denied denied) {
                throw rejected(denied.reason(), denied.detail(),
                        new RecoveryDenied(denied.reason(), denied.detail(), denied.retryAt()));
            }
        }

        /** The intent, durably, before anything is done; if the history cannot take it, nothing is done. */
        private void appendIntent(String otherwise) {
            appendIntent(event(new Outcome.Accepted(), OptionalInt.empty(), null), otherwise);
        }

        /**
         * The intent of an operation already stored: if the history cannot take it, the operation must not stay open
         * without it, so it is ended at once ({@code FAILED}, written when the history can) and nothing is asked of
         * VPS.org.
         */
        private void appendIntentOrEnd(AuditEvent intent, RecoveryOperation stored, String otherwise) {
            try {
                appendIntent(intent, otherwise);
            } catch (RecoveryException noIntent) {
                String why = "its intent could not be recorded, so " + otherwise;
                writer.appendOrDefer(event(new Outcome.Failed(ReasonCode.PLATFORM_UNAVAILABLE, why), OptionalInt.empty(), null));
                move(stored, stored.state() == OperationState.ACCEPTED
                        ? stored.refused(clock.instant(), why) : stored.safetySnapshotFailed(clock.instant(), why));
                throw new AlreadyAudited(noIntent);
            }
        }

        private void appendIntent(AuditEvent intent, String otherwise) {
            try {
                writer.appendNow(intent);
                intentOnRecord = true;
            } catch (RecoveryException expected) {
                throw expected;
            } catch (RuntimeException historyDown) {
                // Nothing was asked of VPS.org, and this attempt never will be (an operation stored before the intent
                // is ended so): a retry may run as a first request (ADR 0027, amended session 38).
                throw PlatformUnavailable.attemptEndedBeforeTheProvider("the audit history cannot record the intent "
                        + "now, so " + otherwise + "; try again shortly", HISTORY_RETRY_AFTER, historyDown);
            }
        }

        private <T> T checkThenCall(Supplier<Decision> check, Supplier<T> call,
                                    Function<T, Optional<ResourceRef>> produced) {
            requireAllowed(check);
            // A lock lost during the check (its VPS.org read may be long) ends the attempt here, REJECTED, no intent.
            requireLocksStillHeld("VPS.org was not called");
            detail.put(AuditEvent.ATTEMPT_ID, context.operationId().toString());
            Supplier<RecoveryOperation> fresh = () -> RecoveryOperation.accepted(context.operationId(), context.team(),
                    context.requestId(), operation, target(), resource, resourceServer, clock.instant(),
                    deadlines.of(operation));
            if (approvedRun(context.operationId()).isPresent()) {
                return call(startApproved(fresh, "VPS.org was not called"), call, produced);
            }
            // The intent's instant first, so the tracker's search from the operation's accepted_at finds it.
            AuditEvent intent = event(new Outcome.Accepted(), OptionalInt.empty(), null);
            RecoveryOperation accepted = fresh.get();
            // Stored unflushed before the intent (ADR 0084): the intent's durable append flushes both, so the intent
            // and its operation are on disk before VPS.org is called, for one waited flush instead of two.
            try {
                operations.addUnflushed(accepted);
            } catch (RuntimeException storeDown) {
                // No intent yet: refused (REJECTED on the way out of the lock), as when the history cannot take it.
                // A row that landed with its answer lost has no intent: the tracker ends it "not called" (ADR 0084).
                throw PlatformUnavailable.attemptEndedBeforeTheProvider("the platform cannot store the operation now, "
                        + "so VPS.org was not called; try again shortly", HISTORY_RETRY_AFTER, storeDown);
            }
            appendIntentOrEnd(intent, accepted, "VPS.org was not called");
            return call(accepted, call, produced);
        }

        /**
         * An approved operation's run really starts (ADR 0040): moved over the claimed approved version first,
         * then its intent. A store that cannot take the move, or a run ended elsewhere first, writes nothing (the
         * operation stays as it was, tried again or ended by whoever moved it). An intent the history cannot take
         * after the move ends the run: {@code FAILED}, written when the history can, and nothing is asked of VPS.org.
         */
        private RecoveryOperation startApproved(Supplier<RecoveryOperation> fresh, String otherwise) {
            ApprovedRunClaim claim = approvedClaim(context.operationId()).orElseThrow();
            RecoveryOperation approved = claim.operation();
            RecoveryOperation run = fresh.get();
            Optional<RecoveryOperation> moved;
            try {
                moved = claim.move(held -> held.run(run));
            } catch (RuntimeException storeDown) {
                LOG.log(System.Logger.Level.WARNING, "approved operation {0} ({1}) did not start now: the platform "
                        + "cannot store it; it is tried again", approved.id(), operation);
                throw new AlreadyAudited(new PlatformUnavailable("the platform cannot store the operation now, so "
                        + otherwise + "; it is tried again", HISTORY_RETRY_AFTER, storeDown));
            }
            if (moved.isEmpty()) {
                throw new AlreadyAudited(new RecoveryDenied(ReasonCode.APPROVAL_ALREADY_DECIDED,
                        "operation " + approved.id() + " was ended elsewhere first; nothing was done"));
            }
            RecoveryOperation started = moved.get();
            appendIntentOrEnd(event(new Outcome.Accepted(), OptionalInt.empty(), null), started, otherwise);
            return started;
        }

        private <T> T call(RecoveryOperation accepted, Supplier<T> call, Function<T, Optional<ResourceRef>> produced) {
            // The point of no return: a lock lost since the check may be another request's now, which may have read the
            // same room and be calling too. Not called, so the intent's end is FAILED (the one final outcome). After the
            // call a lost lock changes nothing: what VPS.org answered is recorded as it stands.
            try {
                requireLocksStillHeld("VPS.org was not called");
            } catch (PlatformUnavailable lost) {
                writer.appendOrDefer(event(new Outcome.Failed(lost.reason(), truncate(lost.getMessage(),
                        Outcome.MAX_CAUSE_LENGTH)), OptionalInt.empty(), null));
                move(accepted, accepted.refused(clock.instant(), lost.getMessage()));
                throw new AlreadyAudited(lost);
            }
            T result;
            try {
                result = call.get();
            } catch (ProviderFailure failure) {
                if (failure.outcomeUnknown()) {
                    writer.appendOrDefer(unresolvedEvent(failure));
                    move(accepted, accepted.answerLost(clock.instant(), failure.getMessage()));
                } else {
                    writer.appendOrDefer(failedEvent(failure));
                    move(accepted, accepted.refused(clock.instant(), failure.getMessage()));
                }
                // Named by the operation stored before the call: the facade tells the caller which one to follow
                // without reading the store again (ADR 0023, amended in session 40).
                throw failure.ofOperation(accepted.id());
            } catch (RuntimeException unexpected) {
                // We do not know how far the call got: say so, and let the tracker look.
                String why = "the call ended in " + unexpected.getClass().getSimpleName() + "; VPS.org may have acted";
                writer.appendOrDefer(event(new Outcome.Unresolved(ReasonCode.INTERNAL_ERROR, why), OptionalInt.empty(), null));
                move(accepted, accepted.answerLost(clock.instant(), why));
                throw unexpected;
            }
            produced.apply(result).ifPresent(made -> resource = Optional.of(made));
            // Taken, not done: the tracker follows it at VPS.org to its end.
            writer.appendOrDefer(event(new Outcome.Submitted(), OptionalInt.empty(), null));
            // Unflushed (ADR 0083): lost in a crash, the operation stays accepted and the tracker finds it at VPS.org.
            moveUnflushed(accepted, accepted.taken(resource, clock.instant(), "VPS.org took it"));
            return result;
        }

        /**
         * Every lock this attempt runs under (its own, or the enclosing attempt's it runs within) still held, as its
         * {@link ServerLock.Hold} knows without asking the database in the common case (ADR 0023, amended in session
         * 40); else {@code PlatformUnavailable} {@code SERVER_LOCK_LOST}, with nothing asked of VPS.org.
         */
        private void requireLocksStillHeld(String otherwise) {
            Map<ServerId, ServerLock.Hold> mine = HELD.get();
            for (ServerId id : Stream.concat(server.stream(), alsoLocked.stream()).distinct().toList()) {
                ServerLock.Hold hold = mine.get(id);
                if (hold != null && !hold.stillHeld()) {
                    throw PlatformUnavailable.serverLockLost("server " + id + "'s lock was lost while this request "
                            + "held it (its database session ended), so another request may hold it now; " + otherwise
                            + "; try again shortly", LOCK_LOST_RETRY_AFTER);
                }
            }
        }

        private ServerId target() {
            return server.orElseThrow(() -> new IllegalStateException("an attempt runs on a server"));
        }

        /** A store that cannot take the move leaves the operation as it was: the tracker then looks at VPS.org. */
        private void move(RecoveryOperation from, RecoveryOperation next) {
            try {
                operations.update(from, next);
            } catch (RuntimeException storeDown) {
                // Deliberately swallowed: the caller's answer does not depend on it (see the tracker).
            }
        }

        /** As {@link #move}, for a move the tracker redoes if a crash loses it. */
        private void moveUnflushed(RecoveryOperation from, RecoveryOperation next) {
            try {
                operations.updateUnflushed(from, next);
            } catch (RuntimeException storeDown) {
                // Deliberately swallowed, as in move.
            }
        }

        /**
         * A call that never left the platform is recorded "not sent", whatever the adapter's text: after an intent
         * ({@code ACCEPTED}, "about to be called") the history must not read as a call VPS.org failed (ADR 0010,
         * amended in session 52).
         */
        private AuditEvent failedEvent(ProviderFailure failure) {
            return event(new Outcome.Failed(failure.reason(), failedCause(failure)), failure.providerStatus(), null);
        }

        private AuditEvent unresolvedEvent(ProviderFailure failure) {
            return event(new Outcome.Unresolved(failure.reason(), truncate(failure.getMessage(), Outcome.MAX_CAUSE_LENGTH)),
                    failure.providerStatus(), null);
        }

        private AuditEvent event(Outcome outcome, OptionalInt providerStatus, String message) {
            Map<String, String> facts = new LinkedHashMap<>(detail);
            if (message != null) {
                facts.put(AuditEvent.MESSAGE, AuditEvent.detailValue(message));
            }
            context.actor().into(facts);
            return new AuditEvent(clock.instant(), context.team(), context.requestId(), operation, server,
                    resource, outcome, providerStatus, facts);
        }
    }

    /** Whose last check {@link Attempt#runDenyingEarly} remembers: one operation on one server. */
    private record LastCheck(ServerId server, Operation operation) {
    }

    /**
     * Thrown by a check when something it had to do first did not happen (a policy run's rotation delete, refused or
     * failed): no rule refused the attempt and nothing was asked of VPS.org, so it is audited {@code FAILED} (not
     * {@code REJECTED}) with the reason of what did not happen, and may be tried again.
     */
    public static final class CheckFailed extends RecoveryException {

        public CheckFailed(String message, RecoveryException cause) {
            super(cause.reason(), message, cause);
        }
    }

    /** Carries a failure already written to the history through the lock's own failure handling. */
    private static final class AlreadyAudited extends RuntimeException {
        private final RecoveryException failure;

        AlreadyAudited(RecoveryException failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    /** How a failed event's cause begins when the call never left the platform (session 52). */
    static final String NOT_SENT = "not sent (the call never left this instance): ";

    /**
     * The cause a failed event of {@code failure} records, at most {@link Outcome#MAX_CAUSE_LENGTH} long: {@link
     * #NOT_SENT} first for a call that never left the platform, wherever the event is written (a restore asked after
     * its safety snapshot too), so that the history does not read as a call VPS.org failed (ADR 0010, session 52).
     */
    public static String failedCause(ProviderFailure failure) {
        return truncate(failure.neverSent() ? NOT_SENT + failure.getMessage() : failure.getMessage(),
                Outcome.MAX_CAUSE_LENGTH);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
