package org.vpsrecovery.application.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.policy.RunPoliciesService.Run;
import org.vpsrecovery.application.policy.RunPoliciesService.RunResult;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.policy.RunJitter;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.DailyRunCalendar;
import org.vpsrecovery.domain.testing.InMemoryRecoveryPolicies;

/** Scheduled runs and rotation (issue 14 items 2 and 3, ADR 0028), on the in-memory platform with its adjustable clock. */
class RunPoliciesServiceTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final InMemoryRecoveryPolicies store = new InMemoryRecoveryPolicies();
    private final ManagePoliciesService policies = new ManagePoliciesService(store, platform.ownership,
            new DailyRunCalendar(), platform.auditWriter, platform.clock);
    private final RunPoliciesService runs = new RunPoliciesService(() -> Set.of(BLUE, PlatformFixture.GREEN), store,
            platform.ownership, platform.provider, platform.provider, platform.limits, platform.operations, platform.holds,
            new DailyRunCalendar(), platform.attempts(), platform.deleteSnapshot(), platform.clock);

    /** 03:00 Berlin every day = 02:00 UTC in November; now is 2026-11-23T09:00Z. */
    private RecoveryPolicy nightly(RetentionRules retention) {
        return policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT,
                new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")), new NameTemplate("nightly-{server_id}-{date}"),
                retention));
    }

    private static final RetentionRules KEEP_TWO = new RetentionRules(2, Duration.ZERO, 0, 0, 0, 0, false);
    private static final Instant FIRE = Instant.parse("2026-11-24T02:00:00Z");

    private List<AuditEvent> events(Operation operation) {
        return platform.history.all().stream().filter(e -> e.operation() == operation).toList();
    }

    private void addNightly(long id, int day, String name) {
        platform.provider.addSnapshot(new Snapshot(new SnapshotId(id), platform.web, name, CreationStatus.COMPLETED,
                OptionalLong.of(10), Instant.parse("2026-11-%02dT02:00:00Z".formatted(day)), ""));
    }

    @Test
    void aDuePolicyRunsOnceNamedByItsTemplateAndTheCreateNamesThePolicy() {
        RecoveryPolicy policy = nightly(KEEP_TWO);

        List<Run> first = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));
        List<Run> again = runs.tick(FIRE.plus(RunJitter.CAP), FIRE.plus(Duration.ofHours(12)));

        assertThat(first).singleElement().satisfies(run -> {
            assertThat(run.scheduledFor()).isEqualTo(FIRE);
            assertThat(run.result()).isEqualTo(RunResult.MADE);
        });
        assertThat(again).isEmpty();
        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(Snapshot::name)
                .containsExactly("nightly-12345-20261124");
        assertThat(events(Operation.CREATE_SNAPSHOT)).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Submitted.class);
        assertThat(events(Operation.CREATE_SNAPSHOT)).allSatisfy(e -> assertThat(e.detail())
                .containsEntry(AuditEvent.POLICY_ID, policy.id().toString())
                .containsEntry(AuditEvent.POLICY_VERSION, "1")
                .containsEntry(AuditEvent.SCHEDULED_FOR, FIRE.toString()));
        // The create is an operation the tracker follows to its end, as a person's create is.
        assertThat(platform.operations.find(org.vpsrecovery.domain.operation.OperationId.parse(
                events(Operation.CREATE_SNAPSHOT).get(0).detail().get(AuditEvent.ATTEMPT_ID)))).isPresent();
    }

    @Test
    void aWindowBeforeTheJitteredTimeRunsNothingAndTheJitterIsBounded() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        Duration jitter = RunJitter.of(policy.id(), WEB, Duration.ofDays(1));

        assertThat(jitter).isLessThanOrEqualTo(RunJitter.CAP).isEqualTo(RunJitter.of(policy.id(), WEB, Duration.ofDays(1)));
        assertThat(runs.tick(platform.clock.instant(), FIRE.minusSeconds(1))).isEmpty();
        assertThat(runs.tick(FIRE.minusSeconds(1), FIRE.plus(jitter))).singleElement()
                .satisfies(run -> assertThat(run.scheduledFor()).isEqualTo(FIRE));
    }

    @Test
    void aWeekOfDowntimeYieldsOneRunForTheLatestTimeNotOnePerMissedTick() {
        nightly(new RetentionRules(10, Duration.ZERO, 0, 0, 0, 0, false));

        List<Run> late = runs.tick(platform.clock.instant(), Instant.parse("2026-11-30T12:00:00Z"));

        assertThat(late).singleElement().satisfies(run ->
                assertThat(run.scheduledFor()).isEqualTo(Instant.parse("2026-11-30T02:00:00Z")));
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(1);
    }

    @Test
    void aChangedPolicyRunsAtItsNewTimesAndADeletedOneNoMore() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        platform.clock.advance(Duration.ofHours(1));
        policies.update(platform.as(BLUE), policy.id(), OptionalLong.of(1), new PolicySpec(PolicyServers.of(List.of(WEB)),
                PolicyKind.SNAPSHOT, new PolicySchedule("30 4 * * *", ZoneId.of("UTC")),
                new NameTemplate("early-{server_id}-{date}"), KEEP_TWO));

        assertThat(runs.tick(Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-24T12:00:00Z")))
                .singleElement().satisfies(run -> assertThat(run.scheduledFor()).isEqualTo(Instant.parse("2026-11-24T04:30:00Z")));
        policies.delete(platform.as(BLUE), policy.id(), OptionalLong.empty());
        assertThat(runs.tick(Instant.parse("2026-11-24T12:00:00Z"), Instant.parse("2026-11-26T12:00:00Z"))).isEmpty();
        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(Snapshot::name)
                .containsExactly("early-12345-20261124");
    }

    @Test
    void atTheLimitTheOldestPolicyMadePointRetentionDropsIsRotatedUnderTheSameLock() {
        addNightly(801, 1, "by-hand");
        for (int day = 19; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        nightly(KEEP_TWO);

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> assertThat(run.result()).isEqualTo(RunResult.MADE));
        // 919 is the oldest the policy made; the older person-made 801 stays.
        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(s -> s.id().value())
                .doesNotContain(919L).contains(801L, 920L, 921L, 922L).hasSize(5);
        assertThat(events(Operation.DELETE_SNAPSHOT)).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Submitted.class);
        assertThat(events(Operation.DELETE_SNAPSHOT).get(0).resource()).contains(ResourceRef.of(new SnapshotId(919)));
        assertThat(events(Operation.CREATE_SNAPSHOT).get(0).detail()).containsEntry(AuditEvent.ROTATED, "snapshot 919");
    }

    @Test
    void aHeldPointIsNeverRotatedTheNextOldestIs() {
        for (int day = 18; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        platform.holds.place(RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, WEB,
                ResourceRef.of(new SnapshotId(918)), new HoldReason("incident 4711"), new HoldActor.Team(BLUE),
                platform.clock.instant()));
        nightly(KEEP_TWO);

        runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(s -> s.id().value())
                .contains(918L).doesNotContain(919L);
    }

    @Test
    void whenOnlyPersonMadeOrHeldPointsRemainTheRunIsRefusedAndAudited() {
        addNightly(801, 1, "by-hand-1");
        addNightly(802, 2, "by-hand-2");
        addNightly(803, 3, "by-hand-3");
        addNightly(921, 21, "nightly-12345-20261121");
        addNightly(922, 22, "nightly-12345-20261122");
        platform.holds.place(RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, WEB,
                ResourceRef.of(new SnapshotId(921)), new HoldReason("incident 4711"), new HoldActor.Team(BLUE),
                platform.clock.instant()));
        nightly(new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false));
        List<String> callsBefore = platform.provider.calls();

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> assertThat(run.result()).isEqualTo(RunResult.REFUSED));
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(platform.provider.calls().subList(callsBefore.size(), platform.provider.calls().size()))
                .allMatch(call -> call.startsWith("list"));
        assertThat(events(Operation.DELETE_SNAPSHOT)).isEmpty();
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e ->
                assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.ROTATION_NOT_POSSIBLE)));
    }
}
