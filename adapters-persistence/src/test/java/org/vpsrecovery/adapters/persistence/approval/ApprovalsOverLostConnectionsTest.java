package org.vpsrecovery.adapters.persistence.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.application.approval.ApprovalSettings;
import org.vpsrecovery.application.approval.ApprovalsService;
import org.vpsrecovery.application.approval.DecideApprovalCommand;
import org.vpsrecovery.application.approval.RunClaimRenewals;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.TrackingDeadlines;
import org.vpsrecovery.application.change.Gated;
import org.vpsrecovery.application.change.PendingChangesService;
import org.vpsrecovery.application.hold.RecoveryPointHoldService;
import org.vpsrecovery.application.policy.ManagePoliciesService;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.AdjustableClock;
import org.vpsrecovery.domain.testing.DailyRunCalendar;
import org.vpsrecovery.domain.testing.FixedServerOwnership;
import org.vpsrecovery.domain.testing.ForwardingRecoveryPolicies;
import org.vpsrecovery.domain.testing.InMemoryAuditHistory;
import org.vpsrecovery.domain.testing.InMemoryRecoveryOperations;
import org.vpsrecovery.domain.testing.InMemoryRecoveryPointHolds;
import org.vpsrecovery.domain.testing.InMemoryServerLock;
import org.vpsrecovery.domain.testing.InMemoryVpsOrg;

/**
 * The approvals' writes and reads that came after the decision's own (ADR 0023, amended in session 46), over the
 * operations' and changes' rows in PostgreSQL: a connection lost under them (its backend ended by
 * {@code pg_terminate_backend} while the statement waits for a lock another session holds, as a restart or a failover
 * ends it) is answered what is true, never a failure of no domain type (a 500) nor a 503 "nothing was done, try again".
 */
class ApprovalsOverLostConnectionsTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final TeamId BLUE = new TeamId("blue");
    private static final ServerId WEB = new ServerId(12345);
    private static final Duration LIMIT = Duration.ofMinutes(30);
    private static final Actor ALICE = Actor.of("alice", Actor.Authentication.JWT, "k1");
    private static final Actor BOB = Actor.of("bob", Actor.Authentication.JWT, "k1");

    private final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final InMemoryAuditHistory history = new InMemoryAuditHistory();
    private final AuditWriter writer = new AuditWriter(history);
    private final ExecutorService deciders = Executors.newSingleThreadExecutor();
    private int requests;

    @AfterEach
    void stopDeciders() throws InterruptedException {
        deciders.shutdownNow();
        deciders.awaitTermination(60, TimeUnit.SECONDS);
    }

    private CallContext as(Actor actor) {
        return new CallContext(BLUE, new RequestId("req-" + (++requests)), OperationId.random(), actor);
    }

    private ApplicationContext adapters() {
        return contexts.on(DATABASE.database());
    }

    private ApprovalsService approvals(RecoveryOperations operations, AtomicInteger deletesAsked,
                                       RunClaimRenewals renewals) {
        AuditedAttempts attempts = new AuditedAttempts(writer, operations, new InMemoryServerLock(Duration.ofSeconds(1)),
                clock, TrackingDeadlines.DEFAULTS);
        return new ApprovalsService(operations, attempts, writer, clock, command -> deletesAsked.incrementAndGet(),
                command -> {
                    throw new UnsupportedOperationException("a snapshot's delete is asked here");
                }, command -> {
                    throw new UnsupportedOperationException("a snapshot's delete is asked here");
                }, command -> {
                    throw new UnsupportedOperationException("a snapshot's delete is asked here");
                }, renewals);
    }

    private RecoveryOperation askedToDelete(RecoveryOperations operations) {
        RequestId asked = new RequestId("req-" + (++requests));
        Instant now = clock.instant();
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, asked,
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                Approval.requested(ALICE, now, now.plus(LIMIT), false));
        operations.add(pending, new ApprovalStep(Operation.REQUEST_APPROVAL, asked));
        return pending;
    }

    private List<String> stepsOf(OperationId id) {
        return history.all().stream().filter(e -> id.toString().equals(e.detail().get(AuditEvent.APPROVAL_OF)))
                .map(e -> e.operation() + " " + e.outcome() + " " + Actor.of(e).map(Actor::subject).orElse("-")).toList();
    }

    /**
     * The expiry a decider's request writes first loses its connection (it may have committed): the decision is
     * refused APPROVAL_EXPIRED all the same, its time having passed, and audited so; the settle job expires it. It was a
     * failure of no domain type, a 500.
     */
    @Test
    void aDecisionWhoseExpiryLostItsConnectionIsRefusedExpiredAndTheJobExpiresIt() throws Exception {
        RecoveryOperations operations = adapters().getBean(RecoveryOperations.class);
        AtomicInteger deletesAsked = new AtomicInteger();
        ApprovalsService approvals = approvals(operations, deletesAsked, RunClaimRenewals.onAVirtualThread());
        RecoveryOperation pending = askedToDelete(operations);
        clock.advance(LIMIT.plusSeconds(1));
        // Its request on record and no longer owed, so the only write the decision makes is the expiry (session 51: a
        // decision writes an owed request first).
        assertThat(approvals.writeOwedEvents()).isOne();

        try (Connection holder = DATABASE.dataSource().getConnection();
             Connection observer = DATABASE.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            execute(holder, "SELECT 1 FROM recovery_operation WHERE id = '" + pending.id().value() + "' FOR UPDATE");
            Future<RecoveryOperation> deciding = deciders.submit(() -> approvals.decide(
                    new DecideApprovalCommand(as(BOB), pending.id(), Verdict.APPROVE, Optional.empty())));
            endTheSessionWaiting(observer, "UPDATE recovery_operation%");

            assertThatThrownBy(() -> deciding.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RecoveryDenied.class,
                            refused -> assertThat(refused.reason()).isEqualTo(ReasonCode.APPROVAL_EXPIRED));
            holder.rollback();
        }
        assertThat(operations.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.PENDING_APPROVAL);
        assertThat(stepsOf(pending.id())).containsExactly("REQUEST_APPROVAL " + new Outcome.Completed() + " alice",
                "APPROVE_OPERATION " + new Outcome.Rejected(ReasonCode.APPROVAL_EXPIRED) + " bob");

        approvals.settle();

        assertThat(operations.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.EXPIRED);
        assertThat(stepsOf(pending.id())).anySatisfy(step -> assertThat(step).startsWith("EXPIRE_APPROVAL " + new Outcome.Completed()));
        assertThat(deletesAsked).hasValue(0);
    }

    /**
     * The approved operation ran (VPS.org was asked), then the read of it as stored lost its connection: the approver is
     * answered the operation as the run's claim last stored it. It was a failure of no domain type here (a 500), or a
     * 503 "try again" for a decision made and a run done, whose retry is refused APPROVAL_ALREADY_DECIDED.
     */
    @Test
    void aRunWhoseLastReadLostItsConnectionIsAnsweredAsItsClaimStoredIt() throws Exception {
        RecoveryOperations operations = adapters().getBean(RecoveryOperations.class);
        AtomicInteger deletesAsked = new AtomicInteger();
        try (Connection holder = DATABASE.dataSource().getConnection();
             Connection observer = DATABASE.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            // Once the run is over (its renewals stopped just before its last read), the table is locked.
            RunClaimRenewals lockedWhenTheRunEnds = (every, renew) -> () -> execute(holder,
                    "LOCK TABLE recovery_operation IN ACCESS EXCLUSIVE MODE");
            ApprovalsService approvals = approvals(operations, deletesAsked, lockedWhenTheRunEnds);
            RecoveryOperation pending = askedToDelete(operations);
            // Its request on record first: within the grace a decision on a request the history does not hold yet is
            // put off (own-merge review, session 51), and this test is about the run's last read.
            clock.advance(ApprovalsService.OWED_EVENT_GRACE);
            assertThat(approvals.writeOwedEvents()).isOne();

            Future<RecoveryOperation> deciding = deciders.submit(() -> approvals.decide(
                    new DecideApprovalCommand(as(BOB), pending.id(), Verdict.APPROVE, Optional.empty())));
            // The read's text names its table past pg_stat_activity's 1024 characters: known by its alias.
            endTheSessionWaiting(observer, "SELECT operation\\_row\\_.%");

            RecoveryOperation answered = deciding.get(60, TimeUnit.SECONDS);
            holder.rollback();

            RecoveryOperation stored = operations.find(pending.id()).orElseThrow();
            assertThat(answered.state()).isEqualTo(stored.state()).isEqualTo(OperationState.APPROVED);
            assertThat(answered.version()).isEqualTo(stored.version());
            assertThat(deletesAsked).hasValue(1);
        }
    }

    /**
     * An approved policy create is applied by the approver's request, then the change's final write loses its
     * connection (it may have committed): 504 PLATFORM_OUTCOME_UNKNOWN saying it was applied and may read approved;
     * the settle job, once the claim passed, finds it applied and completes it, the policy created once. It was a
     * failure of no domain type, a 500.
     */
    @Test
    void anAppliedChangeWhoseEndLostItsConnectionIsInDoubtAndTheJobCompletesIt() throws Exception {
        ApplicationContext adapters = adapters();
        PendingChanges store = adapters.getBean(PendingChanges.class);
        RecoveryPolicies policyRows = adapters.getBean(RecoveryPolicies.class);
        try (Connection holder = DATABASE.dataSource().getConnection();
             Connection observer = DATABASE.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            AtomicBoolean lockOnCreate = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<OperationId> changeToLock =
                    new java.util.concurrent.atomic.AtomicReference<>();
            // Once the policy is created, the change's row is locked: its final write waits, and is ended.
            RecoveryPolicies lockingOnCreate = new ForwardingRecoveryPolicies(policyRows) {
                @Override
                public boolean addWithin(RecoveryPolicy policy, int teamLimit) {
                    boolean added = super.addWithin(policy, teamLimit);
                    if (lockOnCreate.compareAndSet(true, false)) {
                        execute(holder, "SELECT 1 FROM pending_change WHERE id = '" + changeToLock.get().value()
                                + "' FOR UPDATE");
                    }
                    return added;
                }
            };
            PendingChangesService changes = changes(store, lockingOnCreate);
            PendingChange pending = waiting(changes.createPolicy(as(ALICE), nightly()));
            changeToLock.set(pending.id());
            lockOnCreate.set(true);

            Future<PendingChange> deciding = deciders.submit(() -> changes.decide(
                    new DecideApprovalCommand(as(BOB), pending.id(), Verdict.APPROVE, Optional.empty())));
            endTheSessionWaiting(observer, "UPDATE pending_change%");

            assertThatThrownBy(() -> deciding.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(PlatformOutcomeUnknown.class, e -> {
                        assertThat(e.changeEnd()).contains(new PlatformOutcomeUnknown.ChangeEnd(
                                new PlatformOutcomeUnknown.StoredRequest(
                                        PlatformOutcomeUnknown.StoredRequest.Kind.CHANGE, pending.id()), true));
                        assertThat(e.getMessage()).contains("change " + pending.id() + " was applied");
                    });
            holder.rollback();

            assertThat(store.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.APPROVED);
            assertThat(policyRows.list(BLUE, Optional.empty(), 10)).hasSize(1);

            clock.advance(PendingChangesService.CLAIM);
            changes.settle();

            assertThat(store.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.COMPLETED);
            assertThat(policyRows.list(BLUE, Optional.empty(), 10)).singleElement()
                    .satisfies(policy -> assertThat(policy.version()).isEqualTo(1));
            assertThat(history.all()).noneMatch(e -> e.outcome().kind() == Outcome.Kind.REJECTED);
        }
    }

    /**
     * A read whose backend is ended under it (a restart, a failover) is the database out of reach: 503 with Retry-After.
     * HikariCP, having evicted the connection on the statement's 57P01, answers the transaction's end on it with its own
     * {@code SQLException("Connection is closed")}, no SQLState, which Micronaut Data throws in place of the 57P01: that
     * was a failure of no domain type, a 500 (ADR 0023, amended in session 46, closedconn).
     */
    @Test
    void aReadWhoseBackendWasEndedUnderItIsThePlatformUnavailable() throws Exception {
        RecoveryOperations operations = adapters().getBean(RecoveryOperations.class);
        RecoveryOperation pending = askedToDelete(operations);
        try (Connection holder = DATABASE.dataSource().getConnection();
             Connection observer = DATABASE.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            execute(holder, "LOCK TABLE recovery_operation IN ACCESS EXCLUSIVE MODE");
            Future<Optional<RecoveryOperation>> reading = deciders.submit(() -> operations.find(pending.id()));
            endTheSessionWaiting(observer, "SELECT operation\\_row\\_.%");

            assertThatThrownBy(() -> reading.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(PlatformUnavailable.class);
            holder.rollback();
        }
        assertThat(operations.find(pending.id())).isPresent();
    }

    /** As for an operation: a change's expiry that lost its connection leaves the decision refused APPROVAL_EXPIRED. */
    @Test
    void aChangesDecisionWhoseExpiryLostItsConnectionIsRefusedExpiredAndTheJobExpiresIt() throws Exception {
        ApplicationContext adapters = adapters();
        PendingChanges store = adapters.getBean(PendingChanges.class);
        PendingChangesService changes = changes(store, adapters.getBean(RecoveryPolicies.class));
        PendingChange pending = waiting(changes.createPolicy(as(ALICE), nightly()));
        clock.advance(LIMIT.plusSeconds(1));
        // Its request's mark cleared, so the only write the decision makes is the expiry (session 51).
        changes.writeOwedEvents();
        assertThat(store.owedApprovalSteps(pending.id())).isEmpty();

        try (Connection holder = DATABASE.dataSource().getConnection();
             Connection observer = DATABASE.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            execute(holder, "SELECT 1 FROM pending_change WHERE id = '" + pending.id().value() + "' FOR UPDATE");
            Future<PendingChange> deciding = deciders.submit(() -> changes.decide(
                    new DecideApprovalCommand(as(BOB), pending.id(), Verdict.APPROVE, Optional.empty())));
            endTheSessionWaiting(observer, "UPDATE pending_change%");

            assertThatThrownBy(() -> deciding.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfSatisfying(RecoveryDenied.class,
                            refused -> assertThat(refused.reason()).isEqualTo(ReasonCode.APPROVAL_EXPIRED));
            holder.rollback();
        }
        assertThat(store.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.PENDING_APPROVAL);

        changes.settle();

        assertThat(store.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.EXPIRED);
        assertThat(stepsOf(pending.id())).anySatisfy(step -> assertThat(step).startsWith("EXPIRE_APPROVAL " + new Outcome.Completed()));
    }

    private PendingChangesService changes(PendingChanges store, RecoveryPolicies policies) {
        FixedServerOwnership ownership = new FixedServerOwnership(Map.of(BLUE, Set.of(WEB)));
        InMemoryVpsOrg vpsOrg = new InMemoryVpsOrg(clock);
        InMemoryRecoveryOperations operations = new InMemoryRecoveryOperations();
        AuditedAttempts attempts = new AuditedAttempts(writer, operations, new InMemoryServerLock(Duration.ofSeconds(1)),
                clock, TrackingDeadlines.DEFAULTS);
        RecoveryPointHoldService holds = new RecoveryPointHoldService(vpsOrg, vpsOrg, ownership, ownership,
                new InMemoryRecoveryPointHolds(), operations, attempts, clock);
        ManagePoliciesService policyService = new ManagePoliciesService(policies, ownership, new DailyRunCalendar(),
                writer, clock);
        ApprovalSettings settings = (team, kind) -> team.equals(BLUE) && PendingChange.KINDS.contains(kind)
                ? Optional.of(LIMIT) : Optional.empty();
        return new PendingChangesService(settings, store, holds, policyService, writer, clock);
    }

    private static PolicySpec nightly() {
        return new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT,
                new PolicySchedule("0 3 * * *", ZoneId.of("UTC")), new NameTemplate("nightly-{server_id}-{date}"),
                new RetentionRules(7, Duration.ZERO, 0, 0, 0, 0, false));
    }

    private static PendingChange waiting(Gated<?> gated) {
        assertThat(gated).isInstanceOf(Gated.Waiting.class);
        return ((Gated.Waiting<?>) gated).change();
    }

    /**
     * Waits (bounded) until a statement of another session matching {@code query} waits for a lock, then ends that
     * session, as PostgreSQL's restart or a failover would: the statement's answer is a lost connection.
     */
    private static void endTheSessionWaiting(Connection observer, String query) throws Exception {
        String waiting = "FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                + " AND ltrim(query) ILIKE '" + query + "' AND pid <> pg_backend_pid()";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (countOn(observer, "SELECT count(*) " + waiting) == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no statement " + query + " waits for a lock; the sessions: " + sessions(observer));
            }
            Thread.sleep(5);
        }
        assertThat(countOn(observer, "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) " + waiting + ") ended"))
                .isEqualTo(1);
    }

    private static List<String> sessions(Connection observer) throws SQLException {
        List<String> sessions = new java.util.ArrayList<>();
        try (Statement statement = observer.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT state, wait_event_type, left(query, 80) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND pid <> pg_backend_pid()")) {
            while (rs.next()) {
                sessions.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return sessions;
    }

    private static long countOn(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void execute(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
