package org.vpsrecovery.application.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ReconcilePendingIntentsService;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.testing.DailyRunCalendar;
import org.vpsrecovery.domain.testing.InMemoryRecoveryPolicies;
import org.vpsrecovery.domain.testing.InMemoryServerLock;

/**
 * A policy change leaves no gap between its row and its audit (ADR 0036): the intent, with its actor and
 * diff, is on record before the row is written; if the instance dies between, or the store fails,
 * reconciliation reads the row and writes how the change ended.
 */
class PolicyChangeIntentsTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final InMemoryRecoveryPolicies rows = new InMemoryRecoveryPolicies();
    /** What the store does at its next write: nothing odd, fail before writing, write then fail, or die after writing. */
    private Fault next = Fault.NONE;
    private final ReconcilePendingIntentsService reconciler = new ReconcilePendingIntentsService(platform.history,
            platform.provider, platform.provider, new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock,
            Duration.ofMinutes(5), ServerStates.DOCUMENTED_RESTORE_WINDOW, platform.operations, platform.holds,
            new PolicyIntents(rows, platform.history));

    private enum Fault { NONE, FAIL_BEFORE, FAIL_AFTER, DIE_AFTER, DIE_BEFORE }

    /** The instance dying: nothing after this runs, as with a killed process. */
    private static final class Died extends Error {
    }

    private final RecoveryPolicies store = new RecoveryPolicies() {
        private <T> T write(java.util.function.Supplier<T> work) {
            Fault now = next;
            next = Fault.NONE;
            if (now == Fault.FAIL_BEFORE) {
                throw new IllegalStateException("connection refused");
            }
            if (now == Fault.DIE_BEFORE) {
                throw new Died();
            }
            T done = work.get();
            if (now == Fault.FAIL_AFTER) {
                throw new IllegalStateException("connection reset after commit");
            }
            if (now == Fault.DIE_AFTER) {
                throw new Died();
            }
            return done;
        }

        public void add(RecoveryPolicy policy) {
            write(() -> {
                rows.add(policy);
                return true;
            });
        }

        public boolean addWithin(RecoveryPolicy policy, int teamLimit) {
            return write(() -> rows.addWithin(policy, teamLimit));
        }

        public Optional<RecoveryPolicy> find(TeamId team, PolicyId id) {
            return rows.find(team, id);
        }

        public List<RecoveryPolicy> list(TeamId team, Optional<PolicyId> after, int limit) {
            return rows.list(team, after, limit);
        }

        public int count(TeamId team) {
            return rows.count(team);
        }

        public boolean update(RecoveryPolicy from, RecoveryPolicy to) {
            return write(() -> rows.update(from, to));
        }

        public boolean remove(RecoveryPolicy at) {
            return write(() -> rows.remove(at));
        }
    };
    private final ManagePoliciesService policies = new ManagePoliciesService(store, platform.ownership,
            new DailyRunCalendar(), platform.auditWriter, platform.clock);

    private static PolicySpec nightly(int keepLast) {
        return new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT,
                new PolicySchedule("0 3 * * *", ZoneId.of("UTC")), new NameTemplate("nightly-{server_id}-{date}"),
                new RetentionRules(keepLast, Duration.ZERO, 0, 0, 0, 0, false));
    }

    private List<Outcome.Kind> outcomes() {
        return platform.history.all().stream().filter(e -> e.operation().isPolicy()).map(e -> e.outcome().kind()).toList();
    }

    private AuditEvent last() {
        return platform.history.all().getLast();
    }

    private int reconcileLater() {
        platform.clock.advance(Duration.ofMinutes(10));
        return reconciler.reconcile(100);
    }

    @Test
    void anInstanceDyingBetweenTheIntentAndTheWriteLeavesAnIntentThatReconciliationFails() {
        RecoveryPolicy created = policies.create(platform.as(BLUE), nightly(2));
        next = Fault.DIE_BEFORE;

        org.vpsrecovery.domain.audit.Actor alice = org.vpsrecovery.domain.audit.Actor.of("alice",
                org.vpsrecovery.domain.audit.Actor.Authentication.JWT, "rsa-current");
        CallContext byAlice = platform.as(BLUE);
        CallContext asAlice = new CallContext(byAlice.team(), byAlice.requestId(), byAlice.operationId(), alice);

        assertThatThrownBy(() -> policies.update(asAlice, created.id(), OptionalLong.of(1), nightly(3)))
                .isInstanceOf(Died.class);
        assertThat(outcomes()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED, Outcome.Kind.ACCEPTED);
        // The change is on record with its actor and diff, though it never reached the row.
        assertThat(last().detail()).containsEntry("version", "2").containsEntry("actor", "team:blue")
                .containsKey("retention");

        AuditEvent intent = last();
        assertThat(reconcileLater()).isOne();
        assertThat(last().outcome()).isInstanceOf(Outcome.Failed.class);
        assertThat(last().detail()).containsEntry(ReconcilePendingIntentsService.RECONCILED, "true");
        // Settled by the platform, like every reconciled end; the requester stays on the intent.
        assertThat(org.vpsrecovery.domain.audit.Actor.of(last())).contains(org.vpsrecovery.domain.audit.Actor.SYSTEM);
        assertThat(org.vpsrecovery.domain.audit.Actor.of(intent)).contains(alice);
        assertThat(policies.get(BLUE, created.id()).version()).isOne();
        assertThat(reconcileLater()).isZero();
    }

    @Test
    void anInstanceDyingAfterTheWriteLeavesAnIntentThatReconciliationCompletes() {
        next = Fault.DIE_AFTER;

        assertThatThrownBy(() -> policies.create(platform.as(BLUE), nightly(2))).isInstanceOf(Died.class);
        assertThat(outcomes()).containsExactly(Outcome.Kind.ACCEPTED);
        RecoveryPolicy stored = policies.list(BLUE, Optional.empty(), 10).items().getFirst();
        next = Fault.DIE_AFTER;
        assertThatThrownBy(() -> policies.delete(platform.as(BLUE), stored.id(), OptionalLong.empty())).isInstanceOf(Died.class);

        assertThat(reconcileLater()).isEqualTo(2);
        assertThat(outcomes()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED,
                Outcome.Kind.COMPLETED);
    }

    @Test
    void aStoreFailingDuringTheWriteIsUnresolvedAndSettledFromTheRow() {
        RecoveryPolicy created = policies.create(platform.as(BLUE), nightly(2));
        // A failure of no domain type may come after the commit: not "try again shortly" (PLATFORM_UNAVAILABLE), but
        // look first (PLATFORM_OUTCOME_UNKNOWN, session 44), whether or not the row was in fact written.
        next = Fault.FAIL_BEFORE;
        assertThatThrownBy(() -> policies.update(platform.as(BLUE), created.id(), OptionalLong.of(1), nightly(3)))
                .isInstanceOf(PlatformOutcomeUnknown.class);
        next = Fault.FAIL_AFTER;
        assertThatThrownBy(() -> policies.update(platform.as(BLUE), created.id(), OptionalLong.of(1), nightly(4)))
                .isInstanceOf(PlatformOutcomeUnknown.class);

        assertThat(outcomes()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED, Outcome.Kind.ACCEPTED,
                Outcome.Kind.UNRESOLVED, Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        assertThat(reconcileLater()).isEqualTo(2);
        // The first never reached the row, the second did: the row is at version 2, keeping four.
        assertThat(outcomes().subList(6, 8)).containsExactly(Outcome.Kind.FAILED, Outcome.Kind.COMPLETED);
        assertThat(policies.get(BLUE, created.id()).spec().retention().keepLast()).isEqualTo(4);
    }

    @Test
    void anUpdateThatLostTheRaceAfterItsIntentIsFailedAtOnce() {
        RecoveryPolicy created = policies.create(platform.as(BLUE), nightly(2));
        // Another instance's update lands between this one's read and its write.
        RecoveryPolicy[] racing = new RecoveryPolicy[1];
        ManagePoliciesService racer = new ManagePoliciesService(new RecoveryPolicies() {
            public void add(RecoveryPolicy policy) {
                store.add(policy);
            }

            public boolean addWithin(RecoveryPolicy policy, int teamLimit) {
                return store.addWithin(policy, teamLimit);
            }

            public Optional<RecoveryPolicy> find(TeamId team, PolicyId id) {
                Optional<RecoveryPolicy> read = store.find(team, id);
                if (racing[0] == null) {
                    racing[0] = policies.update(platform.as(BLUE), created.id(), OptionalLong.of(1), nightly(5));
                }
                return read;
            }

            public List<RecoveryPolicy> list(TeamId team, Optional<PolicyId> after, int limit) {
                return store.list(team, after, limit);
            }

            public int count(TeamId team) {
                return store.count(team);
            }

            public boolean update(RecoveryPolicy from, RecoveryPolicy to) {
                return store.update(from, to);
            }

            public boolean remove(RecoveryPolicy at) {
                return store.remove(at);
            }
        }, platform.ownership, new DailyRunCalendar(), platform.auditWriter, platform.clock);

        assertThatThrownBy(() -> racer.update(platform.as(BLUE), created.id(), OptionalLong.of(1), nightly(3)))
                .isInstanceOf(org.vpsrecovery.domain.common.RecoveryDenied.class);

        assertThat(last().outcome()).isInstanceOf(Outcome.Failed.class);
        assertThat(reconcileLater()).isZero();
        assertThat(policies.get(BLUE, created.id()).spec().retention().keepLast()).isEqualTo(5);
    }
}
