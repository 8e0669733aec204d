package org.vpsrecovery.application.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.GREEN_SERVER;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.KeepReason;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.DailyRunCalendar;
import org.vpsrecovery.domain.testing.ForwardingRecoveryPolicies;
import org.vpsrecovery.domain.testing.InMemoryRecoveryPolicies;

class PolicyServicesTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final InMemoryRecoveryPolicies store = new InMemoryRecoveryPolicies();
    private final ManagePoliciesService policies = new ManagePoliciesService(store, platform.ownership,
            new DailyRunCalendar(), platform.auditWriter, platform.clock);
    private final PlanPolicyService plans = new PlanPolicyService(store, platform.ownership, platform.provider,
            platform.provider, platform.operations, platform.holds, new DailyRunCalendar(), platform.auditWriter, platform.clock);

    private static PolicySpec nightly(RetentionRules retention) {
        return new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT,
                new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")), new NameTemplate("nightly-{server_id}-{date}"),
                retention);
    }

    private static final RetentionRules KEEP_TWO = new RetentionRules(2, Duration.ZERO, 0, 0, 0, 0, false);

    private List<AuditEvent> policyEvents() {
        return platform.history.all().stream().filter(e -> e.operation().isPolicy()).toList();
    }

    private List<AuditEvent> completed() {
        return policyEvents().stream().filter(e -> e.outcome() instanceof Outcome.Completed).toList();
    }

    @Test
    void everyChangeIsANewVersionAuditedWithItsDiff() {
        RecoveryPolicy created = policies.create(platform.as(BLUE), nightly(KEEP_TWO));
        RecoveryPolicy updated = policies.update(platform.as(BLUE), created.id(), OptionalLong.of(1),
                new PolicySpec(PolicyServers.everyOwned(), PolicyKind.SNAPSHOT, created.spec().schedule(),
                        created.spec().nameTemplate(), KEEP_TWO));
        policies.delete(platform.as(BLUE), created.id(), OptionalLong.of(2));

        assertThat(updated.version()).isEqualTo(2);
        // Each change: its intent (with the diff) before the row is written, then its outcome (ADR 0036).
        assertThat(policyEvents()).extracting(AuditEvent::operation)
                .containsExactly(Operation.CREATE_POLICY, Operation.CREATE_POLICY, Operation.UPDATE_POLICY,
                        Operation.UPDATE_POLICY, Operation.DELETE_POLICY, Operation.DELETE_POLICY);
        assertThat(policyEvents()).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED,
                Outcome.Kind.COMPLETED, Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED, Outcome.Kind.ACCEPTED,
                Outcome.Kind.COMPLETED);
        assertThat(completed()).allMatch(e -> e.outcome() instanceof Outcome.Completed
                && e.detail().get("policy_id").equals(created.id().toString()) && e.detail().get("actor").equals("team:blue"));
        assertThat(policyEvents().get(0).detail()).containsEntry("schedule", "0 3 * * * Europe/Berlin")
                .containsEntry(AuditEvent.ATTEMPT_ID, policyEvents().get(1).detail().get(AuditEvent.ATTEMPT_ID));
        AuditEvent update = completed().get(1);
        assertThat(update.detail()).containsEntry("version", "2").containsEntry("servers", "12345 -> all")
                .doesNotContainKeys("kind", "schedule", "retention");
        assertThat(completed().get(0).detail()).containsEntry("schedule", "0 3 * * * Europe/Berlin");
        assertThatThrownBy(() -> policies.get(BLUE, created.id())).isInstanceOf(ResourceNotFound.class);
    }

    /**
     * A created policy's id is its request's operation id: a retry of a request interrupted after the policy was
     * stored (an Idempotency-Key whose lease ended) finds it, and is not run as a second create (IdempotentRequests).
     */
    @Test
    void aPolicysIdIsTheOperationIdOfTheRequestThatCreatedIt() {
        var context = platform.as(BLUE);
        RecoveryPolicy created = policies.create(context, nightly(KEEP_TWO));

        assertThat(created.id().value()).isEqualTo(context.operationId().value());
        assertThat(ManagePoliciesService.idOf(context)).isEqualTo(created.id());
    }

    @Test
    void aStaleOrMissingVersionIsRefusedAndNothingChanges() {
        RecoveryPolicy created = policies.create(platform.as(BLUE), nightly(KEEP_TWO));
        policies.update(platform.as(BLUE), created.id(), OptionalLong.of(1), nightly(RetentionRules.keepAll()));

        assertThatThrownBy(() -> policies.update(platform.as(BLUE), created.id(), OptionalLong.of(1), nightly(KEEP_TWO)))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.POLICY_VERSION_CONFLICT));
        assertThatThrownBy(() -> policies.update(platform.as(BLUE), created.id(), OptionalLong.empty(), nightly(KEEP_TWO)))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.POLICY_VERSION_REQUIRED));
        assertThatThrownBy(() -> policies.delete(platform.as(BLUE), created.id(), OptionalLong.of(1)))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.POLICY_VERSION_CONFLICT));

        assertThat(policies.get(BLUE, created.id()).spec().retention()).isEqualTo(RetentionRules.keepAll());
        // Two changes (intent and outcome each), then three refusals made before any intent.
        assertThat(policyEvents().subList(4, 7)).allMatch(e -> e.outcome() instanceof Outcome.Rejected);
    }

    @Test
    void anotherTeamsPolicyAndServersAreNotFound() {
        RecoveryPolicy blue = policies.create(platform.as(BLUE), nightly(KEEP_TWO));

        assertThatThrownBy(() -> policies.get(GREEN, blue.id())).isInstanceOfSatisfying(ResourceNotFound.class,
                n -> assertThat(n.reason()).isEqualTo(ReasonCode.POLICY_NOT_FOUND));
        assertThatThrownBy(() -> policies.delete(platform.as(GREEN), blue.id(), OptionalLong.empty()))
                .isInstanceOf(ResourceNotFound.class);
        assertThatThrownBy(() -> plans.plan(platform.as(GREEN), blue.id(), 3)).isInstanceOf(ResourceNotFound.class);
        assertThatThrownBy(() -> policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(GREEN_SERVER)),
                PolicyKind.SNAPSHOT, nightly(KEEP_TWO).schedule(), nightly(KEEP_TWO).nameTemplate(), KEEP_TWO)))
                .isInstanceOfSatisfying(ResourceNotFound.class, n -> assertThat(n.reason()).isEqualTo(ReasonCode.SERVER_NOT_FOUND));
        assertThat(policies.list(GREEN, Optional.empty(), 100).items()).isEmpty();
        assertThat(policies.get(BLUE, blue.id())).isEqualTo(blue);
    }

    @Test
    void anUnreadableScheduleIsRefused() {
        PolicySpec weekly = new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT,
                new PolicySchedule("0 3 * * MON", ZoneId.of("UTC")), new NameTemplate("w-{date}"), KEEP_TWO);
        assertThatThrownBy(() -> policies.create(platform.as(BLUE), weekly))
                .isInstanceOfSatisfying(RecoveryException.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.INVALID_SCHEDULE));
        assertThat(store.count(BLUE)).isZero();
    }

    @Test
    void listsPageOldestFirst() {
        RecoveryPolicy first = policies.create(platform.as(BLUE), nightly(KEEP_TWO));
        platform.clock.advance(Duration.ofSeconds(1));
        RecoveryPolicy second = policies.create(platform.as(BLUE), nightly(KEEP_TWO));
        platform.clock.advance(Duration.ofSeconds(1));
        RecoveryPolicy third = policies.create(platform.as(BLUE), nightly(KEEP_TWO));

        KeysetPage<RecoveryPolicy, PolicyId> full = policies.list(BLUE, Optional.empty(), 2);
        assertThat(full.items()).containsExactly(first, second);
        assertThat(full.next()).contains(second.id());
        assertThat(policies.list(BLUE, Optional.of(second.id()), 2).items()).containsExactly(third);
        // Exactly full and the last: no next, never a pointer to an empty page (session 42).
        KeysetPage<RecoveryPolicy, PolicyId> all = policies.list(BLUE, Optional.empty(), 3);
        assertThat(all.items()).containsExactly(first, second, third);
        assertThat(all.next()).isEmpty();

        // The cursor's policy deleted between two pages: said so, never an empty page that reads as the end.
        policies.delete(platform.as(BLUE), second.id(), OptionalLong.of(second.version()));
        assertThatThrownBy(() -> policies.list(BLUE, Optional.of(second.id()), 2)).isInstanceOfSatisfying(ResourceNotFound.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.POLICY_NOT_FOUND));
    }

    /**
     * The cursor's policy deleted while the page is read (after any check of it, before the page's statement): still
     * 404, never the empty page the store then answers, which read as the end of the list.
     */
    @Test
    void aCursorDeletedWhileThePageIsReadIsNotFoundNeverAnEmptyPage() {
        RecoveryPolicy first = policies.create(platform.as(BLUE), nightly(KEEP_TWO));
        platform.clock.advance(Duration.ofSeconds(1));
        policies.create(platform.as(BLUE), nightly(KEEP_TWO));
        ManagePoliciesService racing = new ManagePoliciesService(new DeletesTheCursorAsThePageIsRead(store),
                platform.ownership, new DailyRunCalendar(), platform.auditWriter, platform.clock);

        assertThatThrownBy(() -> racing.list(BLUE, Optional.of(first.id()), 2)).isInstanceOfSatisfying(ResourceNotFound.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.POLICY_NOT_FOUND));
    }

    /**
     * A page of the most a page may list: one more policy than shown is read in a second store page (the store's pages
     * are at most MAX_PAGE), so exactly MAX_PAGE policies end without next and one more sets it (session 42).
     */
    @Test
    void aPageOfTheMostAPageListsSaysWhetherMoreFollow() {
        List<RecoveryPolicy> oldestFirst = stored(RecoveryPolicies.MAX_PAGE);
        KeysetPage<RecoveryPolicy, PolicyId> exactlyAll = policies.list(BLUE, Optional.empty(), RecoveryPolicies.MAX_PAGE);
        assertThat(exactlyAll.items()).isEqualTo(oldestFirst);
        assertThat(exactlyAll.next()).isEmpty();

        RecoveryPolicy newest = stored(1).getFirst();
        KeysetPage<RecoveryPolicy, PolicyId> full = policies.list(BLUE, Optional.empty(), RecoveryPolicies.MAX_PAGE);
        assertThat(full.items()).isEqualTo(oldestFirst);
        assertThat(full.next()).contains(oldestFirst.getLast().id());
        KeysetPage<RecoveryPolicy, PolicyId> last = policies.list(BLUE, full.next(), RecoveryPolicies.MAX_PAGE);
        assertThat(last.items()).containsExactly(newest);
        assertThat(last.next()).isEmpty();
    }

    /**
     * The page's last policy deleted between the page's read and the read of the one more: whether more follow is not
     * known then, so next names it (following it is 404, list again), never an end with a policy left unlisted.
     */
    @Test
    void aLastPolicyDeletedBeforeTheOneMoreIsReadLeavesNextSetNeverAFalseEnd() {
        List<RecoveryPolicy> oldestFirst = stored(RecoveryPolicies.MAX_PAGE + 1);
        ManagePoliciesService racing = new ManagePoliciesService(new DeletesTheCursorAsThePageIsRead(store),
                platform.ownership, new DailyRunCalendar(), platform.auditWriter, platform.clock);

        KeysetPage<RecoveryPolicy, PolicyId> page = racing.list(BLUE, Optional.empty(), RecoveryPolicies.MAX_PAGE);
        assertThat(page.items()).isEqualTo(oldestFirst.subList(0, RecoveryPolicies.MAX_PAGE));
        assertThat(page.next()).contains(oldestFirst.get(RecoveryPolicies.MAX_PAGE - 1).id());
        assertThatThrownBy(() -> racing.list(BLUE, page.next(), RecoveryPolicies.MAX_PAGE))
                .isInstanceOfSatisfying(ResourceNotFound.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.POLICY_NOT_FOUND));
    }

    /** {@code count} policies of BLUE stored as fixtures (past the team's limit), a second apart, oldest first. */
    private List<RecoveryPolicy> stored(int count) {
        List<RecoveryPolicy> added = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            platform.clock.advance(Duration.ofSeconds(1));
            RecoveryPolicy policy = RecoveryPolicy.created(PolicyId.random(), BLUE, nightly(KEEP_TWO), platform.clock.instant());
            store.add(policy);
            added.add(policy);
        }
        return added;
    }

    /** The store as a delete racing a page leaves it: the cursor's policy removed just before the page is read. */
    private static final class DeletesTheCursorAsThePageIsRead extends ForwardingRecoveryPolicies {
        private final RecoveryPolicies store;

        DeletesTheCursorAsThePageIsRead(RecoveryPolicies store) {
            super(store);
            this.store = store;
        }

        @Override
        public List<RecoveryPolicy> list(TeamId team, Optional<PolicyId> after, int limit) {
            after.flatMap(id -> store.find(team, id)).ifPresent(store::remove);
            return store.list(team, after, limit);
        }
    }

    @Test
    void thePlanKeepsAPointAHoldIsOnThatRetentionWouldOtherwiseDelete() {
        for (int day = 1; day <= 4; day++) {
            platform.provider.addSnapshot(new Snapshot(new SnapshotId(900 + day), platform.web, "nightly-12345-2026112" + day,
                    CreationStatus.COMPLETED, java.util.OptionalLong.of(10), Instant.parse("2026-11-2" + (day - 1) + "T02:00:00Z"), ""));
        }
        platform.holds.place(org.vpsrecovery.domain.hold.RecoveryPointHold.place(
                new org.vpsrecovery.domain.hold.HoldId(java.util.UUID.randomUUID()), BLUE, WEB,
                org.vpsrecovery.domain.audit.ResourceRef.of(new SnapshotId(901)),
                new org.vpsrecovery.domain.hold.HoldReason("incident 4711"),
                new org.vpsrecovery.domain.hold.HoldActor.Team(BLUE), platform.clock.instant()));
        RecoveryPolicy policy = policies.create(platform.as(BLUE), nightly(KEEP_TWO));

        PolicyPlan plan = plans.plan(platform.as(BLUE), policy.id(), 1);

        assertThat(plan.servers()).singleElement().satisfies(server -> {
            assertThat(server.points()).extracting(p -> p.verdict().candidate().point().id(), p -> p.verdict().keep())
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(904L, true), org.assertj.core.groups.Tuple.tuple(903L, true),
                            org.assertj.core.groups.Tuple.tuple(902L, false), org.assertj.core.groups.Tuple.tuple(901L, true));
            assertThat(server.points().get(3).verdict().keptFor(KeepReason.HELD)).isTrue();
        });
        assertThat(policyEvents().get(policyEvents().size() - 1).detail()).containsEntry("would_delete_points", "snapshot 902");
    }

    /**
     * A plan of a policy over every server reads VPS.org's list once, not once per server: the request counts once
     * against the team's fair share (ADR 0037), so its calls must not grow with the team's servers (ADR 0028, session 38).
     */
    @Test
    void aPlanOverEveryServerReadsVpsOrgsListOnceAndFiltersItPerServer() {
        platform.provider.addSnapshot(new Snapshot(new SnapshotId(901), platform.web, "nightly-12345-20261121",
                CreationStatus.COMPLETED, java.util.OptionalLong.of(10), Instant.parse("2026-11-21T02:00:00Z"), ""));
        platform.provider.addSnapshot(new Snapshot(new SnapshotId(902), platform.spare, "nightly-12346-20261121",
                CreationStatus.COMPLETED, java.util.OptionalLong.of(10), Instant.parse("2026-11-21T02:00:00Z"), ""));
        platform.provider.addSnapshot(new Snapshot(new SnapshotId(903), platform.greenServer, "green-own",
                CreationStatus.COMPLETED, java.util.OptionalLong.of(10), Instant.parse("2026-11-21T02:00:00Z"), ""));
        RecoveryPolicy everyServer = policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.everyOwned(),
                PolicyKind.SNAPSHOT, nightly(KEEP_TWO).schedule(), nightly(KEEP_TWO).nameTemplate(), KEEP_TWO));
        int callsBefore = platform.provider.calls().size();

        PolicyPlan plan = plans.plan(platform.as(BLUE), everyServer.id(), 1);

        assertThat(platform.provider.calls().subList(callsBefore, platform.provider.calls().size()))
                .containsExactly("list snapshots");
        assertThat(plan.servers()).extracting(PolicyPlan.ServerPlan::server).containsExactly(WEB, PlatformFixture.SPARE);
        assertThat(plan.servers()).extracting(s -> s.points().stream().map(p -> p.verdict().candidate().point().id()).toList())
                .containsExactly(List.of(901L), List.of(902L));
    }
}
